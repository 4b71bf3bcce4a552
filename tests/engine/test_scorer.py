"""The learned speaker scorer: a dot product, a calibration table, and the shipped weights."""

from __future__ import annotations

import json

import pytest

from app.engine.assets import default_models_dir
from app.engine.scorer import SCORER_FILE, SpeakerScorer


def scorer(weights: dict[str, float], xs=(0.0, 1.0), ys=(0.0, 1.0)) -> SpeakerScorer:
    return SpeakerScorer.from_dict(
        {"weights": weights, "calibration": {"x": list(xs), "y": list(ys)}}
    )


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
