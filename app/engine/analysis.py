"""Step 0: the linguistic analysis attribution reads, and no more of it.

The cost of attributing an article is spaCy's analysis. On PolNeAR dev, en_core_web_sm
spends about 43% of its time in the entity recogniser (which has its own encoder), 25% in
the shared encoder, 13% in the parser and 17% in two rule components. Attribution does not
read all of that:

- **Parse where quotations are.** Quote-marked attribution reads the paragraph of each
  quotation and the paragraphs beside it (a speaker named in the paragraph before, a
  continuation, ``he said`` opening the next one). Only those paragraphs are tagged and
  parsed; the others are only tokenised (one sentence each, no tags). Reported speech can
  be anywhere, so with ``include_indirect`` every paragraph is parsed; an article without
  quotation marks then needs no parse at all.
- **Names from the whole text, where they are.** Coreference needs every naming of a
  speaker ("Sergei Lavrov" in the lede, "Lavrov" by the quotation), so the entity
  recogniser runs over the whole text, but only on windows around the words that can be
  names: capitalised words that are not stop words in the parsed paragraphs, and in the
  others those that are also a proper noun of a parsed paragraph (the names coreference
  can link to a speaker). The windows keep ``NER_CONTEXT`` tokens on each side, about the
  reach of the recogniser's own encoder (four layers of one-token windows), so it sees
  nearly the context it sees in the full text.
- **Rules as tables.** The attribute ruler and the lemmatizer run as array operations
  (``annotators.py``), with the same output.

Paragraphs are analysed as separate ``Doc`` objects and joined with ``Doc.from_docs``:
tokenising paragraph by paragraph gives the tokens of the whole text (paragraphs are cut
after their whitespace), and each paragraph starts a sentence anyway (``preset_boundaries``),
so the parse of a paragraph is the parse it gets in the whole text, up to the few tokens
of encoder context across a paragraph break. The measured effect on attribution is in the
README's Performance section; ``QuoteAttributor(full_analysis=True)`` runs the whole
pipeline on everything instead.

A pipeline whose recogniser listens to a shared encoder (transformer pipelines) cannot
run it on windows alone: the recogniser then runs with the parser, on the parsed
paragraphs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass

import numpy as np
from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_SPACE,
    IS_STOP,
    LENGTH,
    LOWER,
    POS,
    SPACY,
)
from spacy.language import Language
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from app.engine.annotators import fast_annotator
from app.engine.nlp import BOUNDARY_COMPONENT, TEXT_KEY, QuoteMarks, preset_boundaries, text_of
from app.engine.quotes import QuoteSpan, find_quotes, paragraph_spans

NER = "ner"

NER_CONTEXT = 3
"""Tokens of context the recogniser gets on each side of a capitalised word."""

PARAGRAPH_REACH = 1
"""Paragraphs parsed on each side of a paragraph with a quotation."""


def paragraph_cuts(text: str) -> list[int]:
    """Where ``text`` is cut into paragraph pieces: 0, then the first non-space character of
    each later paragraph. Whitespace stays with the piece before, where the tokenizer of the
    whole text puts it."""
    cuts = [0]
    for lo, _ in paragraph_spans(text)[1:]:
        while lo < len(text) and text[lo].isspace():
            lo += 1
        if cuts[-1] < lo < len(text):
            cuts.append(lo)
    return cuts


def parsed_paragraphs(
    quotes: Sequence[QuoteSpan], cuts: Sequence[int], everything: bool
) -> set[int]:
    """Indices of the paragraph pieces to parse."""
    if everything:
        return set(range(len(cuts)))
    chosen: set[int] = set()
    for q in quotes:
        k = bisect_right(cuts, q.start) - 1
        chosen.update(range(max(0, k - PARAGRAPH_REACH), min(len(cuts), k + PARAGRAPH_REACH + 1)))
    return chosen


def name_windows(doc: Doc, context: int = NER_CONTEXT) -> list[tuple[int, int]]:
    """Token ranges around the words that can be names, merged when they touch.

    A word can be a name when it starts with a capital and is not a stop word ("The",
    "He", "But" open sentences). In a paragraph that was not parsed, it must also be a
    proper noun somewhere in the parsed ones: those are the names coreference can link to
    a speaker ("Sergei Lavrov" in the lede for "Lavrov" by the quotation). A ``Doc`` with
    no parse at all has every such word.
    """
    if not len(doc):
        return []
    flags = doc.to_array([IDX, IS_STOP, IS_SPACE, POS, LOWER])
    text = text_of(doc)
    # Starts with a capital: "McKinley" and "NATO" too, which are not title case.
    initial = np.fromiter((text[i].isupper() for i in flags[:, 0].tolist()), bool, len(doc))
    parsed = flags[:, 3] != 0
    proper = flags[:, 3] == PROPN
    capitalised = initial & (flags[:, 1] == 0) & (flags[:, 2] == 0)
    if parsed.any():
        known = np.isin(flags[:, 4], flags[proper, 4])
        hits = np.flatnonzero(capitalised & (parsed | known))
    else:
        hits = np.flatnonzero(capitalised)
    windows: list[tuple[int, int]] = []
    for i in hits.tolist():
        a, b = max(0, i - context), min(len(doc), i + context + 1)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], b)
        else:
            windows.append((a, b))
    return windows


def _one_sentence(doc: Doc, root: int) -> None:
    """Mark an unparsed paragraph as one sentence, in a ``Doc`` joined to parsed ones
    (where sentences come from the parse): its first token is a root, and no other token
    has a head or a label."""
    arr = np.zeros((len(doc), 2), dtype=np.uint64)
    arr[0, 1] = root
    doc.from_array([HEAD, DEP], arr)


@dataclass
class _Article:
    text: str
    quotes: list[QuoteSpan]
    pieces: list[Doc]
    parse: set[int]


class Analyzer:
    """Runs a spaCy pipeline on the parts of articles attribution reads."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self._ner = nlp.get_pipe(NER) if NER in nlp.pipe_names else None
        self._windowed_ner = self._ner is not None and not any(
            "listener" in node.name for node in self._ner.model.walk()
        )
        self._root = nlp.vocab.strings.add("ROOT")
        skip = {BOUNDARY_COMPONENT, NER} if self._windowed_ner else {BOUNDARY_COMPONENT}
        self._steps = [
            fast_annotator(proc) or proc for name, proc in nlp.pipeline if name not in skip
        ]

    def pipe(
        self, texts: Iterable[str], include_indirect: bool = False, batch_size: int = 16
    ) -> Iterator[Doc]:
        """Analysed ``Doc`` objects, in order, with their quotations stored
        (``stored_quote_spans``)."""
        for batch in minibatch(texts, batch_size):
            articles = [self._plan(text, include_indirect) for text in batch]
            self._parse([a.pieces[k] for a in articles for k in sorted(a.parse)], batch_size)
            docs = [self._join(a) for a in articles]
            if self._windowed_ner:
                self._recognise([d for d, a in zip(docs, articles, strict=True) if a.parse])
            yield from docs

    def _plan(self, text: str, include_indirect: bool) -> _Article:
        quotes = find_quotes(text)
        cuts = paragraph_cuts(text)
        parse = parsed_paragraphs(quotes, cuts, include_indirect)
        marks = QuoteMarks.of(quotes)
        pieces = []
        for k, (lo, hi) in enumerate(zip(cuts, [*cuts[1:], len(text)], strict=True)):
            piece = self.nlp.make_doc(text[lo:hi])
            pieces.append(piece)
            if not len(piece) or not parse:  # nothing parsed: no sentences to mark
                continue
            if k in parse:
                preset_boundaries(piece, marks, lo)
                piece[0].is_sent_start = True
            else:
                _one_sentence(piece, self._root)
        return _Article(text, quotes, pieces, parse)

    def _parse(self, docs: list[Doc], batch_size: int) -> None:
        stream: Iterable[Doc] = docs
        for step in self._steps:
            if hasattr(step, "pipe"):
                stream = step.pipe(stream, batch_size=batch_size)
            else:
                stream = map(step, stream)
        for _ in stream:
            pass

    @staticmethod
    def _join(article: _Article) -> Doc:
        if len(article.pieces) == 1:
            doc = article.pieces[0]
        else:
            doc = Doc.from_docs(article.pieces, ensure_whitespace=False, exclude=["tensor"])
        doc._.quote_spans = [astuple(q) for q in article.quotes]
        doc.user_data[TEXT_KEY] = article.text
        return doc

    def _recognise(self, docs: list[Doc]) -> None:
        windows = []
        parts = []
        vocab = self.nlp.vocab
        for doc in docs:
            text = text_of(doc)
            cols = doc.to_array([IDX, LENGTH, SPACY]).tolist()
            for a, b in name_windows(doc):
                windows.append((doc, a))
                rows = cols[a:b]
                parts.append(
                    Doc(
                        vocab,
                        words=[text[i : i + n] for i, n, _ in rows],
                        spaces=[bool(s) for _, _, s in rows],
                    )
                )
        found: dict[int, list[Span]] = {id(doc): [] for doc in docs}
        assert self._ner is not None
        for (doc, a), part in zip(windows, self._ner.pipe(parts, batch_size=256), strict=True):
            found[id(doc)].extend(
                Span(doc, a + e.start, a + e.end, label=e.label) for e in part.ents
            )
        for doc in docs:
            doc.set_ents(found[id(doc)], default="outside")


__all__ = ["NER_CONTEXT", "PARAGRAPH_REACH", "Analyzer", "name_windows", "paragraph_cuts"]
