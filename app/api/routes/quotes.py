"""``POST /v1/quotes``: the quotations of one article, with speaker, cue and confidence."""

from __future__ import annotations

from email.message import Message
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example

from app import __version__
from app.api.deps import EngineDep, SettingsDep
from app.api.engine_pool import EngineTimeout, EngineUnavailable
from app.api.errors import problem_responses
from app.api.schemas import (
    EXAMPLE_RESPONSE,
    EXAMPLE_TEXT,
    CueOut,
    MentionOut,
    Meta,
    QuoteOut,
    QuoteRequest,
    QuoteResponse,
    SpeakerOut,
    SpeakerRefOut,
)
from app.core import metrics
from app.core.limits import check_text_limits
from app.engine.types import Cue, Mention, Quote, Speaker, SpeakerRef

router = APIRouter(prefix="/v1", tags=["quotes"])

REQUEST_EXAMPLES = {
    "article": Example(
        summary="An article with a direct and a partial quotation",
        value={"text": EXAMPLE_TEXT},
    ),
    "no_quotes": Example(
        summary="No quotations: empty lists",
        value={"text": "The central bank left interest rates unchanged on Thursday."},
    ),
    "indirect": Example(
        summary="Reported speech too (include_indirect)",
        value={
            "text": "A further meeting will take place in May in Tokyo, the minister said "
            'on Friday. "We are not there yet," she added.',
            "include_indirect": True,
        },
    ),
}


async def require_json(request: Request) -> None:
    """Accept ``application/json`` and ``application/*+json`` bodies only.

    A missing Content-Type is refused too (FastAPI's strict content type): browsers can
    send such a request cross-site without a CORS preflight.
    """
    message = Message()
    message["content-type"] = request.headers.get("content-type", "")
    subtype = message.get_content_subtype()
    if message.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        sent = request.headers.get("content-type") or "no Content-Type"
        raise HTTPException(
            415, f"Send the body as JSON with 'Content-Type: application/json' (got {sent})."
        )


@router.post(
    "/quotes",
    summary="Attribute the quotations of an article",
    description="Finds every quotation in the text and, for each, who said it (the speaker "
    "and the mention that names them), the cue (speech verb) and a confidence. Text with no "
    "quotations gives empty lists.",
    dependencies=[Depends(require_json)],
    responses={
        200: {"content": {"application/json": {"example": EXAMPLE_RESPONSE}}},
        **problem_responses(400, 413, 415, 422, 500, 503),
    },
)
async def attribute_quotes(
    body: Annotated[QuoteRequest, Body(openapi_examples=REQUEST_EXAMPLES)],
    engine: EngineDep,
    settings: SettingsDep,
    request: Request,
) -> QuoteResponse:
    # Async: the engine runs in its own processes (app.api.engine_pool), not on this loop.
    request.state.text_chars = len(body.text)  # for the access log line; never the text
    metrics.TEXT_CHARS.observe(len(body.text))
    limit = check_text_limits(body.text, settings)
    if limit is not None:
        raise RequestValidationError(
            [{"loc": ("body", "text"), "msg": limit.msg, "type": limit.type}]
        )
    try:
        result = await engine.attribute(body.text, include_indirect=body.include_indirect)
    except EngineUnavailable as exc:
        raise HTTPException(503, exc.detail, {"Retry-After": str(exc.retry_after)}) from None
    except EngineTimeout as exc:
        # 503 without Retry-After: the same article would overrun again.
        raise HTTPException(503, str(exc)) from None
    metrics.ARTICLES.inc()
    metrics.QUOTATIONS.inc(len(result.quotes))
    return QuoteResponse(
        quotes=[_quote(quote) for quote in result.quotes],
        speakers=[_speaker(speaker) for speaker in result.speakers],
        meta=Meta(
            model=engine.model_name,
            model_version=engine.model_version,
            service_version=__version__,
        ),
    )


def _mention(mention: Mention) -> MentionOut:
    return MentionOut(text=mention.text, start=mention.start, end=mention.end)


def _speaker_ref(ref: SpeakerRef) -> SpeakerRefOut:
    return SpeakerRefOut(
        id=ref.entity_id, name=ref.name, mention=_mention(ref.mention), resolution=ref.resolution
    )


def _cue(cue: Cue) -> CueOut:
    return CueOut(text=cue.text, lemma=cue.lemma, start=cue.start, end=cue.end)


def _quote(quote: Quote) -> QuoteOut:
    return QuoteOut(
        id=quote.id,
        text=quote.text,
        start=quote.start,
        end=quote.end,
        kind=quote.kind,
        speaker=_speaker_ref(quote.speaker) if quote.speaker is not None else None,
        cue=_cue(quote.cue) if quote.cue is not None else None,
        confidence=quote.confidence,
    )


def _speaker(speaker: Speaker) -> SpeakerOut:
    return SpeakerOut(
        id=speaker.id,
        name=speaker.name,
        label=speaker.label,
        mentions=[_mention(mention) for mention in speaker.mentions],
        quote_ids=list(speaker.quote_ids),
    )
