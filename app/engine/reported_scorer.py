"""The learned content scorer of reported speech: which span a cue reports, if any.

A cue of reported speech offers several contents in the parse (``indirect.
content_candidates``): its clausal complement with or without a trailing adjunct, its
object, its to-clause, the object with the to-clause, the clause before a postposed
attribution, its subject (for seem and appear). Annotators of PARC-style corpora choose
among these by conventions a few rules do not capture (Pareti 2015; PolNeAR, Newell et
al. 2018), so a logistic model weighs each candidate's form, cue, length, shape and
source, as a discriminative candidate ranker does for attribution spans (the approach of
Pareti's and of Scheible et al. 2016's content extractors, here over parse-derived
candidates). Per cue the engine keeps the most probable candidate when its probability
reaches the model's threshold, then the more probable of two contents on the same words.

The probability is that the content and its source are both right under the reference
scorer's rules (Jaccard >= 0.5 with a gold content, the gold source named); an isotonic
table fitted on held-out folds of the training split maps the chosen candidate's raw
probability to the confidence. Inference is a dot product and a table lookup over plain
JSON (``models/reported_scorer.json``); training is ``python -m app.training.reported``
(``models/README.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from app.engine.cues import CueMatch
from app.engine.linear import calibration_table, interpolate, logistic

if TYPE_CHECKING:
    from app.engine.indirect import Candidate

REPORTED_SCORER_FILE = "reported_scorer.json"

Features = dict[str, float]

# First words that tell what kind of content a span is: a that-clause, a to-clause, an
# embedded question; the rest are named by their part of speech.
_OPENERS = {"that", "to", "whether", "if", "how", "why", "what", "when", "who", "which", "where"}
# Words after a span that tell whether the content goes on (a relative clause, a
# participle or a conjunction after the comma).
_FOLLOWERS = {",", "-", "--", "—", "(", ";", "which", "who", "and", "but", "as", "while", "even"}
_PERSONAL = {"he", "she", "they", "i", "we", "it", "you"}
_LENGTHS = (1, 2, 3, 5, 8, 13, 21, 34)


def _length_bin(n: int) -> str:
    for limit in _LENGTHS:
        if n <= limit:
            return str(limit)
    return "more"


def reported_features(
    doc: Doc,
    cue: CueMatch,
    cand: Candidate,
    rank: int,
    source: Token | None,
    subject: Token | None,
    quoted: Sequence[bool],
    organisations: frozenset[str],
    quoting: bool = False,
) -> Features:
    """The named features of one candidate content of ``cue``.

    ``source`` is the speaker the content would get (None when there is none, or when the
    cue's subject lies inside the content); ``subject`` is the cue's subject as found;
    ``quoting`` tells that another candidate of the cue is a quotation.
    """
    verb = doc[cue.head]
    cls = cue.entry.cls
    form = cand.form
    n = sum(1 for t in doc[cand.start : cand.end] if not t.is_space)
    length = _length_bin(n)
    first = doc[cand.start]
    opener = first.lower_ if first.lower_ in _OPENERS else first.pos_
    after = doc[cand.end] if cand.end < len(doc) else None
    follower = (
        "END" if after is None else after.lower_ if after.lower_ in _FOLLOWERS else after.pos_
    )
    sent = verb.sent
    f: Features = {
        "bias": 1.0,
        f"form={form}": 1.0,
        f"class={cls}": 1.0,
        f"form={form}|class={cls}": 1.0,
        f"lemma={cue.lemma}": 1.0,
        f"form={form}|lemma={cue.lemma}": 1.0,
        "strength": cue.entry.strength,
        f"rank={min(rank, 4)}": 1.0,
        f"cue_dep={verb.dep_}": 1.0,
        f"cue_tag={verb.tag_}": 1.0,
        f"length={length}": 1.0,
        f"form={form}|length={length}": 1.0,
        "log_length": math.log1p(n),
        f"opener={opener}": 1.0,
        f"form={form}|opener={opener}": 1.0,
        f"follower={follower}": 1.0,
        f"form={form}|follower={follower}": 1.0,
    }
    f[f"cue_dep={verb.dep_}|form={form}"] = 1.0
    f[f"class={cls}|opener={opener}"] = 1.0
    gap = cand.start - cue.end if cand.start >= cue.end else cue.start - cand.end
    f[f"gap={_length_bin(max(gap, 0))}"] = 1.0
    if cand.rule:
        f["rule_choice"] = 1.0
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
        f["cue_passive"] = 1.0
        f[f"form={form}|cue_passive"] = 1.0
    if any(c.dep_ == "neg" for c in verb.children):
        f["cue_negated"] = 1.0
    if quoted[cue.head]:
        f["cue_quoted"] = 1.0
    if quoting:
        f["cue_of_quotation"] = 1.0
        f[f"cue_of_quotation|form={form}"] = 1.0
    near = [i for i in (cue.start - 1, cue.start - 2, cue.end, cue.end + 1) if 0 <= i < len(doc)]
    if any(quoted[i] for i in near):
        f["quotation_beside_cue"] = 1.0
    if cand.start > cue.head:
        f["after_cue"] = 1.0
    if cand.start < sent.start or cand.end > sent.end:
        f["crosses_sentence"] = 1.0
    last = sent.end - 1
    while last > sent.start and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    if cand.end - 1 == last:
        f["ends_sentence"] = 1.0
    if cand.start == sent.start:
        f["starts_sentence"] = 1.0
    tokens = doc[cand.start : cand.end]
    if any(t.pos_ in {"VERB", "AUX"} for t in tokens):
        f["has_verb"] = 1.0
    if any(t.tag_ in {"VBD", "VBZ", "VBP", "MD"} for t in tokens):
        f["has_finite_verb"] = 1.0
    if source is None:
        f["source=none"] = 1.0
        f[f"source=none|class={cls}"] = 1.0
        f[f"source=none|lemma={cue.lemma}"] = 1.0
        if subject is not None:
            f["subject_inside"] = 1.0
            f[f"subject_inside|form={form}"] = 1.0
    else:
        kind = (
            "pronoun"
            if source.lower_ in _PERSONAL
            else "name"
            if source.pos_ == "PROPN"
            else "organisation"
            if source.lemma_.lower() in organisations
            else source.pos_
        )
        f[f"source={kind}"] = 1.0
        f[f"source={kind}|class={cls}"] = 1.0
        f[f"source={kind}|lemma={cue.lemma}"] = 1.0
        f[f"source={kind}|form={form}"] = 1.0
        if source.ent_type_:
            f[f"source_ent={source.ent_type_}"] = 1.0
        if source.i > cue.head:
            f["source_after_cue"] = 1.0
    return f


@dataclass(frozen=True)
class ReportedScorer:
    """Weights of the content model, its threshold, and the calibration of its probability."""

    weights: Mapping[str, float]
    threshold: float
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> ReportedScorer:
        xs, ys = calibration_table(data)
        return cls(dict(data["weights"]), float(data["threshold"]), xs, ys)

    @classmethod
    def load(cls, path: Path) -> ReportedScorer:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def probability(self, features: Features) -> float:
        """The model's raw probability that a candidate content and its source are right."""
        return logistic(self.weights, features)

    def calibrated(self, p: float) -> float:
        """The calibrated probability: linear between the isotonic steps, flat beyond them."""
        return interpolate(self.calibration_x, self.calibration_y, p)
