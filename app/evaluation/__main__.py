"""Evaluate the engine on a gold JSONL: ``python -m app.evaluation GOLD.jsonl [options]``.

Loads the engine once, attributes every article (progress bar on stderr), scores the
predictions with ``app.evaluation.metrics`` (the reference scorer's rules), prints a
readable table and then, as the last line, one JSON object with the keys and values that
``shared/eval/score.py`` prints for the same predictions.

    python -m app.evaluation ../shared/data/polnear/polnear_quoted-dev.jsonl \\
        --pred-out preds.jsonl --errors errors.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from app.engine import QuoteAttributor
from app.evaluation.metrics import (
    Score,
    calibration_bins,
    parse_kinds,
    read_by_id,
    score,
    write_jsonl,
)
from app.evaluation.predict import predict_articles
from app.evaluation.uncertainty import RESAMPLES, Interval, bootstrap, paired_difference


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m app.evaluation",
        description="Run the attribution engine over a gold JSONL and score it like "
        "shared/eval/score.py.",
    )
    ap.add_argument("gold", type=Path, help="gold articles, one JSON object a line")
    ap.add_argument("--pred-out", type=Path, help="write the predictions (scorer format) here")
    ap.add_argument(
        "--errors", type=Path, help="write the mismatches (missed / spurious / wrong_speaker) here"
    )
    ap.add_argument(
        "--kinds",
        default="direct,partial,continuation,",
        help="predicted kinds to score (comma list; empty item = no kind)",
    )
    ap.add_argument("--limit", type=int, help="evaluate only the first N articles")
    ap.add_argument("--model", help="spaCy pipeline to load (default: the engine's)")
    ap.add_argument("--batch-size", type=int, default=16, help="articles per nlp.pipe batch")
    ap.add_argument(
        "--scorer",
        choices=("learned", "rules"),
        default="learned",
        help="speaker choice and confidence: the learned, calibrated scorer or the rules alone",
    )
    ap.add_argument(
        "--compare",
        action="store_true",
        help="also run the other scorer and print both side by side (the first is --scorer)",
    )
    ap.add_argument(
        "--reliability", type=Path, help="write a reliability diagram (PNG) of the confidences here"
    )
    ap.add_argument(
        "--with-unattributed",
        action="store_true",
        help="score the unattributed quote-marked words too, as quotes without a speaker "
        "(the engine lists them apart from its quotes)",
    )
    ap.add_argument(
        "--indirect",
        action="store_true",
        help="ask for reported speech too (score it with --kinds indirect)",
    )
    ap.add_argument(
        "--resamples",
        type=int,
        default=RESAMPLES,
        help="bootstrap resamples of the articles for the 95%% intervals (0: none)",
    )
    args = ap.parse_args(argv)
    if args.resamples < 0:
        ap.error("--resamples must be 0 or more")
    return args


def format_comparison(results: dict[str, Score]) -> str:
    """One row per scorer, the figures an editor and an engineer compare."""
    keys = [
        ("quote_f1", "quote F1"),
        ("speaker_acc_on_matched", "speaker acc"),
        ("attr_p", "attr P"),
        ("attr_r", "attr R"),
        ("attr_f1", "attr F1"),
        ("ece", "ECE"),
        ("brier", "Brier"),
    ]
    lines = [f"{'scorer':<10}" + "".join(f"{label:>13}" for _, label in keys)]
    for name, total in results.items():
        s = total.summary()
        lines.append(f"{name:<10}" + "".join(f"{s.get(k, 0.0):>13.4f}" for k, _ in keys))
    return "\n".join(lines)


def write_reliability_diagram(total: Score, path: Path, title: str) -> None:
    """Predicted confidence against observed accuracy per bin, with the bins' counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = calibration_bins(total.calibration)
    s = total.summary()
    fig, (ax, hist) = plt.subplots(
        2, 1, figsize=(5.5, 6.5), gridspec_kw={"height_ratios": [3, 1]}, sharex=True
    )
    ax.plot([0, 1], [0, 1], linestyle="--", color="#888888", label="perfect calibration")
    ax.bar(
        [b.low for b in bins],
        [b.accuracy for b in bins],
        width=0.1,
        align="edge",
        color="#9ecae9",
        edgecolor="#1f4e79",
        label="observed accuracy",
    )
    ax.plot(
        [b.mean_confidence for b in bins],
        [b.accuracy for b in bins],
        "o",
        color="#1f4e79",
        label="bin mean confidence",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy (quotation and speaker right)")
    ax.set_title(
        f"{title}\nECE {s.get('ece', 0):.3f}, Brier {s.get('brier', 0):.3f}, "
        f"n = {s.get('confidence_n', 0)}"
    )
    ax.legend(loc="upper left", fontsize=8)
    hist.bar(
        [b.low for b in bins], [b.count for b in bins], width=0.1, align="edge", color="#bab0ac"
    )
    hist.set_xlabel("predicted confidence")
    hist.set_ylabel("quotes")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


_INTERVAL_ROWS = (("attr_f1", "attribution F1"), ("quote_f1", "quote F1"), ("ece", "ECE"))


def format_intervals(intervals: dict[str, Interval], articles: int, resamples: int) -> str:
    """The figures' 95% intervals, from resampling the articles."""
    lines = [f"95% intervals ({resamples} resamples of the {articles} articles):"]
    for key, label in _INTERVAL_ROWS:
        i = intervals[key]
        lines.append(f"{label:<28}{i.estimate:>10.4f}   [{i.low:.4f}, {i.high:.4f}]")
    return "\n".join(lines)


def format_difference(names: tuple[str, str], diff: dict[str, Interval], resamples: int) -> str:
    """The paired difference of two scorers on the same resampled articles."""
    first, second = names
    lines = [f"paired difference, {first} - {second} ({resamples} resamples of the same articles):"]
    for key, label in _INTERVAL_ROWS:
        d = diff[key]
        lines.append(
            f"{label:<28}{d.estimate:>+10.4f}   [{d.low:+.4f}, {d.high:+.4f}]"
            f"   above 0 in {d.ahead:.1%}"
        )
    return "\n".join(lines)


def format_report(total: Score, source: str, seconds: float) -> str:
    """The summary as a table for people; the JSON line carries the same numbers."""
    s = total.summary()
    exact_p, exact_r = (
        round(total.exact / n, 4) if n else 0.0 for n in (total.pred_quotes, total.gold_quotes)
    )
    lines = [
        f"{source}: {s['documents']} articles ({s['missing_predictions']} without predictions), "
        f"{s['gold_quotes']} gold quotes, {s['pred_quotes']} predicted, {seconds:.1f} s",
        "",
        f"{'':<28}{'precision':>10}{'recall':>10}{'F1':>10}",
        f"{'quotes (Jaccard >= 0.5)':<28}{s['quote_p']:>10.4f}{s['quote_r']:>10.4f}"
        f"{s['quote_f1']:>10.4f}",
        f"{'quotes (exact span)':<28}{exact_p:>10.4f}{exact_r:>10.4f}{s['exact_f1']:>10.4f}",
        f"{'attribution (+ speaker)':<28}{s['attr_p']:>10.4f}{s['attr_r']:>10.4f}"
        f"{s['attr_f1']:>10.4f}",
        "",
        f"speaker accuracy on matched quotes: {s['speaker_acc_on_matched']:.4f}",
        "",
        f"{'gold kind':<28}{'gold':>10}{'found':>10}{'attributed':>12}",
    ]
    for kind, r in s["recall_by_gold_kind"].items():
        lines.append(f"{kind:<28}{r['gold']:>10}{r['found']:>10.4f}{r['attributed']:>12.4f}")
    lines.append("")
    if s["confidence_n"]:
        lines.append(
            f"calibration of {s['confidence_n']} confidences: "
            f"ECE {s['ece']:.4f}, Brier {s['brier']:.4f}"
        )
        lines.append(f"{'confidence':<28}{'n':>10}{'mean conf':>10}{'correct':>12}")
        for b in calibration_bins(total.calibration):
            lines.append(
                f"{f'[{b.low:.1f}, {b.high:.1f})':<28}{b.count:>10}"
                f"{b.mean_confidence:>10.3f}{b.accuracy:>12.3f}"
            )
    else:
        lines.append("calibration: no prediction has a confidence")
    counts = Counter(m.type for m in total.mismatches)
    lines += [
        "",
        "errors: " + ", ".join(f"{t} {counts[t]}" for t in ("missed", "spurious", "wrong_speaker")),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    gold = read_by_id(args.gold)
    if args.limit is not None:
        gold = dict(list(gold.items())[: args.limit])

    kinds = parse_kinds(args.kinds)
    scorers = [args.scorer]
    if args.compare:
        scorers.append("rules" if args.scorer == "learned" else "learned")
    results: dict[str, Score] = {}
    first_predictions: dict = {}
    seconds = 0.0
    for name in scorers:
        started = time.perf_counter()
        model = {"model": args.model} if args.model else {}
        attributor = QuoteAttributor.load(**model, scorer=name)
        predictions = {
            p["id"]: p
            for p in tqdm(
                predict_articles(
                    attributor,
                    gold.values(),
                    args.batch_size,
                    args.indirect,
                    args.with_unattributed,
                ),
                total=len(gold),
                desc=f"attributing ({name})",
                unit="article",
                file=sys.stderr,
            )
        }
        results[name] = score(gold, predictions, kinds)
        if not first_predictions:
            first_predictions, seconds = predictions, time.perf_counter() - started

    total = results[scorers[0]]
    if args.pred_out:
        write_jsonl(args.pred_out, first_predictions.values())
    if args.errors:
        write_jsonl(args.errors, (m.to_json() for m in total.mismatches))
    if args.reliability:
        write_reliability_diagram(
            total, args.reliability, f"{args.gold.name} ({scorers[0]} scorer)"
        )

    print(format_report(total, f"{args.gold.name} ({scorers[0]} scorer)", seconds))
    if args.resamples and total.articles:
        print()
        print(
            format_intervals(bootstrap(total, args.resamples), len(total.articles), args.resamples)
        )
    if args.compare:
        print()
        print(format_comparison(results))
        if args.resamples and total.articles:
            print()
            diff = paired_difference(total, results[scorers[1]], args.resamples)
            print(format_difference((scorers[0], scorers[1]), diff, args.resamples))
    print(json.dumps(total.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
