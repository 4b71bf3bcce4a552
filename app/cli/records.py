"""What the command line reads and writes: checked input, answers and problems as JSON.

An answer has exactly the shape of ``POST /v1/quotes`` (it is built with the API's own
response model), and an article is checked as the API checks it: the API's request model
(blank text, lone surrogates replaced by U+FFFD) and the API's limits (``app.core.limits``),
so a file and a request are accepted or refused alike. A refused line becomes a problem in
the API's RFC 9457 format (``type``, ``title``, ``status``, ``detail``, and ``errors`` with
each ``loc``, ``msg`` and ``type``); ``type`` is always ``about:blank``, as in the API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from app.api.schemas import QuoteRequest, response_of
from app.core.config import Settings
from app.core.limits import check_text_limits
from app.engine.types import Attribution

ErrorItem = dict[str, Any]
"""One error of a problem: ``{"loc": [...], "msg": ..., "type": ...}``, as the API's."""


def response_body(result: Attribution) -> dict[str, Any]:
    """The engine's result as the body ``POST /v1/quotes`` answers with: quotes, speakers,
    unattributed, meta."""
    return response_of(result).model_dump(mode="json")


def problem(status: int, detail: str, errors: list[ErrorItem] | None = None) -> dict[str, Any]:
    """An RFC 9457 problem as the API writes it, without ``instance`` (there is no request)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def invalid(errors: list[ErrorItem]) -> dict[str, Any]:
    """A 422 problem for input errors, with the API's ``detail``: the first error, and a count."""
    first = errors[0]
    detail = f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more, see `errors`)"
    return problem(422, detail, errors)


def engine_failed(exc: BaseException) -> dict[str, Any]:
    """A 500 problem for an article the engine raised on. Unlike the API's, it names the
    exception: whoever runs the command is the operator who would read the server's log."""
    reason = f"{type(exc).__name__}: {exc}"
    if len(reason) > 300:
        reason = reason[:300] + "..."
    return problem(500, f"The engine failed on this article ({reason}).")


def engine_died() -> dict[str, Any]:
    """A 500 problem for an article on which the engine's process died, even when run alone."""
    return problem(
        500,
        "The engine's process died on this article (sent again on its own, it died again).",
    )


def check_text(value: object, settings: Settings) -> tuple[str | None, list[ErrorItem]]:
    """The text as the engine should see it, or the reasons it is refused (``loc`` ``text``).

    ``value`` is what the input holds under ``text``: anything, a missing one included
    (``MISSING``). The API's request model checks it first (missing, not a string, blank;
    it replaces lone surrogates), then the API's limits (``app.core.limits``).
    """
    try:
        request = QuoteRequest.model_validate({} if value is MISSING else {"text": value})
    except ValidationError as exc:
        return None, [
            {"loc": ["text"], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False)
        ]
    limit = check_text_limits(request.text, settings)
    if limit is not None:
        return None, [{"loc": ["text"], "msg": limit.msg, "type": limit.type}]
    return request.text, []


MISSING: Any = object()
"""``check_text``'s value for an input without a text."""


@dataclass(slots=True)
class InputLine:
    """One line of an input JSONL, checked: its id and text, or why it cannot be attributed."""

    number: int
    """1-based line number in the input."""
    id: str | None = None
    """The article's id when the line has a usable one (a non-empty string), else None."""
    text: str | None = None
    errors: list[ErrorItem] = field(default_factory=list)


def parse_line(raw: bytes, number: int, settings: Settings) -> InputLine:
    """Check one input line: JSON object, string ``id``, ``text`` as the API would take it.

    Every problem of the line is listed, so one pass over the file says all that is wrong.
    Duplicate ids are not checked here: that needs the lines before (see ``app.cli.jsonl``).
    """
    line = InputLine(number)
    try:
        # From bytes, as the API reads a body: UTF-8 (a BOM is allowed), and surrogates
        # written as raw bytes (WTF-8) read as lone surrogates, which check_text replaces.
        obj = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        reason = "the line is empty" if not raw.strip() else str(exc) or type(exc).__name__
        line.errors.append(
            {
                "loc": ["line"],
                "msg": f"The line is not valid JSON: {reason}",
                "type": "json_invalid",
            }
        )
        return line
    if not isinstance(obj, dict):
        line.errors.append(
            {
                "loc": ["line"],
                "msg": 'The line should be a JSON object, {"id": ..., "text": ...}',
                "type": "model_attributes_type",
            }
        )
        return line
    if "id" not in obj:
        line.errors.append({"loc": ["id"], "msg": "Field required", "type": "missing"})
    elif not isinstance(obj["id"], str):
        line.errors.append(
            {"loc": ["id"], "msg": "Input should be a valid string", "type": "string_type"}
        )
    elif not obj["id"]:
        line.errors.append(
            {
                "loc": ["id"],
                "msg": "String should have at least 1 character",
                "type": "string_too_short",
            }
        )
    else:
        line.id = obj["id"]
    line.text, text_errors = check_text(obj.get("text", MISSING), settings)
    line.errors += text_errors
    return line


def dumps(record: dict[str, Any]) -> str:
    """One JSON line, UTF-8 text as it is; ``\\u`` escapes only when the record holds a lone
    surrogate (an id can), which UTF-8 cannot encode but the escape keeps exactly."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(record, separators=(",", ":"))
    return text


def answer_line(article_id: str, result: Attribution) -> str:
    """The output line of an attributed article: ``{"id", "quotes", "speakers", "unattributed", "meta"}``."""
    return dumps({"id": article_id, **response_body(result)})


def error_line(article_id: str | None, number: int, problem_body: dict[str, Any]) -> str:
    """The output line of a line that has no answer: ``{"id", "line", "error"}``."""
    return dumps({"id": article_id, "line": number, "error": problem_body})
