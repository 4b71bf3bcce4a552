"""One error format for every 4xx and 5xx: RFC 9457 problem details (``application/problem+json``).

Every error body has ``type``, ``title``, ``status``, ``detail`` and ``instance`` (the request
path); validation errors add ``errors``, a list of ``{loc, msg, type}``. ``type`` is always
``about:blank``, so ``title`` is the HTTP status phrase and the status code says what kind of
problem it is (RFC 9457, section 4.2.1); ``detail`` says what went wrong in this request.

Pydantic's error records also carry ``input`` and ``ctx``. Both are dropped here: ``input`` can
be the whole article (or a non-serialisable object), and an error body is no place to echo a
newsroom's unpublished copy back into logs and proxies.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class ValidationErrorItem(BaseModel):
    loc: list[str | int] = Field(
        description='Where the error is: `body` then the field path, e.g. `["body", "text"]`.',
        examples=[["body", "text"]],
    )
    msg: str = Field(
        description="What is wrong, for a person to read.",
        examples=["Text must contain at least one non-whitespace character"],
    )
    type: str = Field(
        description="Machine-readable error kind (pydantic's error type, e.g. `missing`, "
        "`string_type`, `string_too_long`, `json_invalid`).",
        examples=["string_blank"],
    )


class Problem(BaseModel):
    """An RFC 9457 problem details object: the body of every error response."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "about:blank",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "body.text: Field required",
                    "instance": "/v1/quotes",
                    "errors": [
                        {"loc": ["body", "text"], "msg": "Field required", "type": "missing"}
                    ],
                }
            ]
        }
    )

    type: str = Field(
        "about:blank",
        description="Problem type URI; always `about:blank` here, so `status` and `title` "
        "identify the problem.",
    )
    title: str = Field(description="The HTTP status phrase.", examples=["Unprocessable Entity"])
    status: int = Field(description="The HTTP status code, repeated.", examples=[422])
    detail: str = Field(
        description="What went wrong in this request, for a person to read.",
        examples=["body.text: Field required"],
    )
    instance: str = Field(description="The request path.", examples=["/v1/quotes"])
    errors: list[ValidationErrorItem] | None = Field(
        None, description="Validation errors, one per problem found (422 responses only)."
    )


def _printable(value: str) -> str:
    # A message may quote a JSON key a client sent, and JSON can carry lone surrogates
    # ("\ud800"), which UTF-8 cannot encode; an error body must always be encodable.
    return _LONE_SURROGATE.sub("\ufffd", value)


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8", errors="replace")


def problem_response(
    status: int,
    detail: str,
    instance: str,
    *,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": _printable(detail),
        "instance": _printable(instance),
    }
    if errors is not None:
        body["errors"] = list(errors)
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def _clean_errors(raw_errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Keep ``loc``, ``msg`` and ``type`` of pydantic's error records, as JSON-safe values."""
    cleaned = []
    for error in raw_errors:
        loc = [part if isinstance(part, int) else _printable(str(part)) for part in error["loc"]]
        msg = _printable(str(error.get("msg", "")))
        kind = str(error.get("type", "value_error"))
        if kind == "json_invalid":
            # FastAPI puts the parser's explanation in ctx, which is otherwise dropped, and
            # the character position in loc (["body", 17]).
            reason = _printable(str((error.get("ctx") or {}).get("error", "")))
            msg = f"The body is not valid JSON: {reason or msg} at character {loc[-1]}"
            loc = ["body"]
        cleaned.append({"loc": loc, "msg": msg, "type": kind})
    return cleaned


def _summarise(errors: Sequence[Mapping[str, Any]]) -> str:
    if not errors:
        return "The request is invalid."
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    summary = f"{where}: {first['msg']}" if where else first["msg"]
    if len(errors) > 1:
        summary += f" (and {len(errors) - 1} more, see `errors`)"
    return summary


async def request_validation_handler(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_errors(exc.errors())
    return problem_response(422, _summarise(errors), request.url.path, errors=errors)


async def http_exception_handler(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    headers = exc.headers or {}
    # Starlette's router raises these with the bare status phrase, and FastAPI says only
    # this when the body cannot be decoded; say what to do instead.
    if status == 400 and detail == "There was an error parsing the body":
        detail = "The body could not be read as JSON text; send it encoded as UTF-8."
    elif status == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"There is no endpoint at {request.url.path}; the API is described at /docs."
    elif status == 405 and detail == HTTPStatus.METHOD_NOT_ALLOWED.phrase:
        allowed = headers.get("Allow") or headers.get("allow")
        detail = f"{request.method} is not allowed on {request.url.path}"
        detail += f"; use {allowed}." if allowed else "."
    return problem_response(status, detail, request.url.path, headers=headers)


async def unhandled_exception_handler(request: Request, exc: Exception) -> ProblemResponse:
    # One line, no traceback: Starlette re-raises the exception after this handler so that the
    # server logs it with its traceback (uvicorn: "Exception in ASGI application").
    logger.error(
        "Unhandled %s on %s %s: answered 500",
        type(exc).__name__,
        request.method,
        request.url.path,
    )
    return problem_response(
        500,
        "The server failed to process the request; the error has been logged.",
        request.url.path,
    )


def add_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    app.add_exception_handler(Exception, unhandled_exception_handler)


_PROBLEM_DESCRIPTIONS = {
    400: "The body could not be read (e.g. it is not valid UTF-8).",
    404: "No such endpoint.",
    405: "Method not allowed on this endpoint.",
    413: "The request body is larger than QUOTES_MAX_BODY_BYTES.",
    401: "No API key: send `Authorization: Bearer <key>` (only when QUOTES_API_KEYS is set).",
    403: "The API key is not one of QUOTES_API_KEYS.",
    415: "The body is not sent as `application/json`.",
    422: "The body is not a JSON object with a usable `text` (missing, not a string, empty, "
    "longer than QUOTES_MAX_TEXT_CHARS, or with a run of more than QUOTES_MAX_WORD_CHARS "
    "characters without whitespace), or not a batch of at most QUOTES_MAX_BATCH_SIZE "
    "articles; see `errors`.",
    500: "An unexpected server error; it is logged, and the body carries no internals.",
    503: "Not now: the model is still loading (or failed to), the server is shutting down, "
    "this worker is at its limit of articles in flight (QUOTES_MAX_IN_FLIGHT), or no engine "
    "came free within QUOTES_REQUEST_TIMEOUT_SECONDS; `Retry-After` says when to try again. "
    "Without `Retry-After`: the engine did not finish this article within "
    "QUOTES_REQUEST_TIMEOUT_SECONDS and was stopped; sending it again will not help.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries documenting problem bodies for a route.

    FastAPI files an extra response's model under the route's own media type
    (``application/json``); :func:`use_problem_media_type` moves them to
    ``application/problem+json`` once the schema is generated.
    """
    return {
        status: {"model": Problem, "description": _PROBLEM_DESCRIPTIONS[status]}
        for status in statuses
    }


def use_problem_media_type(openapi_schema: dict[str, Any]) -> dict[str, Any]:
    """File every 4xx/5xx response body of the schema under ``application/problem+json``."""
    for path_item in openapi_schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return openapi_schema


_HEADERS = {
    "X-Request-ID": {
        "description": "The request's id: the `X-Request-ID` the client sent (1 to 128 of "
        "`A-Z a-z 0-9 . _ : / + = @ -`), else one made for it. Every log line about the "
        "request carries it.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "WWW-Authenticate": {
        "description": "`Bearer`: how to authenticate.",
        "schema": {"type": "string"},
    },
}


def document_operations(
    openapi_schema: dict[str, Any], open_paths: frozenset[str]
) -> dict[str, Any]:
    """Add what middleware does to every operation: the ``X-Request-ID`` response header,
    ``Retry-After`` on 503, and the optional API key (with its 401 and 403) on every path
    but ``open_paths``."""
    components = openapi_schema.setdefault("components", {})
    components.setdefault("headers", {}).update(_HEADERS)
    components.setdefault("securitySchemes", {})["apiKey"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key as a bearer token: `Authorization: Bearer <key>`. Needed "
        "only when the server is started with QUOTES_API_KEYS.",
    }
    for path, path_item in openapi_schema.get("paths", {}).items():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if path not in open_paths:
                # `{}` in the list: a server without QUOTES_API_KEYS needs no key.
                operation["security"] = [{"apiKey": []}, {}]
                for status in (401, 403):
                    responses[str(status)] = {
                        "description": _PROBLEM_DESCRIPTIONS[status],
                        "content": {
                            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    }
            for status, response in responses.items():
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = {"$ref": "#/components/headers/X-Request-ID"}
                if status == "503":
                    headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
                if status == "401":
                    headers["WWW-Authenticate"] = {"$ref": "#/components/headers/WWW-Authenticate"}
            operation["responses"] = dict(sorted(responses.items()))
    return openapi_schema
