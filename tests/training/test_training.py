"""Training on a small slice of annotated news: it runs, it is deterministic, and its output loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.engine import QuoteAttributor
from app.engine.scorer import SpeakerScorer
from app.evaluation.metrics import read_by_id, read_jsonl, score
from app.evaluation.predict import predict_articles
from app.training.__main__ import fold_assignment, out_of_fold_predictions
from app.training.__main__ import main as train_main
from tests.conftest import shared_file

pytestmark = pytest.mark.slow

LIMIT = 25


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two trainings of the same slice; the first also writes its out-of-fold predictions
    (``first.oof.jsonl``)."""
    data = train_file()
    folder = tmp_path_factory.mktemp("scorer")
    first, second = folder / "first.json", folder / "second.json"
    common = [str(data), "--limit", str(LIMIT), "--folds", "3"]
    assert train_main([*common, "--out", str(first), "--oof-out", str(oof_file(first))]) == 0
    assert train_main([*common, "--out", str(second)]) == 0
    return first, second


def train_file() -> Path:
    return shared_file("data", "polnear", "polnear_quoted-train.jsonl")


def oof_file(scorer: Path) -> Path:
    return scorer.with_suffix(".oof.jsonl")


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


def test_out_of_fold_predictions_cover_every_article_and_agree_with_the_report(trained) -> None:
    """The out-of-fold file has a prediction for every training article, in the scorer's
    format, and scoring it gives the report's out-of-fold figures. (The report takes the
    context of continuations from the rules' choices and the file from the learned ones,
    so the two may differ by a quotation or two.)"""
    first, _ = trained
    report = json.loads(first.read_text(encoding="utf-8"))["report"]
    gold = dict(list(read_by_id(train_file()).items())[:LIMIT])
    predictions = {p["id"]: p for p in read_jsonl(oof_file(first))}
    assert list(predictions) == list(gold)
    quotes = [q for p in predictions.values() for q in p["quotes"]]
    assert quotes and all(q["speaker"] and 0.0 <= q["confidence"] <= 1.0 for q in quotes)
    summary = score(gold, predictions).summary()
    assert summary["attr_f1"] == pytest.approx(report["oof_attribution_f1"], abs=0.01)
    listed_share = 1 - report["oof_unattributed"]
    assert summary["pred_quotes"] == pytest.approx(listed_share * report["quotes"], abs=3)


@pytest.fixture(scope="module")
def rules_engine() -> QuoteAttributor:
    return QuoteAttributor.load(scorer="rules")


def test_out_of_fold_predictions_differ_from_the_final_models(trained, rules_engine) -> None:
    """Held-out means held out: the folds' models are not the final one, so on this slice
    at least one article's predictions differ from those the written scorer makes."""
    first, _ = trained
    gold = list(read_jsonl(train_file()))[:LIMIT]
    final = QuoteAttributor(
        rules_engine.nlp,
        rules_engine.lexicon,
        SpeakerScorer.load(first, roles=rules_engine.roles),
    )
    with_final = {p["id"]: p["quotes"] for p in predict_articles(final, gold)}
    held_out = {p["id"]: p["quotes"] for p in read_jsonl(oof_file(first))}
    assert with_final != held_out


def test_each_article_is_attributed_by_the_models_of_its_own_fold(rules_engine) -> None:
    """Fold 0's models set every quotation apart (a huge weight on "no speaker"), fold 1's
    choose as the rules do: the articles of fold 0 list no quotation, those of fold 1 do."""

    articles = list(read_jsonl(train_file()))[:6]
    fold_of = {a["id"]: n % 2 for n, a in enumerate(articles)}
    fold_models = [(0, {"path=none": 100.0}, {"bias": 0.0}), (1, {}, {"bias": 0.0})]
    listed = {
        p["id"]: len(p["quotes"])
        for p in out_of_fold_predictions(rules_engine, articles, fold_of, fold_models)
    }
    assert [listed[a["id"]] == 0 for a in articles] == [fold_of[a["id"]] == 0 for a in articles]


@pytest.mark.parametrize(
    ("articles", "folds"), [(["a", "b", "c", "d", "e", "f", "g"], 3), (["x", "y"], 5)]
)
def test_fold_assignment_deals_every_article_to_one_fold(articles, folds) -> None:
    fold_of = fold_assignment(articles, folds, seed=13)
    assert sorted(fold_of) == articles
    sizes = [list(fold_of.values()).count(f) for f in range(folds)]
    assert max(sizes) - min(sizes) <= 1
    assert fold_assignment(articles, folds, seed=13) == fold_of
