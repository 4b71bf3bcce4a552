"""The learned content scorer of reported speech: a dot product, a threshold, a calibration
table, the features it weighs, and the shipped weights."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language

from app.engine.assets import default_models_dir
from app.engine.cues import find_cues
from app.engine.indirect import WordCounts, scored_candidates
from app.engine.lexicon import Lexicon
from app.engine.reported_scorer import REPORTED_SCORER_FILE, ReportedScorer
from app.engine.speakers import tokens_within


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
