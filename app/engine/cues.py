"""Step 2: attribution cues, the words that introduce reported speech.

Cues come from the lexicon in ``models/lexicons/cues.tsv``: verbs matched by lemma and part
of speech (``said``, ``tells``, ``tweeted``), and multi-word phrases matched by word
sequence (``according to``); and from ``speech_nouns.tsv``, nouns that name an utterance
(``her assertion that``, ``Trump's claim``), of class ``nominal``. A verb entry can require
a particle or object (``went on``, ``pointed out``, ``as he put it``), so that ``go`` and
``put`` are cues only in those uses. A verb form the tagger took for a noun is a cue where
it closes a quotation (``"...," the two write``; see ``_closes_quotation``).

A cue is never inside the quotation it attributes: ``"It cannot be said that ..."`` has a
``said`` that is part of the quoted words. Cues inside any quotation are dropped here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.engine.lexicon import CueEntry, Lexicon


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A cue found in a ``Doc``: token range ``[start, end)`` and its head token."""

    start: int
    end: int
    head: int
    """Index of the token that carries the cue's syntax (the verb, or ``to`` of ``according to``)."""
    entry: CueEntry

    def text(self, doc: Doc) -> str:
        return doc[self.start : self.end].text

    @property
    def lemma(self) -> str:
        return self.entry.cue


# The small model tags some reporting verbs as nouns or adjectives in headlines and after
# names it does not know ("Kono said" -> said/ADJ); the fine-grained tag or the word form
# still tells a verb.
_REPORTING_FORMS = {"said": "say", "says": "say", "told": "tell", "tells": "tell"}


def _verb_entry(
    token: Token, lexicon: Lexicon, inside_quote: Callable[[Token], bool] = lambda t: False
) -> CueEntry | None:
    # A mistagged "said" (ADJ) also gets the lemma "said": the word form decides then.
    entry = lexicon.verbs.get(_REPORTING_FORMS.get(token.lower_, token.lemma_.lower()))
    if entry is None:
        return None
    if (
        token.pos_ not in {"VERB", "AUX"}
        and not token.tag_.startswith("VB")
        and token.lower_ not in _REPORTING_FORMS
        and not (
            entry.requires is None
            and token.pos_ in {"NOUN", "ADJ"}
            and token.lemma_.lower() not in lexicon.nouns  # "Trump's reply came": a noun cue
            and _closes_quotation(token, inside_quote)
        )
    ):
        return None
    if entry.requires is not None:
        dep, word = entry.requires
        if not any(c.lower_ == word and _is_required(token, c, dep) for c in token.children):
            return None
    return entry


_SOURCE_WORDS = {"DET", "NUM", "ADJ", "NOUN", "PROPN", "PRON", "PART"}
_CLOSING_MARKS = {"”", '"', "’", "'", "''", "»"}


def _closes_quotation(token: Token, inside_quote: Callable[[Token], bool]) -> bool:
    """Whether a word the tagger took for a noun is the verb that attributes the quotation
    it follows: '"...," the two write.', '"...," the Saudis state in the white paper',
    '"...," read one.'

    Right after a quotation's closing mark (and its comma), either the word itself comes
    first, with its source after it, or a short noun phrase (the source) comes first and
    the word ends the clause: punctuation, an adverb or a preposition other than "of"
    follows, not a word that goes on with the phrase ('"...," the state department said',
    'the state of Texas') nor a verb whose subject the word is ('"..." The city report
    shows').
    """
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    j = token.i - 1
    if j >= 0 and doc[j].text == ",":
        j -= 1
    words = 0
    while j >= 0 and not inside_quote(doc[j]):
        t = doc[j]
        if words >= 6 or not (t.pos_ in _SOURCE_WORDS or t.text == "-"):
            return False
        words += 1
        j -= 1
        if j >= 1 and doc[j].text == "," and inside_quote(doc[j - 1]):
            j -= 1  # the comma after the closing mark
    if j < 0 or doc[j].text not in _CLOSING_MARKS:
        return False
    if words == 0:  # '"...," read the statement': the source follows
        return nxt is not None and nxt.pos_ in {"DET", "PRON", "NUM", "PROPN"}
    return (
        nxt is None
        or nxt.is_punct
        or nxt.is_space
        or (nxt.pos_ in {"ADP", "ADV", "SCONJ", "CCONJ"} and nxt.lower_ != "of")
        or nxt.ent_type_ in {"DATE", "TIME"}  # '"...," the two write Sunday'
    )


def _is_required(verb: Token, child: Token, dep: str) -> bool:
    """Whether ``child`` stands in the relation ``dep`` a verb entry requires. The parser
    tags the particle of "shot back" or "chimed in" an adverb now and then: right after
    the verb, it is the particle still."""
    if child.dep_ == dep:
        return True
    return dep == "prt" and child.dep_ == "advmod" and child.i == verb.i + 1


def find_cues(doc: Doc, lexicon: Lexicon, quoted: Sequence[tuple[int, int]] = ()) -> list[CueMatch]:
    """Cues of ``doc`` outside the quoted character ranges ``quoted`` (outer offsets, marks included)."""

    ranges = sorted(quoted)
    starts = [a for a, _ in ranges]

    def inside_quote(tok: Token) -> bool:
        n = bisect_right(starts, tok.idx) - 1
        return n >= 0 and tok.idx < ranges[n][1]

    cues: list[CueMatch] = []
    max_len = max((len(k) for k in lexicon.phrases), default=0)
    taken: set[int] = set()
    lower = [t.lower_ for t in doc]
    for i in range(len(doc)):
        for n in range(max_len, 1, -1):
            key = tuple(lower[i : i + n])
            entry = lexicon.phrases.get(key)
            if entry is not None and not any(inside_quote(doc[j]) for j in range(i, i + n)):
                cues.append(CueMatch(i, i + n, i + n - 1, entry))
                taken.update(range(i, i + n))
                break
    for tok in doc:
        if tok.i in taken or inside_quote(tok):
            continue
        entry = _verb_entry(tok, lexicon, inside_quote)
        if entry is None and tok.pos_ == "NOUN":
            entry = lexicon.nouns.get(tok.lemma_.lower())
        if entry is not None:
            end = tok.i + 1
            if entry.requires is not None and entry.requires[0] == "prt":
                prts = [
                    c.i for c in tok.children if c.i == tok.i + 1 and _is_required(tok, c, "prt")
                ]
                end = max(prts, default=tok.i) + 1
            cues.append(CueMatch(tok.i, end, tok.i, entry))
    cues.sort(key=lambda c: c.start)
    return cues
