"""The learned models' arithmetic (``app.engine.linear``), shared by both scorers."""

from __future__ import annotations

import math

import pytest

from app.engine.linear import calibration_table, interpolate, logistic
from app.engine.reported_scorer import ReportedScorer
from app.engine.scorer import SpeakerScorer


@pytest.mark.parametrize(
    ("weights", "features", "z"),
    [
        ({"bias": 0.0}, {"bias": 1.0}, 0.0),
        ({"bias": -1.0, "path=governing": 3.0}, {"bias": 1.0, "path=governing": 1.0}, 2.0),
        ({"bias": 0.5, "cue_strength": 2.0}, {"bias": 1.0, "cue_strength": 0.75}, 2.0),
        # Features the model never saw (a cue lemma new to it) weigh nothing.
        ({"bias": 1.0}, {"bias": 1.0, "lemma=opine": 1.0}, 1.0),
    ],
)
def test_logistic_of_the_dot_product(weights, features, z) -> None:
    assert logistic(weights, features) == pytest.approx(1 / (1 + math.exp(-z)))


def test_logistic_does_not_overflow_on_huge_scores() -> None:
    assert logistic({"bias": 1e6}, {"bias": 1.0}) == pytest.approx(1.0)
    assert logistic({"bias": 1e6}, {"bias": -1.0}) == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, 0.1),  # below the table: its first value
        (0.2, 0.1),
        (0.35, 0.3),  # halfway between (0.2, 0.1) and (0.5, 0.5)
        (0.5, 0.5),
        (0.75, 0.5 + 0.4 * (0.25 / 0.3)),
        (1.0, 0.9),  # beyond the table: its last value
    ],
)
def test_calibration_interpolates_between_isotonic_steps(p: float, expected: float) -> None:
    assert interpolate((0.2, 0.5, 0.8), (0.1, 0.5, 0.9), p) == pytest.approx(expected)


def test_a_repeated_step_keeps_its_first_value() -> None:
    # Isotonic regression repeats a threshold where its fitted value jumps.
    assert interpolate((0.2, 0.5, 0.5, 0.8), (0.1, 0.3, 0.7, 0.9), 0.5) == pytest.approx(0.7)


@pytest.mark.parametrize("table", [{"x": [0.1, 0.2], "y": [0.5]}, {"x": [], "y": []}])
def test_calibration_table_must_pair_x_and_y(table) -> None:
    with pytest.raises(ValueError):
        calibration_table({"calibration": table})


@pytest.mark.parametrize(
    "load",
    [
        lambda data: SpeakerScorer.from_dict(data),
        lambda data: ReportedScorer.from_dict({**data, "threshold": 0.3}),
    ],
    ids=["speaker", "reported"],
)
def test_both_scorers_apply_the_same_arithmetic(load) -> None:
    data = {"weights": {"bias": 0.5, "x": 1.0}, "calibration": {"x": [0.2, 0.8], "y": [0.1, 0.9]}}
    s = load(data)
    assert s.probability({"bias": 1.0, "x": 1.0}) == pytest.approx(
        logistic(data["weights"], {"bias": 1.0, "x": 1.0})
    )
    assert s.calibrated(0.5) == pytest.approx(0.5)
