"""The learned content scorer of reported speech: a dot product, a threshold, a calibration
table, the features it weighs, and the shipped weights."""

from __future__ import annotations

import json
import math

import pytest
from spacy.language import Language

from app.engine.assets import default_models_dir
from app.engine.cues import find_cues
from app.engine.indirect import WordCounts, scored_candidates
from app.engine.lexicon import Lexicon
from app.engine.reported_scorer import REPORTED_SCORER_FILE, ReportedScorer
from app.engine.speakers import tokens_within


def scorer(weights: dict[str, float], xs=(0.0, 1.0), ys=(0.0, 1.0), threshold=0.3):
    return ReportedScorer.from_dict(
        {"weights": weights, "threshold": threshold, "calibration": {"x": list(xs), "y": list(ys)}}
    )


@pytest.mark.parametrize(
    ("weights", "features", "z"),
    [
        ({"bias": 0.0}, {"bias": 1.0}, 0.0),
        ({"bias": -1.0, "form=complement": 3.0}, {"bias": 1.0, "form=complement": 1.0}, 2.0),
        ({"bias": 0.5, "strength": 2.0}, {"bias": 1.0, "strength": 0.75}, 2.0),
        # Features the model never saw (a cue lemma new to it) weigh nothing.
        ({"bias": 1.0}, {"bias": 1.0, "lemma=opine": 1.0}, 1.0),
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
        (0.35, 0.3),  # halfway between (0.2, 0.1) and (0.5, 0.5)
        (0.5, 0.5),
        (1.0, 0.9),  # beyond the table: its last value
    ],
)
def test_calibration_interpolates_between_isotonic_steps(p: float, expected: float) -> None:
    s = scorer({}, xs=(0.2, 0.5, 0.8), ys=(0.1, 0.5, 0.9))
    assert s.calibrated(p) == pytest.approx(expected)


def test_calibration_table_must_pair_x_and_y() -> None:
    with pytest.raises(ValueError):
        scorer({}, xs=(0.1, 0.2), ys=(0.5,))


def test_the_shipped_scorer_loads_with_a_threshold_and_a_monotone_calibration() -> None:
    path = default_models_dir() / REPORTED_SCORER_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["trained_on"]["file"] == "polnear_indirect-train.jsonl"
    assert data["trained_on"]["limit"] is None
    s = ReportedScorer.load(path)
    assert 0.0 < s.threshold < 1.0
    assert list(s.calibration_y) == sorted(s.calibration_y)
    # The model's vocabulary: forms, classes and lemmas of the candidates.
    assert {"form=complement", "class=speech", "lemma=say", "bias"} <= set(s.weights)


@pytest.mark.parametrize(
    ("text", "cue", "form", "expected"),
    [
        ("Okafor said the bridge would stay open.", "said", "complement",
         {"form=complement", "class=speech", "lemma=say", "source=name", "opener=DET",
          "rule_choice", "after_cue", "ends_sentence", "has_finite_verb"}),
        ("Sanders appears to lead the race.", "appears", "subject",
         {"form=subject", "class=stance", "source=none", "subject_inside", "starts_sentence"}),
    ],
)  # fmt: skip
def test_features_name_the_candidate_its_cue_and_its_source(
    nlp: Language, lexicon: Lexicon, text: str, cue: str, form: str, expected: set[str]
) -> None:
    doc = nlp(text)
    (match,) = [c for c in find_cues(doc, lexicon) if c.text(doc) == cue]
    words = WordCounts(doc, tokens_within(doc, []))
    features = {
        c.form: f for c, _, f in scored_candidates(doc, match, words, lexicon.organisations)
    }
    assert expected <= set(features[form])
