"""Training the content scorer of reported speech on a small slice: it runs, it is
deterministic, and its output loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.engine.reported_scorer import ReportedScorer
from app.training.reported import THRESHOLDS
from app.training.reported import main as train_main
from tests.conftest import shared_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = shared_file("data", "polnear", "polnear_indirect-train.jsonl")
    folder = tmp_path_factory.mktemp("reported")
    first, second = folder / "first.json", folder / "second.json"
    for out in (first, second):
        assert train_main([str(data), "--limit", "12", "--folds", "3", "--out", str(out)]) == 0
    return first, second


def test_training_twice_gives_the_same_bytes(trained) -> None:
    first, second = trained
    assert first.read_bytes() == second.read_bytes()


def test_trained_scorer_loads_and_records_its_provenance(trained) -> None:
    first, _ = trained
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["trained_on"]["articles"] == 12 and data["trained_on"]["limit"] == 12
    assert data["options"] == {"C": 0.5, "folds": 3, "seed": 13}
    report = data["report"]
    assert report["candidates"] > report["cues"] > 50
    assert 0.0 <= report["oof_attr_f1"] <= 1.0
    assert set(report["oof_threshold_sweep_attr_f1"]) == {str(t) for t in THRESHOLDS}
    scorer = ReportedScorer.load(first)
    assert scorer.threshold in THRESHOLDS
    assert "form=complement" in scorer.weights
    assert scorer.calibrated(0.0) <= scorer.calibrated(1.0)
