"""The learned speaker scorer: a logistic model over candidate features, then calibration.

For each quotation the engine proposes candidate attributions (``speakers.candidates``);
this scorer gives each the probability that choosing it makes the quotation right end to
end (a real quotation, and the right speaker), picks the most probable, and maps that
probability through an isotonic calibration fitted on held-out folds of the training
split, so that a quotation shown at 0.9 is right about 9 times in 10.

Inference is a dot product and a table lookup: the weights are plain JSON in
``models/speaker_scorer.json`` (see ``models/README.md`` for how they were trained and
how to retrain), and nothing beyond the standard library is needed to apply them.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.engine.features import Features, candidate_features
from app.engine.speakers import Candidate, Finding, _Context

SCORER_FILE = "speaker_scorer.json"


@dataclass(frozen=True)
class SpeakerScorer:
    """Weights of the candidate model and the calibration table of its chosen probability."""

    weights: Mapping[str, float]
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]
    roles: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, data: Mapping, roles: frozenset[str] = frozenset()) -> SpeakerScorer:
        cal = data["calibration"]
        if len(cal["x"]) != len(cal["y"]) or not cal["x"]:
            raise ValueError("calibration table needs as many x as y values, at least one")
        return cls(dict(data["weights"]), tuple(cal["x"]), tuple(cal["y"]), roles)

    @classmethod
    def load(cls, path: Path, roles: frozenset[str] = frozenset()) -> SpeakerScorer:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), roles)

    def probability(self, features: Features) -> float:
        """The model's raw probability that a candidate is right end to end."""
        z = sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def calibrated(self, p: float) -> float:
        """The calibrated probability: linear between the isotonic steps, flat beyond them."""
        xs, ys = self.calibration_x, self.calibration_y
        if p <= xs[0]:
            return ys[0]
        if p >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, p)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)

    def choose(
        self, ctx: _Context, k: int, options: Sequence[Candidate], findings: Sequence[Finding]
    ) -> tuple[int, float | None]:
        """The most probable candidate and its raw probability (ties go to the rules' order)."""
        best, best_p = 0, -1.0
        for rank, cand in enumerate(options):
            p = self.probability(
                candidate_features(ctx, k, rank, cand, findings, len(options), self.roles)
            )
            if p > best_p:
                best, best_p = rank, p
        return best, best_p
