"""Step 4, coreference (``app.engine.coref``): speaker mentions clustered into entities.

Read through ``QuoteAttributor.attribute``, as the service reports them: per quotation the
entity (speaker id and fullest name) and how the speaker mention was resolved.
"""

from __future__ import annotations

from collections import Counter

import pytest

from app.engine import Attribution, QuoteAttributor
from app.engine.coref import Entity


def refs(result: Attribution) -> list[tuple[str, str, str] | None]:
    """(speaker id, entity name, resolution) per quotation."""
    return [
        (q.speaker.entity_id, q.speaker.name, q.speaker.resolution) if q.speaker else None
        for q in result.quotes
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We will appeal," Maria Lopez said. "The ruling is wrong," Lopez said. '
         '"It is over," Ms. Lopez said.',
         [("s1", "Maria Lopez", "explicit"), ("s1", "Maria Lopez", "alias"),
          ("s1", "Maria Lopez", "alias")]),
        # The full name later in the article still names the entity.
        ('"We will appeal," Lopez said on Monday. Maria Lopez, the city attorney, filed the papers.',
         [("s1", "Maria Lopez", "explicit")]),
        # Titles are not part of the name.
        ('"The ruling is wrong," Mr. Brandt said.', [("s1", "Brandt", "explicit")]),
        # Nor is an age: its words are a DATE to the recognizer, not a name.
        ('"We will win," the 27-year-old Democrat said.', [("s1", "Democrat", "explicit")]),
        # A hyphenated name keeps its hyphen, so its alias matches it.
        ('"We need a deal," said Ban Ki-moon, the secretary general.',
         [("s1", "Ban Ki-moon", "explicit")]),
        ('"Not now," said Douglas Holtz-Eakin. "Later," Holtz-Eakin added.',
         [("s1", "Douglas Holtz-Eakin", "explicit"), ("s1", "Douglas Holtz-Eakin", "alias")]),
        # An inflected verb ends a name, though a headline's title case takes it in.
        ('Biden Tells Voters to Stay Calm.\n\n"Do not panic," Mr. Biden said.',
         [("s1", "Biden", "alias")]),
        ('Said Ellis: "No."', [("s1", "Ellis", "explicit")]),
        # The office after a title's "of" is the title's, up to the person named.
        ('"It was wrong," said Secretary of State Hillary Clinton. "We will fix it," Clinton '
         "added.",
         [("s1", "Hillary Clinton", "explicit"), ("s1", "Hillary Clinton", "alias")]),
        ('"Stay calm," Secretary of Homeland Security Jeh Johnson said.',
         [("s1", "Jeh Johnson", "explicit")]),
        pytest.param(
            '"The ruling is wrong," Brandt said. "We will appeal," Mr. Brandt added.',
            [("s1", "Brandt", "explicit"), ("s1", "Brandt", "alias")],
        ),
    ],
)  # fmt: skip
def test_name_surname_and_title_alias_are_one_entity_with_the_fullest_name(
    attributor: QuoteAttributor, text: str, expected: list
) -> None:
    assert refs(attributor.attribute(text)) == expected


def test_entity_keeps_every_mention_of_the_name(attributor: QuoteAttributor) -> None:
    result = attributor.attribute(
        '"We will appeal," Maria Lopez said. "The ruling is wrong," Ms. Lopez said.'
    )
    (speaker,) = result.speakers
    assert (speaker.name, speaker.label, speaker.quote_ids) == (
        "Maria Lopez",
        "PERSON",
        ("q1", "q2"),
    )
    assert {"Maria Lopez", "Ms. Lopez"} <= {m.text for m in speaker.mentions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Gender from a given name: the pronoun skips the more recent name of the other gender.
        ('"We will appeal," Maria Lopez said. Thomas Brandt disagreed. "The ruling is fair," he said.',
         "Thomas Brandt"),
        ('"We will appeal," Thomas Brandt said. Maria Lopez disagreed. "The ruling is fair," she said.',
         "Maria Lopez"),
        # Gender from a title.
        ('"The ruling is wrong," Mr. Brandt said. Mrs. Lopez agreed. "We will appeal," she said.',
         "Lopez"),
        ('"The ruling is wrong," Mr. Brandt said. Mrs. Lopez agreed. "We will appeal," he said.',
         "Brandt"),
        # No gender known: the last speaker goes on.
        ('"The ruling is wrong," Lopez said. "We will appeal," she added.', "Lopez"),
    ],
)  # fmt: skip
def test_he_and_she_resolve_to_a_gender_compatible_person(
    attributor: QuoteAttributor, text: str, expected: str
) -> None:
    last = attributor.attribute(text).quotes[-1]
    assert last.speaker is not None
    assert (last.speaker.name, last.speaker.resolution) == (expected, "pronoun")


@pytest.mark.parametrize(
    "text",
    [
        '"We will appeal," Mrs. Lopez said. "The ruling is fair," he said.',
        '"We will appeal," Mary Park said. "The ruling is fair," he said.',
        '"We will appeal," Mr. Brandt said. "The ruling is fair," she said.',
    ],
)
def test_pronoun_never_joins_a_person_of_the_other_gender(
    attributor: QuoteAttributor, text: str
) -> None:
    first, last = attributor.attribute(text).quotes
    assert first.speaker is not None and last.speaker is not None
    assert first.speaker.entity_id != last.speaker.entity_id


def test_it_resolves_to_an_organisation_not_the_nearer_person(attributor: QuoteAttributor) -> None:
    result = attributor.attribute(
        'Acme Corp. hired Thomas Brandt last year. "Sales fell sharply in the spring," it said.'
    )
    (speaker,) = result.speakers
    assert (speaker.name, speaker.label) == ("Acme Corp.", "ORG")
    assert result.quotes[0].speaker is not None
    assert result.quotes[0].speaker.resolution == "pronoun"


@pytest.mark.parametrize(
    "text",
    [
        '"The bill is dead," said Senator Jane Doe. "We will try again next year," the senator said.',
        pytest.param(
            '"The bill is dead," said Sen. Jane Doe. "We will try again next year," the senator said.',
        ),
    ],
)  # fmt: skip
def test_description_joins_the_person_introduced_with_that_role(
    attributor: QuoteAttributor, text: str
) -> None:
    assert refs(attributor.attribute(text)) == [
        ("s1", "Jane Doe", "explicit"),
        ("s1", "Jane Doe", "nominal"),
    ]


def test_description_without_a_matching_role_is_its_own_entity(attributor: QuoteAttributor) -> None:
    result = attributor.attribute('"We will appeal," a city official said.')
    assert refs(result) == [("s1", "a city official", "nominal")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('"We will appeal," he said.', "he"),
        ('"We will appeal," they said.', "they"),
    ],
)
def test_unresolvable_pronoun_still_gets_an_entity(
    attributor: QuoteAttributor, text: str, name: str
) -> None:
    result = attributor.attribute(text)
    assert refs(result) == [("s1", name, "pronoun")]
    assert [m.text for m in result.speakers[0].mentions] == [name]


def test_split_quotation_around_an_unresolved_pronoun_has_one_speaker(
    attributor: QuoteAttributor,
) -> None:
    result = attributor.attribute('"We will not back down," she said, "and we will win in court."')
    assert [s.id for s in result.speakers] == ["s1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"The ruling is wrong," Maria Lopez said.', ["explicit"]),
        ('"The ruling is wrong," Maria Lopez said. "We will appeal," Lopez added.',
         ["explicit", "alias"]),
        ('"The ruling is wrong," Maria Lopez said. "We will appeal," she added.',
         ["explicit", "pronoun"]),
        ('"The ruling is wrong," the city attorney said.', ["nominal"]),
        ('"The ruling is wrong," Maria Lopez told reporters. "We will appeal."',
         ["explicit", "continuation"]),
        ('Maria Lopez told the crowd: "We have waited long enough for this day.\n'
         '"Now the work begins."',
         ["explicit", "continuation"]),
    ],
)  # fmt: skip
def test_resolution_labels(attributor: QuoteAttributor, text: str, expected: list[str]) -> None:
    assert [r[2] if r else None for r in refs(attributor.attribute(text))] == expected


def test_continuation_keeps_the_source_mention_and_entity(attributor: QuoteAttributor) -> None:
    first, second = attributor.attribute(
        '"The ruling is wrong," Maria Lopez told reporters. "We will appeal."'
    ).quotes
    assert first.speaker is not None and second.speaker is not None
    assert second.speaker.entity_id == first.speaker.entity_id
    assert second.speaker.mention == first.speaker.mention
    assert second.cue is None


def mentions_of(result: Attribution, name: str) -> list[str]:
    return [m.text for s in result.speakers if s.name == name for m in s.mentions]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # A later "she told" with no quotation of its own is still one of Lopez's mentions.
        ('"We will appeal," Maria Lopez said on Monday.\n'
         "She told reporters on Tuesday that the city had filed its papers.",
         "Maria Lopez", ["Maria Lopez", "She"]),
        # Only the pronoun that refers to her: "he" goes to Brandt, who is no speaker here.
        ('"We will appeal," Maria Lopez said. Thomas Brandt, the mayor, disagreed. '
         "He said the city would pay.",
         "Maria Lopez", ["Maria Lopez"]),
        # The "who" of a relative clause on a cue names the speaker of that clause.
        ('Maria Lopez, who said the ruling was "plainly wrong," will appeal.',
         "Maria Lopez", ["Maria Lopez", "who"]),
        # A relative pronoun is a mention of its antecedent whatever the clause's verb.
        ('Maria Lopez, who lives in Ohio, said the ruling was "plainly wrong."',
         "Maria Lopez", ["Maria Lopez", "who"]),
        ('Beck, who has described Trump as "a pathological narcissistic sociopath," '
         "campaigned for Cruz.",
         "Beck", ["Beck", "who"]),
        # A "which" clause the parser did not hang on its noun.
        ('They turned to the Chicago Police Department which reported "2,521 shooting '
         'incidents" in the city.',
         "Chicago Police Department", ["the Chicago Police Department", "which"]),
        # Up a conjunct and an apposition to the name.
        ('"He cannot win," said Lionel Sosa, a Texas consultant and an influential '
         "Republican who said he would not vote for Cruz.",
         "Lionel Sosa", ["Lionel Sosa", "who"]),
        # Out of an adjective's complement to the noun it modifies.
        ('"It was not a convincing argument," said a senator familiar with the '
         'talks, who added that the White House seemed "rattled."',
         "a senator", ["a senator", "who"]),
        ('"It was not a convincing argument," said Maria Lopez, a senator familiar with '
         'the talks, who added that the White House seemed "rattled."',
         "Maria Lopez", ["Maria Lopez", "who"]),
    ],
)  # fmt: skip
def test_speaker_mentions_include_pronoun_and_relative_sources(
    attributor: QuoteAttributor, text: str, name: str, expected: list[str]
) -> None:
    assert mentions_of(attributor.attribute(text), name) == expected


def test_pronoun_sources_never_change_a_quotations_link(attributor: QuoteAttributor) -> None:
    # "he" in the second paragraph joins Brandt's mentions only as a source; the first
    # quotation stays Lopez's and the second Brandt's.
    result = attributor.attribute(
        '"We will appeal," Maria Lopez said. "It is fair," Thomas Brandt said.\n'
        "He told reporters that the city would pay."
    )
    assert [q.speaker.name for q in result.quotes if q.speaker] == ["Maria Lopez", "Thomas Brandt"]
    assert mentions_of(result, "Thomas Brandt") == ["Thomas Brandt", "He"]


@pytest.mark.parametrize(
    ("labels", "roles", "gender", "expected"),
    [
        # The small model reads "Christie" as ORG more often than PERSON: a title or a
        # first name with any PERSON reading makes the entity a person.
        ({"ORG": 5, "PERSON": 2}, {"gov"}, None, "PERSON"),
        ({"ORG": 5, "PERSON": 2}, set(), "m", "PERSON"),
        # Without that evidence the majority stands.
        ({"ORG": 5, "PERSON": 2}, set(), None, "ORG"),
        # A title alone never makes a person of what no mention reads as one.
        ({"ORG": 3}, {"gov"}, None, "ORG"),
        ({"GPE": 2, "PERSON": 2}, set(), None, "PERSON"),
        ({}, set(), None, "PERSON"),
    ],
)  # fmt: skip
def test_entity_label(
    labels: dict[str, int], roles: set[str], gender: str | None, expected: str
) -> None:
    ent = Entity(labels=Counter(labels), roles=roles, gender=gender)
    assert ent.label == expected
