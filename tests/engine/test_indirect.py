"""Reported speech (``app.engine.indirect``): the content of attributions without quotation marks."""

from __future__ import annotations

import pytest

from app.engine import QuoteAttributor


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
