"""Engine results to scorer predictions, on a hand-built ``Attribution``: the same records the
reference client (``shared/eval/predict_http.py``) makes from the HTTP response."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from app.engine import Attribution, Mention, Quote, Speaker, SpeakerRef
from app.evaluation.predict import predict_articles, prediction, prediction_quotes
from tests.evaluation.conftest import REFERENCE_CLIENT

TEXT = (
    'Sergei Lavrov said talks were "going nowhere". "We see no point," he told reporters. '
    '"It is over." Officials called it "a pause" and the "Daily Post" agreed.'
)
LAVROV = Mention("Sergei Lavrov", 0, 13)
HE = Mention("he", 66, 68)
OFFICIALS = Mention("Officials", 99, 108)


def quote(qid: str, text: str, kind: str, ref: SpeakerRef | None, confidence: float) -> Quote:
    start = TEXT.index(text)
    return Quote(qid, text, start, start + len(text), kind, ref, None, confidence)  # type: ignore[arg-type]


ATTRIBUTION = Attribution(
    quotes=(
        quote(
            "q1", "going nowhere", "partial", SpeakerRef("s1", "Lavrov", LAVROV, "explicit"), 0.88
        ),
        quote("q2", "We see no point,", "direct", SpeakerRef("s1", "he", HE, "pronoun"), 0.9),
        quote("q3", "It is over.", "direct", SpeakerRef("s1", "he", HE, "continuation"), 0.7),
        # An entity missing from `speakers`: the quote's own name and mention are all there is.
        quote("q4", "a pause", "partial", SpeakerRef("s9", "Officials", OFFICIALS, "nominal"), 0.6),
        quote("q5", "Daily Post", "partial", None, 0.05),
    ),
    speakers=(Speaker("s1", "Sergei Lavrov", "PERSON", (LAVROV, HE), ("q1", "q2", "q3")),),
)

EXPECTED = [
    {
        "start": 31,
        "end": 44,
        "kind": "partial",
        "speaker": "Sergei Lavrov",
        "speaker_spans": [[0, 13], [0, 13], [66, 68]],
        "confidence": 0.88,
    },
    {
        "start": 48,
        "end": 64,
        "kind": "direct",
        "speaker": "Sergei Lavrov",
        "speaker_spans": [[66, 68], [0, 13], [66, 68]],
        "confidence": 0.9,
    },
    {
        "start": 86,
        "end": 97,
        "kind": "direct",
        "speaker": "Sergei Lavrov",
        "speaker_spans": [[66, 68], [0, 13], [66, 68]],
        "confidence": 0.7,
    },
    {
        "start": 120,
        "end": 127,
        "kind": "partial",
        "speaker": "Officials",
        "speaker_spans": [[99, 108]],
        "confidence": 0.6,
    },
    {
        "start": 138,
        "end": 148,
        "kind": "partial",
        "speaker": None,
        "speaker_spans": [],
        "confidence": 0.05,
    },
]


def test_offsets_of_the_hand_built_attribution():
    for q in ATTRIBUTION.quotes:
        assert TEXT[q.start : q.end] == q.text
    for m in (LAVROV, HE, OFFICIALS):
        assert TEXT[m.start : m.end] == m.text


def test_prediction_quotes():
    assert prediction_quotes(ATTRIBUTION) == EXPECTED


def test_prediction_line():
    assert prediction("art-1", ATTRIBUTION) == {"id": "art-1", "quotes": EXPECTED}
    assert prediction("empty", Attribution()) == {"id": "empty", "quotes": []}


def http_response(attribution: Attribution) -> dict[str, Any]:
    """The ``POST /v1/quotes`` body for an attribution, as the API schema names its fields."""

    def mention(m: Mention) -> dict[str, Any]:
        return {"text": m.text, "start": m.start, "end": m.end}

    return {
        "quotes": [
            {
                "id": q.id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker": None
                if q.speaker is None
                else {
                    "id": q.speaker.entity_id,
                    "name": q.speaker.name,
                    "mention": mention(q.speaker.mention),
                    "resolution": q.speaker.resolution,
                },
                "cue": None,
                "confidence": q.confidence,
            }
            for q in attribution.quotes
        ],
        "speakers": [
            {
                "id": s.id,
                "name": s.name,
                "label": s.label,
                "mentions": [mention(m) for m in s.mentions],
                "quote_ids": list(s.quote_ids),
            }
            for s in attribution.speakers
        ],
    }


def test_same_as_reference_client_conversion():
    if not REFERENCE_CLIENT.exists():
        pytest.skip(f"the reference client is not at {REFERENCE_CLIENT} (no ../shared copy)")
    spec = importlib.util.spec_from_file_location("predict_http", REFERENCE_CLIENT)
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    assert prediction_quotes(ATTRIBUTION) == reference.convert(http_response(ATTRIBUTION))


class FakeAttributor:
    """Answers every text with the hand-built attribution; records the batch size asked for."""

    def __init__(self) -> None:
        self.batch_size: int | None = None

    def attribute_many(
        self, texts: Iterable[str], batch_size: int = 16, include_indirect: bool = False
    ) -> Iterator[Attribution]:
        self.batch_size = batch_size
        self.include_indirect = include_indirect
        for text in texts:
            yield ATTRIBUTION if text else Attribution()


def test_predict_articles_keeps_article_order():
    articles = [{"id": "a", "text": TEXT}, {"id": "b", "text": ""}]
    attributor = FakeAttributor()
    out = list(predict_articles(attributor, articles, batch_size=4))  # type: ignore[arg-type]
    assert out == [{"id": "a", "quotes": EXPECTED}, {"id": "b", "quotes": []}]
    assert attributor.batch_size == 4
