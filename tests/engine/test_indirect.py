"""Reported speech (``app.engine.indirect``): the content of attributions without quotation marks."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from app.engine import QuoteAttributor
from app.engine import attributor as attributor_module
from app.engine.coref import Entity, Link
from app.engine.cues import CueMatch
from app.engine.indirect import ReportedContent, content_candidates, one_per_stretch
from app.engine.lexicon import CueEntry
from app.engine.quotes import QuoteSpan
from app.engine.speakers import Finding


def indirect(attributor: QuoteAttributor, text: str) -> list[tuple[str, str | None, str | None]]:
    result = attributor.attribute(text, include_indirect=True)
    return [
        (q.text, q.speaker.name if q.speaker else None, q.cue.text if q.cue else None)
        for q in result.quotes
        if q.kind == "indirect"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # X said (that) ...: the clausal complement, "that" included.
        ("The mayor, Anne Okafor, said that the bridge would stay open all winter.",
         [("that the bridge would stay open all winter", "Anne Okafor", "said")]),
        ("Okafor told reporters the budget was balanced for the first time in a decade.",
         [("the budget was balanced for the first time in a decade", "Okafor", "told")]),
        # A postposed attribution: the clause before it.
        ("A further round of talks will take place in May in Geneva, the minister said on Friday.",
         [("A further round of talks will take place in May in Geneva", "the minister", "said")]),
        # According to X: the clause it modifies, without the phrase.
        ("Turnout fell to its lowest level since 1998, according to the electoral commission.",
         [("Turnout fell to its lowest level since 1998", "the electoral commission", "according to")]),
        # Organisations and places speak too.
        ("The ministry said the new rules would take effect in March.",
         [("the new rules would take effect in March", "The ministry", "said")]),
        # Headline form.
        ("Britain, France say sanctions will stay in place until the ceasefire holds",
         [("sanctions will stay in place until the ceasefire holds", "France", "say")]),
        # A request: whom it asks and what (PolNeAR's content includes the person urged).
        ("The union urged its members to reject the offer from the board.",
         [("its members to reject the offer from the board", "The union", "urged")]),
        # No subject to attribute to (a feed that stripped the name): nothing.
        ("In December said it built four new barracks on the islands.", []),
        # Plain narration has no reported speech.
        ("The council met on Tuesday and voted to close the library.", []),
    ],
)  # fmt: skip
def test_reported_content_speaker_and_cue(attributor: QuoteAttributor, text: str, expected) -> None:
    assert indirect(attributor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Verbs that attribute a content but seldom a quotation (reported_cues.tsv).
        ("A spokesman for the mayor declined to comment on the lawsuit.",
         [("to comment on the lawsuit", "A spokesman", "declined")]),
        ("Critics pointed to the rising cost of the program.",
         [("the rising cost of the program", "Critics", "pointed")]),
        # "hoping" and "hoped" have the lemma "hop" in the small model.
        ("The governor is hoping the legislature will pass the budget by June.",
         [("the legislature will pass the budget by June", "The governor", "hoping")]),
        # A nominal cue and its holder (named without the possessive ending).
        ("The senator's claim that the plant would close drew protests from workers.",
         [("that the plant would close", "The senator", "claim")]),
        # A cue in the passive: its doer denies, and what was denied is PolNeAR's content.
        ("The senator's claim that the plant would close was denied by the company.",
         [("The senator's claim that the plant would close", "the company", "denied")]),
        ("The report was criticized by Democrats as a whitewash.",
         [("The report", "Democrats", "criticized")]),
        # A transcript line: the name before the colon said the whole line.
        ("TAPPER: Do you think the governor has done enough to help the city?\n\nOKAFOR: No.",
         [("Do you think the governor has done enough to help the city?", "TAPPER", None)]),
    ],
)  # fmt: skip
def test_cues_of_reported_speech_alone_and_nominal_cues(
    attributor: QuoteAttributor, text: str, expected
) -> None:
    assert indirect(attributor, text) == expected


def test_thought_verbs_count_but_below_speech_verbs(attributor: QuoteAttributor) -> None:
    # The documented decision (module docstring, models/README.md): "believes" gives the
    # holder a voice, with less confidence than "said" gives the same content.
    def confidence(text: str) -> float:
        (q,) = attributor.attribute(text, include_indirect=True).quotes
        return q.confidence

    believes = confidence("Smith believes the plan will fail.")
    said = confidence("Smith said the plan will fail.")
    assert 0.0 < believes < said


@pytest.mark.parametrize(
    "text",
    [
        'The ministry said the rules would change. "It will be hard," she said.',
        "Okafor's claim that the plant would close upset workers.\n\n"
        '"We were never told," he said.',
        'Critics pointed to the cost. "It is too high," they said, and he agreed.',
    ],
)
def test_reported_speech_never_changes_who_said_a_quotation(
    attributor: QuoteAttributor, text: str
) -> None:
    plain = attributor.attribute(text)
    both = attributor.attribute(text, include_indirect=True)
    assert both.quotes[: len(plain.quotes)] == plain.quotes


def test_a_direct_quotation_is_not_repeated_as_reported_speech(attributor: QuoteAttributor) -> None:
    text = '"The bridge will stay open all winter," Okafor said.'
    result = attributor.attribute(text, include_indirect=True)
    assert [q.kind for q in result.quotes] == ["direct"]


@pytest.mark.parametrize(
    "text",
    [
        'Okafor said the merger had brought "real savings" to the whole region this year.',
        "Okafor said the merger had brought ''real savings'' to the whole region this year.",
    ],
)
def test_partial_quotation_stands_for_the_reported_speech_around_it(
    attributor: QuoteAttributor, text: str
) -> None:
    # One statement, one record: the quoted fragment, with the reported speech's speaker.
    result = attributor.attribute(text, include_indirect=True)
    quotes = [(q.kind, q.text, q.speaker.name if q.speaker else None) for q in result.quotes]
    assert quotes == [("partial", "real savings", "Okafor")]


def test_it_resolves_to_the_organisation(attributor: QuoteAttributor) -> None:
    text = (
        "The ministry said the new rules would take effect in March.\n\n"
        "It said the rules would cover every school in the country."
    )
    result = attributor.attribute(text, include_indirect=True)
    speakers = [q.speaker for q in result.quotes]
    assert [s.resolution for s in speakers] == ["nominal", "pronoun"]
    assert speakers[0].entity_id == speakers[1].entity_id


def test_without_the_option_the_answer_is_unchanged(attributor: QuoteAttributor) -> None:
    text = 'Okafor said the budget was balanced. "We kept our promise," she added.'
    plain = attributor.attribute(text)
    both = attributor.attribute(text, include_indirect=True)
    assert all(q.kind != "indirect" for q in plain.quotes)
    assert both.quotes[: len(plain.quotes)] == plain.quotes
    assert len(both.quotes) > len(plain.quotes)


def test_reported_speech_is_scored_below_a_quotation(attributor: QuoteAttributor) -> None:
    text = 'Okafor said the budget was balanced. "We kept our promise," Okafor added.'
    result = attributor.attribute(text, include_indirect=True)
    by_kind = {q.kind: q.confidence for q in result.quotes}
    assert 0.0 < by_kind["indirect"] < by_kind["direct"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Poll: Wealthy Voters Abandon Republican Party for the Democrats\n\nThe poll was taken in May.",
         [("Wealthy Voters Abandon Republican Party for the Democrats", "Poll", None)]),
        # A quotation after the colon is the quotation step's, not reported speech.
        ('Okafor: "We will not back down"\n\nThe talks resume on Monday.', []),
        # A colon inside a sentence is no headline attribution.
        ("The plan has three parts: taxes, schools and roads.", []),
    ],
)  # fmt: skip
def test_headline_names_its_source_before_a_colon(
    attributor: QuoteAttributor, text: str, expected
) -> None:
    assert indirect(attributor, text) == expected


# -- candidate contents on hand-built parses (content_candidates) ----------------------------

VOCAB = spacy.blank("en").vocab


def parse(*tokens: tuple[str, str, int, str]) -> Doc:
    """A ``Doc`` from (word, pos, head index, dependency) rows."""
    words, pos, heads, deps = zip(*tokens, strict=True)
    return Doc(VOCAB, words=list(words), pos=list(pos), heads=list(heads), deps=list(deps))


def cue_at(doc: Doc, i: int, cls: str = "speech") -> CueMatch:
    return CueMatch(i, i + 1, i, CueEntry(doc[i].lower_, cls, 0.9))


# Okafor said the bridge would stay open , which pleased the council .
SAID_WITH_ADJUNCT = parse(
    ("Okafor", "PROPN", 1, "nsubj"),
    ("said", "VERB", 1, "ROOT"),
    ("the", "DET", 3, "det"),
    ("bridge", "NOUN", 5, "nsubj"),
    ("would", "AUX", 5, "aux"),
    ("stay", "VERB", 1, "ccomp"),
    ("open", "ADJ", 5, "acomp"),
    (",", "PUNCT", 5, "punct"),
    ("which", "PRON", 9, "nsubj"),
    ("pleased", "VERB", 5, "advcl"),
    ("the", "DET", 11, "det"),
    ("council", "NOUN", 9, "dobj"),
    (".", "PUNCT", 1, "punct"),
)
# The union urged its members to reject the offer .
URGED = parse(
    ("The", "DET", 1, "det"),
    ("union", "NOUN", 2, "nsubj"),
    ("urged", "VERB", 2, "ROOT"),
    ("its", "PRON", 4, "poss"),
    ("members", "NOUN", 2, "dobj"),
    ("to", "PART", 6, "aux"),
    ("reject", "VERB", 2, "xcomp"),
    ("the", "DET", 8, "det"),
    ("offer", "NOUN", 6, "dobj"),
    (".", "PUNCT", 2, "punct"),
)
# Turnout fell sharply , the minister said .
POSTPOSED = parse(
    ("Turnout", "NOUN", 1, "nsubj"),
    ("fell", "VERB", 1, "ROOT"),
    ("sharply", "ADV", 1, "advmod"),
    (",", "PUNCT", 1, "punct"),
    ("the", "DET", 5, "det"),
    ("minister", "NOUN", 6, "nsubj"),
    ("said", "VERB", 1, "parataxis"),
    (".", "PUNCT", 1, "punct"),
)
# Sanders appears to lead .
APPEARS = parse(
    ("Sanders", "PROPN", 1, "nsubj"),
    ("appears", "VERB", 1, "ROOT"),
    ("to", "PART", 3, "aux"),
    ("lead", "VERB", 1, "xcomp"),
    (".", "PUNCT", 1, "punct"),
)


@pytest.mark.parametrize(
    ("doc", "cue", "cls", "expected"),
    [
        # The complement, and the complement before its trailing adjunct; the rules take
        # the whole complement.
        (SAID_WITH_ADJUNCT, 1, "speech", [
            ("complement", "the bridge would stay open , which pleased the council", True),
            ("complement_core", "the bridge would stay open", False),
            ("subject", "Okafor", False),
        ]),
        # A request: the to-clause (the rules' choice), the person urged with it, the
        # object; each span once (the right side of the clause is the second one again).
        (URGED, 2, "speech", [
            ("to_clause", "to reject the offer", True),
            ("object_to_clause", "its members to reject the offer", False),
            ("object", "its members", False),
            ("subject", "The union", False),
        ]),
        # A postposed attribution: the clause it hangs off (the sentence before it, too).
        (POSTPOSED, 6, "speech", [
            ("host", "Turnout fell sharply", True),
            ("subject", "the minister", False),
        ]),
        # A raising verb: its to-clause, and its subject, which PolNeAR often marks.
        (APPEARS, 1, "stance", [
            ("to_clause", "to lead", True),
            ("subject", "Sanders", False),
        ]),
    ],
    ids=["complement", "request", "postposed", "raising"],
)  # fmt: skip
def test_content_candidates_on_hand_built_parses(
    doc: Doc, cue: int, cls: str, expected: list
) -> None:
    found = [
        (c.form, doc[c.start : c.end].text, c.rule)
        for c in content_candidates(doc, cue_at(doc, cue, cls))
    ]
    assert found == expected


def test_a_cue_outside_the_content_classes_offers_no_content() -> None:
    assert content_candidates(URGED, cue_at(URGED, 2, "thank-you")) == []


def content(start: int, end: int, head: int, score: float | None) -> ReportedContent:
    cue = CueMatch(head, head + 1, head, CueEntry("say", "speech", 1.0))
    return ReportedContent(start, end, cue, "complement", None, score)


@pytest.mark.parametrize(
    ("proposals", "threshold", "kept"),
    [
        # Rules: cue order, the first of two overlapping contents stays.
        ([content(0, 10, 20, None), content(5, 8, 21, None)], None, [(0, 10)]),
        # Scorer: the more probable of two overlapping contents stays, whatever the order.
        ([content(0, 10, 20, 0.4), content(5, 8, 21, 0.9)], 0.25, [(5, 8)]),
        # Below the threshold: gone.
        ([content(0, 10, 20, 0.2), content(12, 15, 21, 0.6)], 0.25, [(12, 15)]),
        # A cue blocked from its best content falls back to its next, free candidate...
        ([content(0, 10, 20, 0.9), content(5, 12, 21, 0.8), content(11, 14, 21, 0.5)], 0.25,
         [(0, 10), (11, 14)]),
        # ... but never gets two contents.
        ([content(0, 4, 20, 0.9), content(6, 9, 20, 0.8)], 0.25, [(0, 4)]),
    ],
)  # fmt: skip
def test_one_content_per_stretch_of_text_and_per_cue(proposals, threshold, kept) -> None:
    assert [(r.start, r.end) for r in one_per_stretch(proposals, threshold)] == kept


def test_coreference_of_quotations_is_run_without_reported_speech(monkeypatch) -> None:
    # The joint run would give the quotation another speaker; the quotation keeps the one
    # of the run without reported speech, and the reported speech joins the entity it
    # shares a mention with (or a new one).
    def finding(mention: tuple[int, int]) -> Finding:
        span = QuoteSpan(0, 1, None, None, 0, "reported", outer_start=0, outer_end=1)
        return Finding(span, "indirect", "reported", None, mention)

    quotation, shared, alone = finding((0, 1)), finding((9, 10)), finding((20, 21))

    def fake_resolve(doc, findings, lexicon, sources):
        if len(findings) == 1:
            return [Entity(mentions=[(0, 1)])], [Link(0, "explicit")]
        return (
            [Entity(mentions=[(5, 6)]), Entity(mentions=[(0, 1), (9, 10)]), Entity([(20, 21)])],
            [Link(0, "pronoun"), Link(1, "pronoun"), Link(2, "nominal")],
        )

    monkeypatch.setattr(attributor_module, "resolve", fake_resolve)
    entities, links = attributor_module._with_reported(None, [quotation], [shared, alone], None, [])
    assert links == [Link(0, "explicit"), Link(0, "pronoun"), Link(1, "nominal")]
    assert entities[0].mentions == [(0, 1), (9, 10)]
    assert entities[1].mentions == [(20, 21)]
