"""Training examples: every candidate attribution of every quotation, labelled from gold.

The engine runs with its rules choosing (so each quotation's context, including which
earlier quotation a continuation refers to, is the one the rules build), while every
candidate's features are recorded. A candidate is labelled right when choosing it makes
the quotation right end to end under the reference scorer's rules: the quotation matches
a gold one (Jaccard >= 0.5) and the candidate's speaker mention names the gold source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from app.engine import QuoteAttributor
from app.engine.cues import find_cues
from app.engine.features import Features, candidate_features
from app.engine.nlp import stored_quote_spans
from app.engine.speakers import Candidate, Finding, _Context, find_speakers, mention_range
from app.evaluation.metrics import match_quotes, speaker_is_right


@dataclass(frozen=True, slots=True)
class QuoteExample:
    """The candidates of one quotation: their features and whether each is right end to end."""

    article_id: str
    features: tuple[Features, ...]
    correct: tuple[bool, ...]


def _speaker_prediction(doc: Doc, cand: Candidate, findings: Sequence[Finding]) -> dict[str, Any]:
    if cand.speaker is not None:
        a, b = mention_range(doc, cand.speaker)
    elif cand.continued_from is not None and findings[cand.continued_from].mention is not None:
        a, b = findings[cand.continued_from].mention  # type: ignore[misc]
    else:
        return {"speaker": None, "speaker_spans": []}
    span = doc[a:b]
    return {"speaker": span.text, "speaker_spans": [[span.start_char, span.end_char]]}


def article_examples(
    attributor: QuoteAttributor, doc: Doc, gold: Mapping[str, Any]
) -> list[QuoteExample]:
    """The examples of one parsed article with its gold annotation."""
    spans = stored_quote_spans(doc) or []
    if not spans:
        return []
    cues = find_cues(doc, attributor.lexicon, [(q.outer_start, q.outer_end) for q in spans])
    recorded: dict[int, tuple[list[Features], list[dict[str, Any]]]] = {}
    roles = attributor.roles

    def record(
        ctx: _Context, k: int, options: Sequence[Candidate], findings: Sequence[Finding]
    ) -> tuple[int, None]:
        feats = [
            candidate_features(ctx, k, r, c, findings, len(options), roles)
            for r, c in enumerate(options)
        ]
        preds = [_speaker_prediction(doc, c, findings) for c in options]
        recorded[k] = (feats, preds)
        return 0, None

    findings = find_speakers(doc, spans, cues, record)
    kept = [k for k, f in enumerate(findings) if f.speech]
    pred_spans = [{"start": findings[k].quote.start, "end": findings[k].quote.end} for k in kept]
    matched = {m.pred: m.gold for m in match_quotes(gold["text"], gold["quotes"], pred_spans)}
    out = []
    for j, k in enumerate(kept):
        feats, preds = recorded[k]
        g = matched.get(j)
        correct = tuple(g is not None and speaker_is_right(gold["quotes"][g], p) for p in preds)
        out.append(QuoteExample(gold["id"], tuple(feats), correct))
    return out


def examples(
    attributor: QuoteAttributor, articles: Sequence[Mapping[str, Any]], batch_size: int = 16
) -> Iterator[list[QuoteExample]]:
    """The examples of each article, in order (one list per article)."""
    texts: Iterable[str] = (a["text"] for a in articles)
    # The analysis the service runs, so that training sees the features inference sees.
    docs = attributor.analyse(texts, batch_size=batch_size)
    for gold, doc in zip(articles, docs, strict=True):
        yield article_examples(attributor, doc, gold)
