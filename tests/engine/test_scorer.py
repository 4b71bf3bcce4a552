"""The learned speaker scorer: a dot product, a calibration table, and the shipped weights."""

from __future__ import annotations

import json
import math

import pytest

from app.engine.assets import default_models_dir
from app.engine.scorer import SCORER_FILE, SpeakerScorer


def scorer(weights: dict[str, float], xs=(0.0, 1.0), ys=(0.0, 1.0)) -> SpeakerScorer:
    return SpeakerScorer.from_dict(
        {"weights": weights, "calibration": {"x": list(xs), "y": list(ys)}}
    )


@pytest.mark.parametrize(
    ("weights", "features", "z"),
    [
        ({"bias": 0.0}, {"bias": 1.0}, 0.0),
        ({"bias": -1.0, "path=governing": 3.0}, {"bias": 1.0, "path=governing": 1.0}, 2.0),
        ({"bias": 0.5, "cue_strength": 2.0}, {"bias": 1.0, "cue_strength": 0.75}, 2.0),
        # Features the model never saw weigh nothing.
        ({"bias": 1.0}, {"bias": 1.0, "path=brand-new": 1.0}, 1.0),
    ],
)
def test_probability_is_the_logistic_of_the_dot_product(weights, features, z) -> None:
    assert scorer(weights).probability(features) == pytest.approx(1 / (1 + math.exp(-z)))


def test_probability_does_not_overflow_on_huge_scores() -> None:
    s = scorer({"bias": 1e6})
    assert s.probability({"bias": 1.0}) == pytest.approx(1.0)
    assert s.probability({"bias": -1.0}) == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, 0.1),  # below the table: its first value
        (0.2, 0.1),
        (0.35, 0.3),  # halfway between (0.2, 0.1) and (0.5, 0.5)
        (0.5, 0.5),
        (0.75, 0.7),
        (1.0, 0.9),  # beyond the table: its last value
    ],
)
def test_calibration_interpolates_between_isotonic_steps(p: float, expected: float) -> None:
    s = scorer({}, xs=(0.2, 0.5, 0.8), ys=(0.1, 0.5, 0.9))
    assert s.calibrated(p) == pytest.approx(expected if p != 0.75 else 0.5 + 0.4 * (0.25 / 0.3))


def test_calibration_table_must_pair_x_and_y() -> None:
    with pytest.raises(ValueError):
        scorer({}, xs=(0.1, 0.2), ys=(0.5,))


def test_shipped_scorer_loads_and_is_monotone() -> None:
    path = default_models_dir() / SCORER_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    s = SpeakerScorer.load(path)
    assert data["format"] == 2 and data["trained_on"]["sha256"]
    assert s.choice_weights  # format 2: the choice model picks, the logistic one scores
    assert list(s.calibration_x) == sorted(s.calibration_x)
    assert list(s.calibration_y) == sorted(s.calibration_y)
    assert all(0.0 <= y <= 1.0 for y in s.calibration_y)
    # The rules' evidence points the right way: a governing cue raises, no speaker lowers.
    assert s.weights["path=governing"] > s.weights["path=none"]


def test_choice_and_confidence_are_two_models() -> None:
    s = SpeakerScorer.from_dict(
        {
            "weights": {"bias": -1.0, "near": 2.0},
            "choice_weights": {"near": -1.0, "subject": 3.0},
            "calibration": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
        }
    )
    near, subject = {"bias": 1.0, "near": 1.0}, {"bias": 1.0, "subject": 1.0}
    assert s.preference(subject) > s.preference(near)  # the choice model prefers it
    assert s.probability(subject) < s.probability(near)  # the confidence model doubts it


def test_a_format_1_file_chooses_with_its_logistic_model() -> None:
    s = scorer({"bias": 0.5, "path=governing": 2.0})
    assert s.choice_weights is None
    f = {"bias": 1.0, "path=governing": 1.0}
    assert s.preference(f) == pytest.approx(2.5)
