"""What the choice model is taught to prefer (``QuoteExample.choice_target``)."""

from __future__ import annotations

import pytest

from app.training.dataset import QuoteExample

# Three candidates: a speaker that is right, a speaker that is wrong, and "no speaker".
FEATURES = ({"path=governing": 1.0}, {"path=paragraph": 1.0}, {"path=none": 1.0})
SPEAKS = (True, True, False)


@pytest.mark.parametrize(
    ("correct", "matched", "embedded", "target"),
    [
        # An annotated quotation: the candidates that are right.
        ((True, False, False), True, True, (True, False, False)),
        # Annotated, with no speaker in the annotation: "no speaker" is right.
        ((False, False, True), True, True, (False, False, True)),
        # Quote-marked words inside a sentence that nobody annotated (a scare quote): the
        # right answer is to name no one.
        ((False, False, False), False, True, (False, False, True)),
        # A paragraph that is all quotation and unannotated (a skipped part of a long
        # quotation): no evidence either way.
        ((False, False, False), False, False, (False, False, False)),
    ],
)
def test_choice_target(correct, matched: bool, embedded: bool, target) -> None:
    ex = QuoteExample("a1", FEATURES, correct, SPEAKS, matched, embedded)
    assert ex.choice_target == target
