"""Training on a small slice of annotated news: it runs, it is deterministic, and its output loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.engine.scorer import SpeakerScorer
from app.training.__main__ import main as train_main
from tests.conftest import shared_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = shared_file("data", "polnear", "polnear_quoted-train.jsonl")
    folder = tmp_path_factory.mktemp("scorer")
    first, second = folder / "first.json", folder / "second.json"
    for out in (first, second):
        assert train_main([str(data), "--limit", "25", "--folds", "3", "--out", str(out)]) == 0
    return first, second


def test_training_twice_gives_the_same_bytes(trained) -> None:
    first, second = trained
    assert first.read_bytes() == second.read_bytes()


def test_trained_scorer_loads_and_records_its_provenance(trained) -> None:
    first, _ = trained
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["trained_on"]["articles"] == 25
    assert data["options"] == {"C": 1.0, "choice_C": 0.3, "folds": 3, "seed": 13}
    report = data["report"]
    assert report["quotes"] > 50 and report["candidates"] > report["quotes"]
    assert 0.0 <= report["oof_ece_calibrated"] <= 1.0
    scorer = SpeakerScorer.load(first)
    assert "path=governing" in scorer.weights
    assert scorer.calibrated(0.0) <= scorer.calibrated(1.0)
