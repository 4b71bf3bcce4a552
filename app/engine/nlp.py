"""Loading the spaCy pipeline, and the component that fixes its sentence boundaries.

en_core_web_sm takes its sentence boundaries from the parser, which was trained on
well-formed text. News copy as it reaches a service is not: paragraphs lose their final
period (headlines, datelines, names stripped by a feed), and a closing quotation mark after
a period is often split off as a sentence of its own. Both break attribution, whose rules
work inside a sentence. ``quote_boundaries`` runs before the parser and presets
boundaries that the parser then respects: every paragraph starts a sentence, a closing
quotation mark never does, and neither does a word in lower case right after one (the
attribution of '"Does that fly?" former adviser David Axelrod asked'), nor an opening mark
right after a word or a comma.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass

import numpy as np
import spacy
from spacy.attrs import IDX, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from app.engine.quotes import QuoteSpan, find_quotes

BOUNDARY_COMPONENT = "quote_boundaries"

if not Doc.has_extension("quote_spans"):
    Doc.set_extension("quote_spans", default=None)


def stored_quote_spans(doc: Doc) -> list[QuoteSpan] | None:
    """The quotations ``quote_boundaries`` found in ``doc``, or None if it did not run.

    They are kept as plain tuples in ``doc._.quote_spans``, so that the ``Doc`` still
    serialises (``to_bytes``, ``DocBin``, ``nlp.pipe(n_process=...)``).
    """
    stored = doc._.quote_spans
    return None if stored is None else [QuoteSpan(*fields) for fields in stored]


@Language.component(BOUNDARY_COMPONENT)
def quote_boundaries(doc: Doc) -> Doc:
    """Find the quotations (``stored_quote_spans``) and preset sentence starts."""
    spans: list[QuoteSpan] = find_quotes(doc.text)
    doc._.quote_spans = [astuple(q) for q in spans]
    preset_boundaries(doc, QuoteMarks.of(spans))
    return doc


@dataclass(frozen=True, slots=True)
class QuoteMarks:
    """Character offsets (in the whole text) of the quotations' opening and closing marks."""

    openers: frozenset[int]
    closers: frozenset[int]

    @classmethod
    def of(cls, quotes: Iterable[QuoteSpan]) -> QuoteMarks:
        quotes = list(quotes)
        return cls(
            frozenset(q.open_mark for q in quotes if q.open_mark is not None),
            frozenset(q.close_mark for q in quotes if q.close_mark is not None),
        )


def preset_boundaries(doc: Doc, marks: QuoteMarks, offset: int = 0) -> None:
    """Preset sentence starts before the parse: a paragraph starts a sentence, a closing
    quotation mark never does, nor a word in lower case right after it, nor an opening
    mark right after a word or a comma.

    Args:
        doc: The text to parse, or one paragraph of it.
        marks: The quotations' marks in the whole text.
        offset: Where ``doc`` starts in the whole text.
    """
    if len(doc) < 2:
        return
    cols = doc.to_array([IDX, IS_SPACE])
    # Line breaks are whitespace tokens of their own (a token's trailing whitespace is one
    # space at most): the token after one starts a sentence, unless it is whitespace too.
    for i in np.flatnonzero(cols[:-1, 1]).tolist():
        if "\n" in doc[i].text:
            nxt = doc[i + 1]
            nxt.is_sent_start = not nxt.is_space
    for i, idx in enumerate(cols[1:, 0].tolist(), start=1):
        if idx + offset in marks.openers:
            # 'trashed Comey on MSNBC's "Morning Joe," calling it a "no-brainer"': a mark
            # after a word or a comma opens words of the same sentence.
            before = doc[i - 1].text
            if before[:1].isalnum() or before in {",", "'s", "’s"}:
                doc[i].is_sent_start = False
        if idx + offset in marks.closers:
            doc[i].is_sent_start = False
            # '"Does that fly?" former adviser David Axelrod asked': a word in lower case
            # right after the closing mark goes on with the quotation's sentence.
            if i + 1 < len(doc) and doc[i + 1].text[:1].islower():
                doc[i + 1].is_sent_start = False


TEXT_KEY = ("quote_attribution", "text")
"""Where the analysis keeps the text of a ``Doc`` it made (``text_of``)."""


def text_of(doc: Doc) -> str:
    """``doc.text``, without joining every token again when the analysis kept the text."""
    text = doc.user_data.get(TEXT_KEY)
    return text if isinstance(text, str) else doc.text


_DASHES = ["―", "—", "–"]
_HYPHEN_BEFORE_NAME = r"-(?=[A-Z][a-z])"
"""A hyphen glued to a capitalised word opens a bullet or a vox-pop credit: ``-Michelle
Marks, Philadelphia.``; the default rules keep ``-Michelle`` one token."""


def _split_dashes(nlp: Language) -> None:
    """Vox-pop copy glues the attribution dash to the closing mark (``”― Pamela Padilla``);
    the default rules keep ``”―`` as one token. Dashes split off as prefixes and suffixes."""
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    prefixes = list(nlp.Defaults.prefixes or []) + _DASHES + [_HYPHEN_BEFORE_NAME]
    suffixes = list(nlp.Defaults.suffixes or []) + _DASHES
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


_GLUED_QUOTE_INFIXES = [
    r"""(?<=[,.:;!?])["“”](?=[^\W\d_])""",
    r"""(?<=[^\W\d_]|[)\]])[,.:;!?](?=["“”][^\W\d_])""",
]
"""A quotation mark glued to the punctuation before it and the word after it, as copy that
lost a space has it (``Ryan said,“Look, ...``, ``audiences,"Katie Packer said``): the
default rules keep ``said,“Look`` one token, so the cue is lost. The punctuation and the
mark split off as infixes."""


def _split_glued_quotes(nlp: Language) -> None:
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes or []) + _GLUED_QUOTE_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline and add the boundary component before its parser.

    Components attribution does not use are disabled (not removed, so a pipeline saved
    from here still has them).
    """
    nlp = spacy.load(name)
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {name!r} needs a parser and an NER component")
    if BOUNDARY_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(BOUNDARY_COMPONENT, before="parser")
    _split_dashes(nlp)
    _split_glued_quotes(nlp)
    return nlp


__all__ = [
    "BOUNDARY_COMPONENT",
    "load_pipeline",
    "QuoteMarks",
    "preset_boundaries",
    "quote_boundaries",
    "stored_quote_spans",
    "text_of",
]
