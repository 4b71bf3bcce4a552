"""Engine results as predictions in the reference scorer's format, without HTTP.

``prediction_quotes`` does to an ``Attribution`` what the reference client
``shared/eval/predict_http.py`` (its ``convert``) does to the ``POST /v1/quotes`` response,
so scoring the engine directly gives the numbers the service would get:

- ``speaker`` is the name of the speaker entity (the ``speakers`` record the quote's
  speaker points to), falling back to the quote's own speaker name;
- ``speaker_spans`` is the quote's attributing mention, then every mention of that
  entity, so a resolved "he" counts where the gold names that "he";
- ``kind`` and ``confidence`` are copied as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.engine import Attribution, QuoteAttributor
from app.evaluation.metrics import PredictedQuote, Prediction


def prediction_quotes(
    attribution: Attribution, with_unattributed: bool = False
) -> list[PredictedQuote]:
    """The attribution's quotes in the scorer's format, in the engine's order; with
    ``with_unattributed``, its unattributed quote-marked words too, as quotes without a
    speaker (confidence 0), to measure what listing them apart changes."""
    speakers = {s.id: s for s in attribution.speakers}
    out: list[PredictedQuote] = []
    for quote in attribution.quotes:
        name: str | None = None
        spans: list[list[int]] = []
        if quote.speaker is not None:
            entity = speakers.get(quote.speaker.entity_id)
            name = (entity.name if entity else None) or quote.speaker.name
            spans.append([quote.speaker.mention.start, quote.speaker.mention.end])
            if entity is not None:
                spans.extend([m.start, m.end] for m in entity.mentions)
        out.append(
            {
                "start": quote.start,
                "end": quote.end,
                "kind": quote.kind,
                "speaker": name,
                "speaker_spans": spans,
                "confidence": quote.confidence,
            }
        )
    if with_unattributed:
        out += [
            {
                "start": u.start,
                "end": u.end,
                "kind": "direct",
                "speaker": None,
                "speaker_spans": [],
                "confidence": 0.0,
            }
            for u in attribution.unattributed
        ]
    return out


def prediction(
    article_id: str, attribution: Attribution, with_unattributed: bool = False
) -> Prediction:
    """One line of a predictions file."""
    return {"id": article_id, "quotes": prediction_quotes(attribution, with_unattributed)}


def predict_articles(
    attributor: QuoteAttributor,
    articles: Iterable[Mapping[str, Any]],
    batch_size: int = 16,
    include_indirect: bool = False,
    with_unattributed: bool = False,
) -> Iterator[Prediction]:
    """Run the engine over articles (``{"id", "text", ...}``), parsed in batches, and yield
    one prediction per article, in order; with ``include_indirect``, reported speech too;
    with ``with_unattributed``, the unattributed quote-marked words (``prediction_quotes``)."""
    articles = list(articles)
    results = attributor.attribute_many(
        (a["text"] for a in articles), batch_size=batch_size, include_indirect=include_indirect
    )
    for article, attribution in zip(articles, results, strict=True):
        yield prediction(article["id"], attribution, with_unattributed)
