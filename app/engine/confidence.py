"""Step 5: a confidence from 0 to 1 per quotation, from how the attribution was made.

Rule-based and principled, in the manner of BBC citron's P(source) x P(content): the
confidence is the product of

- how sure the quotation is speech at all (a bare three-word phrase with no cue is more
  likely a title or a scare quote than speech; a quotation whose marks don't balance may
  have lost words),
- how reliable the attribution path is (a cue that governs the quotation in the parse
  beats a cue merely in the same sentence, which beats one elsewhere in the paragraph),
- how the speaker mention was resolved (a name in the attributing clause beats a pronoun,
  which beats a description or a continuation), and
- the cue's own strength from the lexicon (``said`` is a near-certain cue, ``called`` is not).

The numbers are priors set by hand and checked against the PolNeAR train split; a learned,
calibrated scorer replaces them in a later step (see models/README.md).
"""

from __future__ import annotations

from app.engine.quotes import QuoteSpan
from app.engine.speakers import Finding
from app.engine.types import Resolution

PATH_PRIOR = {
    "governing": 0.95,
    "according_to": 0.92,
    "colon": 0.9,
    "dash": 0.88,
    "sentence": 0.82,
    "continuation": 0.85,
    "previous_paragraph": 0.75,
    "paragraph": 0.6,
    "subject": 0.5,
    # Reported speech: the clausal complement of a cue; how often its span and speaker are
    # both right (PolNeAR train) is far below a quotation's, whose marks fix the span.
    "reported": 0.55,
    # "Poll: Wealthy voters abandon ...": a headline's source before a colon.
    "headline": 0.5,
}
RESOLUTION_FACTOR: dict[Resolution, float] = {
    "explicit": 1.0,
    "alias": 0.98,
    "pronoun": 0.92,
    "continuation": 0.92,
    "nominal": 0.85,
}
NO_SPEAKER = 0.1
CONTINUATION_DECAY = 0.95
"""A continuation scores at most this share of the quotation whose speaker it continues."""


def quote_prior(q: QuoteSpan, text: str, has_cue: bool) -> float:
    """How likely the marked words are a quotation of speech at all."""
    p = 1.0
    words = len(text[q.start : q.end].split())
    if words <= 3 and not has_cue:
        p *= 0.5
    if q.unbalanced:
        p *= 0.8
    if q.style == "single":
        p *= 0.9
    return p


def score(finding: Finding, resolution: Resolution | None, text: str) -> float:
    has_cue = finding.cue is not None or finding.path in {"colon", "dash", "continuation"}
    prior = quote_prior(finding.quote, text, has_cue)
    if resolution is None or finding.path == "none":
        return round(NO_SPEAKER * prior, 3)
    p = PATH_PRIOR[finding.path] * RESOLUTION_FACTOR[resolution] * prior
    if finding.cue is not None:
        p *= 0.85 + 0.15 * finding.cue.entry.strength
    return round(min(max(p, 0.0), 1.0), 3)
