"""The learned speaker scorer: two linear models over candidate features, then calibration.

For each quotation the engine proposes candidate attributions (``speakers.candidates``),
and this scorer does two things with them, as citron and most attribution systems since
Pareti (2015) do, with a model for each:

- **Choice.** A conditional logit (McFadden 1974; the ranking models of coreference,
  Denis & Baldridge 2008) scores every candidate of the quotation against the others and
  picks the best. Trained on the candidate lists as lists (softmax over each quotation's
  candidates), it learns what makes one candidate better than its rivals, which a model
  of each candidate alone does not see.
- **Confidence.** A logistic regression gives a candidate the probability that choosing it
  makes the quotation right end to end (a real quotation, and the right speaker); the
  chosen candidate's probability, mapped through an isotonic calibration fitted on
  held-out folds of the training split, is the quotation's ``confidence``, so that a
  quotation shown at 0.9 is right about 9 times in 10.

Inference is two dot products and a table lookup: the weights are plain JSON in
``models/speaker_scorer.json`` (see ``models/README.md`` for how they were trained and
how to retrain), and nothing beyond the standard library is needed to apply them. A file
of format 1 (one logistic model, before the choice model) still loads: it chooses with
its logistic model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.engine.features import Features, quotation_features
from app.engine.linear import calibration_table, dot, interpolate, logistic
from app.engine.speakers import Candidate, Finding, _Context

SCORER_FILE = "speaker_scorer.json"


@dataclass(frozen=True)
class SpeakerScorer:
    """Weights of the choice and confidence models, and the calibration table."""

    weights: Mapping[str, float]
    """The logistic (confidence) model: P(a candidate is right end to end)."""
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]
    roles: frozenset[str] = frozenset()
    choice_weights: Mapping[str, float] | None = None
    """The conditional logit that picks the candidate; None picks by ``weights``."""

    @classmethod
    def from_dict(cls, data: Mapping, roles: frozenset[str] = frozenset()) -> SpeakerScorer:
        xs, ys = calibration_table(data)
        choice = data.get("choice_weights")
        return cls(dict(data["weights"]), xs, ys, roles, dict(choice) if choice else None)

    @classmethod
    def load(cls, path: Path, roles: frozenset[str] = frozenset()) -> SpeakerScorer:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), roles)

    def probability(self, features: Features) -> float:
        """The model's raw probability that a candidate is right end to end."""
        return logistic(self.weights, features)

    def preference(self, features: Features) -> float:
        """The choice model's score of a candidate: higher beats its rivals."""
        return dot(self.choice_weights or self.weights, features)

    def calibrated(self, p: float) -> float:
        """The calibrated probability: linear between the isotonic steps, flat beyond them."""
        return interpolate(self.calibration_x, self.calibration_y, p)

    def choose(
        self, ctx: _Context, k: int, options: Sequence[Candidate], findings: Sequence[Finding]
    ) -> tuple[int, float | None]:
        """The preferred candidate and its raw probability (ties go to the rules' order)."""
        features = quotation_features(ctx, k, options, findings, self.roles)
        scores = [self.preference(f) for f in features]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        return best, self.probability(features[best])
