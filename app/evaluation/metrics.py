"""Quote and speaker-attribution metrics, mirroring the reference scorer ``shared/eval/score.py``.

This is the reference scorer re-written as a typed library, rule for rule, so that the
numbers it gives are the very numbers ``score.py`` prints (``tests/evaluation`` checks this
against the reference script itself). The rules, as ``shared/data/README.md`` states them:

- Spans are compared after trimming whitespace and edge punctuation (``EDGE``).
- A predicted quote matches a gold one when the trimmed spans overlap with Jaccard >= 0.5;
  matching is one-to-one, best overlap first. A match is *exact* when the trimmed spans
  are identical.
- A matched quote's speaker is right when a predicted speaker span overlaps a gold speaker
  span, or the gold speaker's head name (its last capitalised word before any comma,
  possessive stripped) is a word of the predicted speaker name.
- Attribution counts a prediction only when its quote matches and its speaker is right;
  ``confidence`` is calibrated against that end-to-end correctness (ECE over 10 equal-width
  bins, and the Brier score).
- Only predictions whose ``kind`` is in the scored set are counted (``DEFAULT_KINDS``; the
  empty string stands for "no kind"). Gold quotes are never filtered.

Beyond the reference summary it keeps what an error analysis needs: every mismatch
(``Mismatch``) and every scored prediction's (confidence, correct) pair.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

EDGE = " \t\n\r.,;:!?\"'\u201c\u201d\u2018\u2019\u00ab\u00bb-\u2014\u2013()[]"
"""Characters trimmed from both ends of a quote span before spans are compared."""

WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w\u00C0-\u024F'\u2019.-]*")
"""A word of a speaker name, as the reference scorer tokenises names."""

DEFAULT_KINDS = frozenset({"direct", "partial", "continuation", ""})
"""Predicted kinds scored by default: everything but ``indirect`` (``""`` = no kind given)."""

CALIBRATION_BINS = 10
ERROR_QUOTE_CHARS = 120
"""The reference scorer cuts quote texts in its errors file to this many characters."""

Span = tuple[int, int]


class GoldQuote(TypedDict):
    """A gold quote of the data set (``shared/data/README.md``)."""

    start: int
    end: int
    text: str
    speaker: str | None
    speaker_spans: NotRequired[list[list[int]]]
    kind: NotRequired[str]
    cue: NotRequired[str]
    attribution_id: NotRequired[str]


class GoldArticle(TypedDict):
    id: str
    text: str
    quotes: list[GoldQuote]
    meta: NotRequired[dict[str, str]]


class PredictedQuote(TypedDict):
    """A predicted quote in the scorer's format."""

    start: int
    end: int
    kind: str | None
    speaker: str | None
    speaker_spans: list[list[int]]
    confidence: float | None


class Prediction(TypedDict):
    """One line of a predictions file: the quotes predicted for one article."""

    id: str
    quotes: list[PredictedQuote]


# --- spans and names ---------------------------------------------------------------------


def trim(text: str, start: int, end: int) -> Span:
    """The span without leading and trailing whitespace or edge punctuation."""
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


def jaccard(a: Span, b: Span) -> float:
    """Overlap of two character spans over their union (0.0 for two empty spans)."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def spans_overlap(spans_a: Iterable[Sequence[int]], spans_b: Iterable[Sequence[int]]) -> bool:
    """Whether any span of the first list shares at least one character with one of the second."""
    spans_b = list(spans_b)
    return any(min(a[1], b[1]) > max(a[0], b[0]) for a in spans_a for b in spans_b)


def head_name(speaker: str | None) -> str | None:
    """The gold speaker's head name, lower-cased: its last capitalised word before any comma,
    possessive stripped (``"Donald Trump's campaign manager, Kellyanne Conway"`` -> ``"trump"``).
    ``None`` when the speaker has no capitalised word (``"he"``, ``"a source"``)."""
    if not speaker:
        return None
    capitalised = [w for w in WORD.findall(speaker.split(",")[0]) if w[0].isupper()]
    if not capitalised:
        return None
    word = capitalised[-1]
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    return word.strip(".").lower() or None


def name_words(name: str | None) -> set[str]:
    """The lower-cased words of a predicted speaker name, possessives stripped."""
    return {
        w.strip(".").replace("\u2019s", "").replace("'s", "")
        for w in WORD.findall((name or "").lower())
    }


def speaker_is_right(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Whether a matched prediction names the gold quote's speaker.

    A gold quote without a speaker is right only when the prediction has none either.
    Otherwise the speaker is right when a predicted speaker span overlaps a gold one (so a
    resolved "he" counts where the gold names that "he"), or when the gold head name is a
    word of the predicted name (so "Mr. Trump" in the gold and "Donald Trump" agree).
    """
    if gold.get("speaker") is None:
        return pred.get("speaker") is None
    if pred.get("speaker") is None and not pred.get("speaker_spans"):
        return False
    if spans_overlap(gold.get("speaker_spans") or [], pred.get("speaker_spans") or []):
        return True
    head = head_name(gold["speaker"])
    return head is not None and head in name_words(pred.get("speaker"))


# --- matching ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """A gold quote and the prediction matched to it (indices into the two lists)."""

    gold: int
    pred: int
    exact: bool


def match_quotes(
    text: str, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[Match]:
    """One-to-one matching of predicted to gold quotes, best Jaccard overlap first.

    Only pairs with Jaccard >= 0.5 on the trimmed spans are candidates. Ties are broken like
    the reference scorer, which sorts ``(overlap, gold index, pred index)`` tuples in
    descending order: among equal overlaps, the later gold quote, then the later
    prediction, is served first.
    """
    g = [trim(text, q["start"], q["end"]) for q in gold]
    p = [trim(text, q["start"], q["end"]) for q in pred]
    candidates = sorted(
        (
            (jaccard(g[i], p[j]), i, j)
            for i in range(len(g))
            for j in range(len(p))
            if jaccard(g[i], p[j]) >= 0.5
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches = []
    for _, i, j in candidates:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        matches.append(Match(i, j, g[i] == p[j]))
    return matches


def parse_kinds(kinds: str) -> frozenset[str]:
    """The set of predicted kinds to score, from a comma list like ``--kinds``
    (``"direct,partial,continuation,"``: the trailing empty item means "no kind")."""
    return frozenset(kinds.split(","))


# --- scores ------------------------------------------------------------------------------

MismatchType = Literal["missed", "spurious", "wrong_speaker"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One error: a gold quote not found, a prediction matching no gold, or a matched
    quote with the wrong speaker. ``gold``/``pred`` are the gold and predicted speakers."""

    article_id: str
    type: MismatchType
    quote: str
    start: int
    end: int
    gold: str | None = None
    pred: str | None = None
    gold_kind: str | None = None
    pred_kind: str | None = None
    attribution_id: str | None = None
    confidence: float | None = None
    pred_mention: str | None = None
    """The text of the prediction's first speaker span (its attributing mention)."""

    def to_json(self) -> dict[str, Any]:
        """The reference scorer's error record (``id``, ``type``, ``quote`` cut to 120
        characters, ``gold``/``pred`` where it has them), plus offsets and details."""
        record: dict[str, Any] = {
            "id": self.article_id,
            "type": self.type,
            "quote": self.quote[:ERROR_QUOTE_CHARS],
        }
        if self.type != "spurious":
            record["gold"] = self.gold
        if self.type != "missed":
            record["pred"] = self.pred
        record.update(
            start=self.start,
            end=self.end,
            gold_kind=self.gold_kind,
            pred_kind=self.pred_kind,
            attribution_id=self.attribution_id,
            confidence=self.confidence,
            pred_mention=self.pred_mention,
        )
        return {k: v for k, v in record.items() if v is not None or k in ("gold", "pred")}


@dataclass(slots=True)
class KindRecall:
    """Gold quotes of one kind: how many, how many were found, how many also attributed."""

    gold: int = 0
    found: int = 0
    attributed: int = 0


@dataclass(slots=True)
class ArticleScore:
    """The counts of one article."""

    article_id: str
    gold_quotes: int
    pred_quotes: int
    matched: int
    exact: int
    speaker_right: int
    missing_prediction: bool
    by_kind: dict[str, KindRecall]
    calibration: list[tuple[float, bool]]
    """(confidence, correct) for each scored prediction that has a confidence."""
    mismatches: list[Mismatch]


def score_article(
    gold: GoldArticle | Mapping[str, Any],
    prediction: Prediction | Mapping[str, Any] | None,
    kinds: frozenset[str] = DEFAULT_KINDS,
) -> ArticleScore:
    """Score the predictions for one article (``None``: the article has no prediction line)."""
    text = gold["text"]
    gq = gold["quotes"]
    pq = (
        []
        if prediction is None
        else [q for q in prediction.get("quotes", []) if (q.get("kind") or "") in kinds]
    )
    matches = {m.gold: m for m in match_quotes(text, gq, pq)}
    matched_preds = {m.pred for m in matches.values()}
    by_kind: dict[str, KindRecall] = {}
    mismatches: list[Mismatch] = []
    correct: dict[int, bool] = {}
    exact = right = 0
    for i, q in enumerate(gq):
        recall = by_kind.setdefault(q.get("kind", "direct"), KindRecall())
        recall.gold += 1
        m = matches.get(i)
        if m is None:
            mismatches.append(
                Mismatch(
                    gold["id"],
                    "missed",
                    q["text"],
                    q["start"],
                    q["end"],
                    gold=q.get("speaker"),
                    gold_kind=q.get("kind"),
                    attribution_id=q.get("attribution_id"),
                )
            )
            continue
        p = pq[m.pred]
        ok = speaker_is_right(q, p)
        correct[m.pred] = ok
        exact += m.exact
        right += ok
        recall.found += 1
        recall.attributed += ok
        if not ok:
            spans = p.get("speaker_spans") or []
            mismatches.append(
                Mismatch(
                    gold["id"],
                    "wrong_speaker",
                    q["text"],
                    q["start"],
                    q["end"],
                    gold=q.get("speaker"),
                    pred=p.get("speaker"),
                    gold_kind=q.get("kind"),
                    pred_kind=p.get("kind"),
                    attribution_id=q.get("attribution_id"),
                    confidence=p.get("confidence"),
                    pred_mention=text[spans[0][0] : spans[0][1]] if spans else None,
                )
            )
    calibration = []
    for j, p in enumerate(pq):
        if p.get("confidence") is not None:
            calibration.append((float(p["confidence"]), correct.get(j, False)))
        if j not in matched_preds:
            mismatches.append(
                Mismatch(
                    gold["id"],
                    "spurious",
                    text[p["start"] : p["end"]],
                    p["start"],
                    p["end"],
                    pred=p.get("speaker"),
                    pred_kind=p.get("kind"),
                    confidence=p.get("confidence"),
                )
            )
    return ArticleScore(
        gold["id"],
        len(gq),
        len(pq),
        len(matches),
        exact,
        right,
        prediction is None,
        by_kind,
        calibration,
        mismatches,
    )


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1, rounded to 4 places like the reference scorer."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def calibration_bin(confidence: float, bins: int = CALIBRATION_BINS) -> int:
    """The equal-width bin of a confidence; values outside [0, 1] go to the end bins."""
    return min(bins - 1, max(0, int(confidence * bins)))


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


def calibration_bins(
    pairs: Sequence[tuple[float, bool]], bins: int = CALIBRATION_BINS
) -> list[CalibrationBin]:
    """The reliability diagram's non-empty bins."""
    acc = [[0, 0.0, 0] for _ in range(bins)]  # count, sum of confidences, correct
    for c, ok in pairs:
        b = acc[calibration_bin(c, bins)]
        b[0] += 1
        b[1] += c
        b[2] += ok
    return [
        CalibrationBin(k / bins, (k + 1) / bins, n, s / n, r / n)
        for k, (n, s, r) in enumerate(acc)
        if n
    ]


def expected_calibration_error(
    pairs: Sequence[tuple[float, bool]], bins: int = CALIBRATION_BINS
) -> float:
    """ECE: the count-weighted mean gap between mean confidence and accuracy per bin
    (unrounded; computed in the reference scorer's order of operations)."""
    if not pairs:
        return 0.0
    gaps = calibration_bins(pairs, bins)
    return sum(abs(b.mean_confidence - b.accuracy) * b.count for b in gaps) / len(pairs)


def brier_score(pairs: Sequence[tuple[float, bool]]) -> float:
    """Mean squared difference between confidence and correctness (unrounded)."""
    if not pairs:
        return 0.0
    return sum((c - ok) ** 2 for c, ok in pairs) / len(pairs)


@dataclass(slots=True)
class Score:
    """The counts over a whole data set; ``summary()`` gives the reference scorer's output."""

    articles: list[ArticleScore] = field(default_factory=list)

    def add(self, article: ArticleScore) -> None:
        self.articles.append(article)

    def _total(self, name: str) -> int:
        return sum(getattr(a, name) for a in self.articles)

    @property
    def gold_quotes(self) -> int:
        return self._total("gold_quotes")

    @property
    def pred_quotes(self) -> int:
        return self._total("pred_quotes")

    @property
    def matched(self) -> int:
        return self._total("matched")

    @property
    def exact(self) -> int:
        return self._total("exact")

    @property
    def speaker_right(self) -> int:
        return self._total("speaker_right")

    @property
    def missing_predictions(self) -> int:
        return self._total("missing_prediction")

    @property
    def calibration(self) -> list[tuple[float, bool]]:
        """Every scored prediction's (confidence, correct), in gold-file order."""
        return [pair for a in self.articles for pair in a.calibration]

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for a in self.articles for m in a.mismatches]

    def by_kind(self) -> dict[str, KindRecall]:
        out: dict[str, KindRecall] = {}
        for a in self.articles:
            for kind, r in a.by_kind.items():
                total = out.setdefault(kind, KindRecall())
                total.gold += r.gold
                total.found += r.found
                total.attributed += r.attributed
        return dict(sorted(out.items()))

    def summary(self) -> dict[str, Any]:
        """The reference scorer's JSON object: same keys, same order, same rounding."""
        n_gold, n_pred, n_match = self.gold_quotes, self.pred_quotes, self.matched
        qp, qr, qf = prf(n_match, n_pred, n_gold)
        ap, ar, af = prf(self.speaker_right, n_pred, n_gold)
        out: dict[str, Any] = {
            "documents": len(self.articles),
            "missing_predictions": self.missing_predictions,
            "gold_quotes": n_gold,
            "pred_quotes": n_pred,
            "quote_p": qp,
            "quote_r": qr,
            "quote_f1": qf,
            "exact_f1": prf(self.exact, n_pred, n_gold)[2],
            "speaker_acc_on_matched": round(self.speaker_right / n_match, 4) if n_match else 0.0,
            "attr_p": ap,
            "attr_r": ar,
            "attr_f1": af,
            "recall_by_gold_kind": {
                kind: {
                    "gold": r.gold,
                    "found": round(r.found / r.gold, 4),
                    "attributed": round(r.attributed / r.gold, 4),
                }
                for kind, r in self.by_kind().items()
            },
        }
        pairs = self.calibration
        out["confidence_n"] = len(pairs)
        if pairs:
            out["ece"] = round(expected_calibration_error(pairs), 4)
            out["brier"] = round(brier_score(pairs), 4)
        return out


def score(
    gold: Mapping[str, GoldArticle],
    predictions: Mapping[str, Prediction],
    kinds: frozenset[str] = DEFAULT_KINDS,
) -> Score:
    """Score predictions (by article id) against every gold article, in gold order.
    Predictions for articles not in the gold are ignored."""
    total = Score()
    for article_id, article in gold.items():
        total.add(score_article(article, predictions.get(article_id), kinds))
    return total


# --- files -------------------------------------------------------------------------------


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def read_by_id(path: str | Path) -> dict[str, Any]:
    """A JSONL file of articles (or predictions) by id. As in the reference scorer, a
    repeated id keeps its first position and its last record."""
    return {record["id"]: record for record in read_jsonl(path)}


def write_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
