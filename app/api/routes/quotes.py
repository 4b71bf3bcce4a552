"""``POST /v1/quotes``: the quotations of one article, with speaker, cue and confidence."""

from __future__ import annotations

from email.message import Message
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example

from app.api.deps import EngineDep, SettingsDep
from app.api.engine_pool import EngineFailed, EngineTimeout, EngineUnavailable
from app.api.errors import Problem, ValidationErrorItem, problem_responses
from app.api.schemas import (
    EXAMPLE_RESPONSE,
    EXAMPLE_TEXT,
    BatchArticle,
    BatchRequest,
    BatchResponse,
    BatchResult,
    QuoteRequest,
    QuoteResponse,
    meta_of,
    response_of,
)
from app.core import metrics
from app.core.config import Settings
from app.core.limits import check_blank, check_text_limits

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


BATCH_EXAMPLES = {
    "batch": Example(
        summary="Two articles, one of them blank (it gets its own error)",
        value={
            "articles": [
                {"id": "a1", "text": EXAMPLE_TEXT},
                {"id": "a2", "text": " "},
            ]
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
    return response_of(result, engine.model_name, engine.model_version)


BATCH_PATH = "/v1/quotes/batch"


@router.post(
    "/quotes/batch",
    summary="Attribute the quotations of several articles",
    description="Up to QUOTES_MAX_BATCH_SIZE articles in one request, attributed together "
    "(spaCy batches them) and in parallel over the engine processes. `results` has one "
    "entry per article, in order: its `quotes`, `speakers` and `unattributed` as `POST /v1/quotes` gives "
    "them, or its own `error` (a problem object) when that article cannot be attributed. "
    "One bad article never fails the others; the request as a whole is refused only when "
    "it is not a batch (422), is too large (413, 422) or cannot start now (503).",
    dependencies=[Depends(require_json)],
    responses=problem_responses(400, 413, 415, 422, 500, 503),
)
async def attribute_batch(
    body: Annotated[BatchRequest, Body(openapi_examples=BATCH_EXAMPLES)],
    engine: EngineDep,
    settings: SettingsDep,
    request: Request,
) -> BatchResponse:
    articles = body.articles
    if len(articles) > settings.max_batch_size:
        raise RequestValidationError(
            [
                {
                    "loc": ("body", "articles"),
                    "msg": f"A batch should have at most {settings.max_batch_size} articles "
                    f"(got {len(articles)}); split it, or raise QUOTES_MAX_BATCH_SIZE",
                    "type": "too_long",
                }
            ]
        )
    request.state.text_chars = sum(len(a.text) for a in articles)
    results: list[BatchResult | None] = [None] * len(articles)
    todo: list[int] = []
    seen: set[str] = set()
    for k, article in enumerate(articles):
        metrics.TEXT_CHARS.observe(len(article.text))
        refused = _refusal(article, seen, settings)
        seen.add(article.id)
        if refused is None:
            todo.append(k)
        else:
            kind, msg = refused
            results[k] = _failed(article.id, k, 422, msg, [("text", msg, kind)])
    try:
        done = await engine.attribute_batch(
            [articles[k].text for k in todo], include_indirect=body.include_indirect
        )
    except EngineUnavailable as exc:
        raise HTTPException(503, exc.detail, {"Retry-After": str(exc.retry_after)}) from None
    for k, outcome in zip(todo, done, strict=True):
        if isinstance(outcome, EngineTimeout):
            results[k] = _failed(articles[k].id, k, 503, str(outcome))
        elif isinstance(outcome, EngineFailed):
            results[k] = _failed(
                articles[k].id,
                k,
                500,
                "The engine failed on this article; the error has been logged.",
            )
        else:
            metrics.ARTICLES.inc()
            metrics.QUOTATIONS.inc(len(outcome.quotes))
            answer = response_of(outcome, engine.model_name, engine.model_version)
            results[k] = BatchResult(
                id=articles[k].id,
                quotes=answer.quotes,
                speakers=answer.speakers,
                unattributed=answer.unattributed,
            )
    return BatchResponse(
        results=[r for r in results if r is not None],
        meta=meta_of(engine.model_name, engine.model_version),
    )


def _refusal(article: BatchArticle, seen: set[str], settings: Settings) -> tuple[str, str] | None:
    """Why one article of a batch is refused (error type, message), or None."""
    if article.id in seen:
        return "duplicate_id", f"The id {article.id!r} is used by an earlier article of the batch"
    limit = check_blank(article.text) or check_text_limits(article.text, settings)
    return None if limit is None else (limit.type, limit.msg)


def _failed(
    article_id: str,
    index: int,
    status: int,
    detail: str,
    errors: list[tuple[str, str, str]] | None = None,
) -> BatchResult:
    """An article's result that is a problem object, pointing at the article."""
    loc = ["body", "articles", index]
    return BatchResult(
        id=article_id,
        error=Problem(
            title=HTTPStatus(status).phrase,
            status=status,
            detail=detail if errors is None else f"{'.'.join(map(str, loc))}.text: {detail}",
            instance=f"{BATCH_PATH}#/articles/{index}",
            errors=None
            if errors is None
            else [
                ValidationErrorItem(loc=[*loc, field], msg=msg, type=kind)
                for field, msg, kind in errors
            ],
        ),
    )
