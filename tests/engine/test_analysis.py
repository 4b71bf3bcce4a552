"""Step 0: the analysis attribution reads (paragraph pieces, parsed where quotations are,
names recognised on windows over the whole text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from app.engine.analysis import (
    Analyzer,
    name_windows,
    paragraph_cuts,
    parsed_paragraphs,
)
from app.engine.attributor import QuoteAttributor
from app.engine.nlp import stored_quote_spans
from app.engine.quotes import QuoteSpan, find_quotes
from tests.conftest import shared_file

ARTICLE_LAYOUTS = [
    "One paragraph only.",
    "First.\n\nSecond.\n\nThird.",
    "Indented.\n   Next line after spaces.",
    "Non-breaking.\n\xa0Next after a no-break space.\n\xa0\nAnd a blank-looking line.",
    "Windows line ends.\r\n\r\nSecond paragraph.\r\n",
    "Trailing whitespace. \n\n\n",
    "\n\nLeading blank lines.\n\nThen text.",
    "",
]


def _tokens(nlp: Language, text: str) -> list[tuple[int, str, str]]:
    return [(t.idx, t.text, t.whitespace_) for t in nlp.make_doc(text)]


def _piece_tokens(nlp: Language, text: str) -> list[tuple[int, str, str]]:
    cuts = paragraph_cuts(text)
    out = []
    for lo, hi in zip(cuts, [*cuts[1:], len(text)], strict=True):
        out += [(i + lo, w, s) for i, w, s in _tokens(nlp, text[lo:hi])]
    return out


@pytest.mark.parametrize("text", ARTICLE_LAYOUTS)
def test_paragraph_pieces_tokenise_as_the_whole_text(nlp: Language, text: str) -> None:
    assert _piece_tokens(nlp, text) == _tokens(nlp, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .,\"'\n\r\t\xa0\u201c\u201d-", max_size=60))
def test_paragraph_pieces_tokenise_as_the_whole_text_always(text: str) -> None:
    nlp = _BLANK
    assert _piece_tokens(nlp, text) == _tokens(nlp, text)


import spacy  # noqa: E402  (a blank English tokenizer for the property test)

_BLANK = spacy.blank("en")


def _quote_in(paragraph: int) -> QuoteSpan:
    return find_quotes("\n\n" * paragraph + '"Words," she said.')[0]


@pytest.mark.parametrize(
    ("quote_paragraphs", "pieces", "everything", "parsed"),
    [
        ([], 4, False, set()),  # no quotation: nothing to parse
        ([0], 4, False, {0, 1}),  # the first paragraph and the one after it
        ([2], 5, False, {1, 2, 3}),  # the paragraph before (a speaker named there) and after
        ([4], 5, False, {3, 4}),  # the last paragraph
        ([1, 3], 6, False, {0, 1, 2, 3, 4}),
        ([], 3, True, {0, 1, 2}),  # reported speech can be anywhere: everything
    ],
)
def test_parsed_paragraphs_are_those_around_quotations(
    quote_paragraphs: list[int], pieces: int, everything: bool, parsed: set[int]
) -> None:
    text = "\n\n".join(f'"Quote {k}," she said.' for k in range(pieces))
    cuts = paragraph_cuts(text)
    quotes = [q for q in find_quotes(text) if q.paragraph in quote_paragraphs]
    assert parsed_paragraphs(quotes, cuts, everything) == parsed


@pytest.mark.parametrize(
    ("text", "covered", "uncovered"),
    [
        # A name mid-sentence, with its context; the sentence-opening stop word is no trigger.
        (
            "The meeting ended late and Foreign Minister Sergei Lavrov said little about it.",
            ["Foreign", "Minister", "Sergei", "Lavrov", "said"],
            ["The", "meeting"],
        ),
        ("He said it was over.", [], ["He", "said", "it", "was", "over", "."]),
        ("NATO officials met in Brussels.", ["NATO", "officials", "Brussels"], []),
    ],
)
def test_name_windows_cover_capitalised_words_and_their_context(
    nlp: Language, text: str, covered: list[str], uncovered: list[str]
) -> None:
    doc = nlp.make_doc(text)
    inside = {t.text for a, b in name_windows(doc) for t in doc[a:b]}
    assert set(covered) <= inside
    assert not set(uncovered) & inside


@pytest.fixture(scope="module")
def seed() -> str:
    return shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")


def test_the_analysed_doc_is_the_whole_text_with_its_quotations(
    attributor: QuoteAttributor, seed: str
) -> None:
    (doc,) = Analyzer(attributor.nlp).pipe([seed])
    assert doc.text == seed
    assert stored_quote_spans(doc) == find_quotes(seed)


def test_only_paragraphs_near_quotations_are_parsed(attributor: QuoteAttributor, seed: str) -> None:
    (doc,) = Analyzer(attributor.nlp).pipe([seed])
    said = [t for t in doc if t.text == "said"]
    # "Kono said" follows a quotation; "Moscow has said" is three paragraphs from any.
    moscow_said = next(t for t in said if t.doc[t.i - 2].text == "Moscow")
    assert moscow_said.sent.text.startswith("Moscow has said")
    assert moscow_said.sent.text.endswith("smaller islands to\n\n")  # one paragraph
    assert moscow_said.dep_ == "" and moscow_said.pos_ == ""
    kono_said = next(t for t in said if t.nbor(-1).text == "Kono")
    assert kono_said.dep_ == "ROOT" and kono_said.pos_ == "VERB"


def test_names_are_recognised_in_unparsed_paragraphs_too(
    attributor: QuoteAttributor, seed: str
) -> None:
    (doc,) = Analyzer(attributor.nlp).pipe([seed])
    moscow = next(t for t in doc if t.text == "Moscow" and t.nbor(1).text == "has")
    assert moscow.pos_ == ""  # not parsed, but recognised
    assert moscow.ent_type_ == "GPE"


def test_reported_speech_parses_every_paragraph(attributor: QuoteAttributor, seed: str) -> None:
    (doc,) = Analyzer(attributor.nlp).pipe([seed], include_indirect=True)
    assert all(t.dep_ for t in doc if not t.is_space)


def test_an_article_without_quotations_is_not_analysed_further(
    attributor: QuoteAttributor,
) -> None:
    (doc,) = Analyzer(attributor.nlp).pipe(["The council met on Monday.\n\nIt adjourned."])
    assert not doc.has_annotation("DEP") and not doc.has_annotation("ENT_IOB")


def test_attribution_is_the_same_as_with_the_full_analysis(
    attributor: QuoteAttributor, seed: str
) -> None:
    full = QuoteAttributor(
        attributor.nlp, attributor.lexicon, attributor.scorer, True, attributor.reported_scorer
    )
    for indirect in (False, True):
        assert attributor.attribute(seed, indirect) == full.attribute(seed, indirect)


def test_unparsed_paragraphs_have_only_the_names_of_the_parsed_ones_recognised(
    attributor: QuoteAttributor,
) -> None:
    text = (
        "Sergei Lavrov met Taro Kono in Moscow on Friday.\n\n"
        "Earlier, the Kremlin had hosted Angela Merkel for a day.\n\n"
        "The talks went on late into the night.\n\n"
        "Talks resumed at noon.\n\n"
        '"It is not easy," Lavrov said.'
    )
    (doc,) = Analyzer(attributor.nlp).pipe([text])
    ents = {(e.text, e.label_) for e in doc.ents}
    # "Lavrov" is a proper noun by the quotation: the lede names him in full.
    assert ("Sergei Lavrov", "PERSON") in ents
    # Nobody near a quotation is called Merkel: her paragraph is not looked at.
    assert not any("Merkel" in name for name, _ in ents)
