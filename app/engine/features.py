"""Features of a speaker candidate, as a newsroom linguist would name them.

Each candidate attribution of a quotation (see ``speakers.candidates``) becomes a sparse
vector of named features: the rule path that proposed it and its rank among the rules'
candidates, the cue's lemma class and strength, the syntactic relation of the speaker to
the cue, distances in tokens, sentences and paragraphs, the side of the quotation the
speaker stands on, the mention type (name, pronoun, description), its NER label, and the
quotation's own shape (length, kind, title case, balanced marks, whether it ends its
sentence, whether its paragraph holds nothing else). The learned scorer
(``scorer.py``) weighs them; the names are the model's vocabulary, so they are stable.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Token

from app.engine.cues import CueMatch
from app.engine.quotes import looks_like_title
from app.engine.speakers import (
    Candidate,
    Finding,
    _Context,
    _paragraph_only_quotes,
    is_by_phrase,
)

Features = dict[str, float]

_PERSON_WORDS = {
    "official",
    "officials",
    "source",
    "sources",
    "aide",
    "aides",
    "adviser",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "lawyer",
    "attorney",
    "candidate",
    "nominee",
    "diplomat",
    "lawmaker",
    "lawmakers",
    "man",
    "woman",
    "people",
    "voter",
    "voters",
    "expert",
    "experts",
    "analyst",
    "analysts",
    "critic",
    "critics",
    "supporter",
    "supporters",
    "leader",
    "leaders",
}


def _log(n: float) -> float:
    return round(math.log1p(max(n, 0.0)), 4)


def mention_type(tok: Token | None) -> str:
    if tok is None:
        return "none"
    if tok.pos_ == "PRON":
        return "pronoun"
    if tok.pos_ == "PROPN":
        return "possessive" if any(c.dep_ == "case" for c in tok.children) else "name"
    return "description"


def _nesting(ctx: _Context, k: int, cue: CueMatch) -> Features:
    """Where the cue stands among the attributions of its sentence.

    Reported speech nests: in "Israel said Clinton called on members to be "closely
    coordinated"", the quoted words hang off "called", whose clause is what Israel said.
    Annotators following PARC (PolNeAR among them) give such a quotation the source of
    the outermost attribution, the one who vouches for the report; the scorer learns which
    way each case goes from these features: whether the cue sits in another cue's clause,
    whether it dominates the quotation in the parse, and whether another cue stands
    between them.
    """
    doc = ctx.doc
    head = doc[cue.head]
    a, b = ctx.outer[k]
    inner = ctx.inner[k]
    root = next((t for t in inner if not (a <= t.head.i < b) or t.head.i == t.i), inner.root)
    ancestors = [t.i for t in head.ancestors]
    f: Features = {}
    if any(i in ctx.cue_at and not ctx.quoted[i] for i in ancestors):
        f["cue_nested"] = 1.0
    path = []
    for t in root.ancestors:
        if t.i == cue.head:
            f["cue_dominates_quote"] = 1.0
            if any(i in ctx.cue_at and not ctx.quoted[i] for i in path):
                f["cue_dominates_through_cue"] = 1.0
            break
        path.append(t.i)
    # '"...," Canova said, the Miami Herald reported': an attribution that closes the
    # sentence after another one vouches for it (the outermost source).
    sent = ctx.sent_of[cue.head]
    _, sent_end = ctx.sent_bounds[sent]
    tail = [t for t in doc[cue.end : sent_end] if not (t.is_punct or t.is_space)]
    if (
        cue.start >= b
        and len(tail) <= 3
        and any(
            c.end <= cue.start and not ctx.quoted[c.head] and ctx.with_speaker(c) is not None
            for c in ctx.cues_by_sent.get(sent, [])
        )
    ):
        f["cue_trails_attribution"] = 1.0
        f[f"cue_trails_attribution&class={cue.entry.cls}"] = 1.0
    return f


def _speaker_token(ctx: _Context, cand: Candidate, findings: Sequence[Finding]) -> Token | None:
    """The token that names the candidate's speaker: its own, or the continued quotation's."""
    if cand.continued_from is not None:
        prev = findings[cand.continued_from]
        return ctx.doc[prev.mention[0] : prev.mention[1]].root if prev.mention else None
    return cand.speaker


def speaker_key(tok: Token | None) -> str | None:
    """A cheap identity of a speaker before coreference: a name's last word ("Lavrov" for
    "Sergei Lavrov" and "Mr. Lavrov"), else the head word ("he", "ministry")."""
    if tok is None:
        return None
    if tok.pos_ == "PROPN":
        while tok.dep_ in {"compound", "flat"} and tok.head.i > tok.i and tok.head.pos_ == "PROPN":
            tok = tok.head  # "Sergei" of "Sergei Lavrov": the name's head
        last = max((c for c in tok.rights if c.dep_ == "flat"), key=lambda c: c.i, default=tok)
        return last.lower_.removesuffix("’s").removesuffix("'s")
    return tok.lemma_.lower()


def quotation_features(
    ctx: _Context,
    k: int,
    options: Sequence[Candidate],
    findings: Sequence[Finding],
    roles: frozenset[str] = frozenset(),
) -> list[Features]:
    """The named features of every candidate of quotation ``k``, in the rules' order.

    Besides each candidate's own evidence (``candidate_features``), how it stands among the
    others: how many candidates name the same speaker (rules that agree), and whether that
    speaker spoke before in the article, or spoke the quotation just before.
    """
    keys = [speaker_key(_speaker_token(ctx, c, findings)) for c in options]
    agree = Counter(key for key in keys if key is not None)
    _update_spoken(ctx, findings)
    out = []
    for rank, (cand, key) in enumerate(zip(options, keys, strict=True)):
        f = candidate_features(ctx, k, rank, cand, findings, len(options), roles)
        if key is not None:
            f["agreeing_candidates"] = float(min(agree[key] - 1, 3))
            f["speaker_spoke_before"] = 1.0 if key in ctx.spoken else 0.0
            f["speaker_is_previous"] = 1.0 if key == ctx.last_spoken else 0.0
        out.append(_with_conjunctions(f))
    return out


def _update_spoken(ctx: _Context, findings: Sequence[Finding]) -> None:
    """Bring the context's speakers seen so far up to ``findings``, the quotations before
    this one (a list that only grows while one article is attributed)."""
    if len(findings) < ctx.spoken_through:  # another pass over the article: start again
        ctx.spoken, ctx.last_spoken, ctx.spoken_through = set(), None, 0
    for f in findings[ctx.spoken_through :]:
        if f.speech and f.mention is not None:
            key = speaker_key(ctx.doc[f.mention[0] : f.mention[1]].root)
            if key is not None:
                ctx.spoken.add(key)
            ctx.last_spoken = key
    ctx.spoken_through = len(findings)


_CONJUNCTIONS = (
    ("path", "mention"),
    ("path", "cue_side"),
    ("path", "dep"),
    ("path", "ner"),
    ("mention", "dep"),
    ("cue_class", "speaker_side"),
)
"""Pairs of categorical features whose combination means more than each alone: a pronoun
is a good speaker for a governing cue and a poor one for a paragraph's cue."""
_SCALED_BY_PATH = (
    "speaker_distance",
    "cue_distance",
    "quote_words",
    "quote_short",
    "quote_title",
    "quote_lowercase_start",
    "quote_ends_sentence",
    "quote_paragraph_only",
    "quote_continues",
    "quote_unbalanced",
)
"""Features whose weight depends on the rule path: a distance that is normal for a previous
paragraph's cue is far for a governing one, and the shape of the quoted words (short, lower
case, inside a sentence: a scare quote) tells when no candidate at all is best."""


def _with_conjunctions(f: Features) -> Features:
    values: dict[str, list[str]] = {}
    for name in f:
        group, eq, _ = name.partition("=")
        if eq:
            values.setdefault(group, []).append(name)
    out = dict(f)
    for a, b in _CONJUNCTIONS:
        for x in values.get(a, ()):
            for y in values.get(b, ()):
                out[f"{x}&{y}"] = 1.0
    for x in values.get("path", ()):
        for num in _SCALED_BY_PATH:
            if num in f:
                out[f"{x}*{num}"] = f[num]
    return out


def _relation(tok: Token) -> str:
    """The speaker's syntactic relation, as the features name it: a subject, the doer of a
    passive ("agent": 'called "reckless" by Senator Doe', 'a suggestion by the mayor'), an
    object, an apposition, or another."""
    if tok.dep_ == "pobj" and is_by_phrase(tok.head):
        return "agent"
    return tok.dep_ if tok.dep_ in {"nsubj", "nsubjpass", "pobj", "appos", "dobj"} else "other"


def candidate_features(
    ctx: _Context,
    k: int,
    rank: int,
    cand: Candidate,
    findings: Sequence[Finding],
    n_options: int,
    roles: frozenset[str] = frozenset(),
) -> Features:
    """The named features of candidate ``cand`` (at ``rank`` in the rules' order) of quotation ``k``.

    ``roles`` are the title and role words of the lexicon ("senator", "minister"): a
    description headed by one denotes a person.
    """
    doc = ctx.doc
    q = ctx.quotes[k]
    a, b = ctx.outer[k]
    f: Features = {"bias": 1.0}
    f[f"path={cand.path}"] = 1.0
    f[f"rank={min(rank, 3)}"] = 1.0
    f["options"] = _log(n_options)

    # The quotation itself.
    q_text = ctx.inner[k].text
    words = len(q_text.split())
    f["quote_words"] = _log(words)
    f["quote_short"] = 1.0 if words <= 3 else 0.0
    f["quote_title"] = 1.0 if looks_like_title(q_text) else 0.0
    f["quote_unbalanced"] = 1.0 if q.unbalanced else 0.0
    f["quote_continues"] = 1.0 if q.continues else 0.0
    f["quote_paragraph_only"] = 1.0 if _paragraph_only_quotes(ctx, k) else 0.0
    ends = (
        b >= len(doc)
        or doc[b].is_sent_start
        or doc[b].is_space
        or ctx.sent_of[min(b, len(doc) - 1)] != ctx.sent_of[b - 1]
    )
    f["quote_ends_sentence"] = 1.0 if ends else 0.0
    f["quote_lowercase_start"] = 1.0 if q_text[:1].islower() else 0.0

    # The cue.
    if cand.cue is not None:
        f[f"cue_class={cand.cue.entry.cls}"] = 1.0
        f["cue_strength"] = cand.cue.entry.strength
        cue_side = "before" if cand.cue.end <= a else "after" if cand.cue.start >= b else "inside"
        f[f"cue_side={cue_side}"] = 1.0
        gap = a - cand.cue.end if cue_side == "before" else cand.cue.start - b
        f["cue_distance"] = _log(max(gap, 0))
        f["cue_sentence_gap"] = float(
            min(abs(ctx.sent_of[cand.cue.head] - ctx.sent_of[min(a, len(doc) - 1)]), 3)
        )
        f[f"cue_lemma={cand.cue.lemma}"] = 1.0
        f.update(_nesting(ctx, k, cand.cue))
    else:
        f["no_cue"] = 1.0

    # The speaker mention.
    tok = _speaker_token(ctx, cand, findings)
    if cand.continued_from is not None:
        prev = findings[cand.continued_from]
        f["continuation_paragraph_gap"] = float(min(q.paragraph - prev.quote.paragraph, 3))
        f["continuation_same_paragraph"] = 1.0 if prev.quote.paragraph == q.paragraph else 0.0
        f[f"continuation_of={prev.path}"] = 1.0
    kind = mention_type(tok)
    f[f"mention={kind}"] = 1.0
    if tok is not None:
        f[f"ner={tok.ent_type_ or 'none'}"] = 1.0
        f[f"dep={_relation(tok)}"] = 1.0
        f["person_word"] = 1.0 if tok.lower_ in _PERSON_WORDS or tok.lower_ in roles else 0.0
        f["capitalised"] = 1.0 if tok.text[:1].isupper() else 0.0
        if cand.continued_from is None:
            side = "before" if tok.i < a else "after"
            f[f"speaker_side={side}"] = 1.0
            gap = a - tok.i if tok.i < a else tok.i - b
            f["speaker_distance"] = _log(max(gap, 0))
            f["speaker_paragraph_gap"] = float(min(abs(ctx.paragraph_of[tok.i] - q.paragraph), 3))
            f["speaker_same_sentence"] = 1.0 if ctx.sent_of[tok.i] in ctx.sentences(k) else 0.0
    return f
