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
    return ap.parse_args(argv)


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

    started = time.perf_counter()
    attributor = QuoteAttributor.load(args.model) if args.model else QuoteAttributor.load()
    predictions = {
        p["id"]: p
        for p in tqdm(
            predict_articles(attributor, gold.values(), args.batch_size),
            total=len(gold),
            desc="attributing",
            unit="article",
            file=sys.stderr,
        )
    }
    seconds = time.perf_counter() - started

    total = score(gold, predictions, parse_kinds(args.kinds))
    if args.pred_out:
        write_jsonl(args.pred_out, predictions.values())
    if args.errors:
        write_jsonl(args.errors, (m.to_json() for m in total.mismatches))

    print(format_report(total, args.gold.name, seconds))
    print(json.dumps(total.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
