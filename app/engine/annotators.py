"""Array-based stand-ins for the attribute ruler and the rule lemmatizer, same output.

en_core_web_sm spends almost a fifth of its time in two rule components that are cheap in
principle: ``attribute_ruler`` (part of speech and morphology from the fine-grained tag,
plus about a hundred word-specific exceptions) and ``lemmatizer`` (rules keyed on the word,
its part of speech and morphology). Both pay per token in Python: the ruler handles one
matcher hit per token, the lemmatizer a cache lookup through ``Token`` properties.

Here the tag-only rules become a table applied to the ``Doc``'s arrays at once, the
exceptions still go through spaCy's ``Matcher``, with the ruler's own precedence (a later
rule overrides an earlier one, attribute by attribute), and lemmas come from one cache
lookup per token on arrays, the lemmatizer's own rules filling misses. The output is the
components' output, token for token: ``tests/engine/test_annotators.py`` compares them on
real articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Generic, TypeVar

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

Annotator = Callable[[Doc], Doc]
K = TypeVar("K")
V = TypeVar("V")

GENERATION = 5_000
"""Entries of one cache generation (``Recent``). News brings new names every day, and a
server must not grow with them: a cache keeps at most two generations."""


class Recent(Generic[K, V]):
    """A bounded cache that keeps what is in use: two generations of at most ``size``
    entries each. A hit in the older one moves the entry to the newer; when the newer is
    full, it becomes the older and the oldest is dropped. Cheaper per lookup than an LRU
    list, and as bounded."""

    def __init__(self, size: int = GENERATION, on_turn: Callable[[], None] | None = None):
        self.size = size
        self._new: dict[K, V] = {}
        self._old: dict[K, V] = {}
        self._on_turn = on_turn

    def get(self, key: K) -> V | None:
        value = self._new.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        self._new[key] = value
        if len(self._new) >= self.size:
            self._old, self._new = self._new, {}
            if self._on_turn is not None:
                self._on_turn()

    def __len__(self) -> int:
        return len(self._new) + len(self._old)


Test = Callable[[object], bool]


def _predicate(value: object) -> Test | None:
    """A matcher token constraint as a test on one attribute value (None: not handled here)."""
    if isinstance(value, (str, bool)):
        return lambda v: v == value
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda v: v in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda v: v not in banned
        if op == "REGEX":
            search = re.compile(arg).search
            return lambda v: isinstance(v, str) and search(v) is not None
    return None


def _first(rule: tuple[int, object]) -> int:
    return rule[0]


_FIELDS = ("LOWER", "TAG", "DEP", "IS_SPACE")
"""Token attributes a one-token exception may test, in the order of the lookup key."""


class FastAttributeRuler:
    """``AttributeRuler.__call__``: tag-only rules as one table, one-token exceptions as a
    lookup on (lower, tag, dependency, is_space), longer ones through spaCy's ``Matcher``."""

    def __init__(self, ruler: AttributeRuler):
        vocab = ruler.vocab
        self._vocab = vocab
        self._matcher = Matcher(vocab)
        self._attrs: dict[int, dict[int, int]] = {}
        self._indices: dict[int, int] = {}  # rules matched by the Matcher: their token
        self._by_word: dict[str, list[tuple[int, list[tuple[int, Test]]]]] = {}
        self._any_word: list[tuple[int, list[tuple[int, Test]]]] = []
        self._hits: Recent[tuple[int, int, int, int], tuple[int, ...]] = Recent()
        # What the tag-only rules set, by tag: (rule order, value); a later rule wins.
        self._pos: dict[int, tuple[int, int]] = {}
        self._morph: dict[int, tuple[int, int]] = {}
        for rule_id, rule in enumerate(ruler.patterns):
            attrs, index = ruler.attrs[rule_id], ruler.indices[rule_id]
            patterns = rule["patterns"]
            if all(len(p) == 1 and set(p[0]) == {"TAG"} for p in patterns) and set(attrs) <= {
                POS,
                MORPH,
            }:
                for pattern in patterns:
                    tag = vocab.strings.add(pattern[0]["TAG"])
                    if POS in attrs:
                        self._pos[tag] = (rule_id, attrs[POS])
                    if MORPH in attrs:
                        self._morph[tag] = (rule_id, attrs[MORPH])
                continue
            self._attrs[rule_id] = attrs
            for pattern in patterns:
                tests = self._one_token_tests(pattern, index)
                if tests is None:
                    self._matcher.add(str(rule_id), [pattern])
                    self._indices[rule_id] = index
                    continue
                # Most exceptions name their words: index them by the word.
                words = pattern[0].get("LOWER")
                if isinstance(words, dict) and set(words) == {"IN"}:
                    words = words["IN"]
                if isinstance(words, str):
                    words = [words]
                if isinstance(words, list):
                    for word in words:
                        self._by_word.setdefault(word, []).append((rule_id, tests))
                else:
                    self._any_word.append((rule_id, tests))

    @staticmethod
    def _one_token_tests(pattern: list[dict], index: int) -> list[tuple[int, Test]] | None:
        if len(pattern) != 1 or index not in (0, -1) or not set(pattern[0]) <= set(_FIELDS):
            return None
        tests = []
        for field, value in pattern[0].items():
            test = _predicate(value)
            if test is None:
                return None
            tests.append((_FIELDS.index(field), test))
        return tests

    def _rules_for(self, key: tuple[int, int, int, int]) -> tuple[int, ...]:
        """The one-token rules that match a token with these (hashed) attribute values."""
        hits = self._hits.get(key)
        if hits is None:
            strings = self._vocab.strings
            values = (strings[key[0]], strings[key[1]], strings[key[2]], bool(key[3]))
            rules = sorted(self._by_word.get(values[0], []) + self._any_word, key=_first)
            hits = tuple(
                rule_id for rule_id, tests in rules if all(test(values[f]) for f, test in tests)
            )
            self._hits.put(key, hits)
        return hits

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array([TAG, POS, MORPH])
        pos_rule = [-1] * len(doc)
        morph_rule = [-1] * len(doc)
        for i, tag in enumerate(arr[:, 0].tolist()):
            p = self._pos.get(tag)
            if p is not None:
                pos_rule[i] = p[0]
                arr[i, 1] = p[1]
            m = self._morph.get(tag)
            if m is not None:
                morph_rule[i] = m[0]
                arr[i, 2] = m[1]
        doc.from_array([POS, MORPH], arr[:, 1:])
        hits: list[tuple[int, int]] = []  # (rule, token)
        rules_for = self._rules_for
        for i, key in enumerate(doc.to_array([LOWER, TAG, DEP, IS_SPACE]).tolist()):
            for rule_id in rules_for(tuple(key)):
                hits.append((rule_id, i))
        if self._indices:
            for match_id, start, end in self._matcher(doc, allow_missing=True):
                rule_id = int(self._vocab.strings[match_id])
                hits.append((rule_id, doc[start:end][self._indices[rule_id]].i))
        for rule_id, i in sorted(hits):
            # A tag-only rule that comes later in the ruler's order still overrides.
            kept = {
                name: value
                for name, value in self._attrs[rule_id].items()
                if not (name == POS and pos_rule[i] > rule_id)
                and not (name == MORPH and morph_rule[i] > rule_id)
            }
            if kept:
                set_token_attrs(doc[i], kept)
        return doc


class FastLemmatizer:
    """``Lemmatizer.__call__`` (rule mode) with one dictionary lookup per token."""

    def __init__(self, lemmatizer: Lemmatizer):
        self._lemmatizer = lemmatizer
        self._strings = lemmatizer.vocab.strings
        # Lemmas as strings, not string-store ids: an id made inside a spaCy memory zone
        # is gone after it, a string is not.
        # spaCy's lemmatizer caches what it computes for us too: it is emptied as ours turns.
        self._cache: Recent[tuple[int, int, int], str] = Recent(on_turn=lemmatizer.cache.clear)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        overwrite = self._lemmatizer.overwrite
        cache = self._cache
        add = self._strings.add
        lemmas = arr[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = self._lemmatizer.lemmatize(doc[i])[0]
                cache.put(key, value)
            lemmas[i] = add(value)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def fast_annotator(component: object) -> Annotator | None:
    """The array-based stand-in for a pipeline component, or None to run it as it is."""
    if isinstance(component, AttributeRuler):
        return FastAttributeRuler(component)
    if isinstance(component, Lemmatizer) and component.mode == "rule":
        return FastLemmatizer(component)
    return None


__all__ = ["GENERATION", "FastAttributeRuler", "FastLemmatizer", "Recent", "fast_annotator"]
