"""Quote-marked words no one says (``Attribution.unattributed``): listed apart, with why."""

from __future__ import annotations

import pytest

from app.engine import QuoteAttributor


@pytest.mark.parametrize(
    ("text", "quotes", "unattributed"),
    [
        # A show's title after a preposition, and a title with nothing to attribute it.
        ('Okafor appeared on "Meet the Press" on Sunday.', [], [("Meet the Press", "title")]),
        ("The council approved the budget. \"Long Live The Council\"", [],
         [("Long Live The Council", "title")]),
        # A mark that never closes, with no cue: the words between are lost, not speech.
        ('The vote was "close and the night was long.', [],
         [("close and the night was long.", "broken_marks")]),
        # Words in marks that nobody in the text is said to say.
        ('The council approved the budget. "It was a long night."', [],
         [("It was a long night.", "no_speaker")]),
        # A quotation with a speaker is a quotation, whatever else the article holds.
        ('"We will appeal," Okafor said after her interview on "Meet the Press."',
         [("We will appeal,", "Okafor")], [("Meet the Press.", "title")]),
    ],
)  # fmt: skip
def test_unattributed_words_and_reason(
    attributor: QuoteAttributor, text: str, quotes: list, unattributed: list
) -> None:
    result = attributor.attribute(text)
    assert [(q.text, q.speaker.name if q.speaker else None) for q in result.quotes] == quotes
    assert [(u.text, u.reason) for u in result.unattributed] == unattributed
    for u in result.unattributed:
        assert text[u.start : u.end] == u.text


def test_quotation_ids_count_the_attributed_quotations_only(attributor: QuoteAttributor) -> None:
    result = attributor.attribute(
        'The council approved the budget. "It was a long night."\n'
        '"We will appeal," Okafor said. "The ruling is wrong," Brandt said.'
    )
    assert [q.id for q in result.quotes] == ["q1", "q2"]
    assert [s.quote_ids for s in result.speakers] == [("q1",), ("q2",)]
    assert len(result.unattributed) == 1
