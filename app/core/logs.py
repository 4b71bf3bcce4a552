"""Structured logs: one JSON object per line on stderr, for log shippers to parse.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; a line
written while a request is served also has its ``request_id`` (the ``X-Request-ID`` the
client sent, or one made for it; see ``app.api.middleware``). Fields passed with
``extra=`` become fields of the line: the access line of each request carries ``method``,
``route``, ``status``, ``duration_ms`` and ``text_chars``.

The article text itself is never logged at INFO or above: it is a newsroom's unpublished
copy, and logs travel further than the response does. Only its length is.

Uvicorn's own loggers are routed through the same formatter, so a log shipper sees one
format; uvicorn's access log is turned off, since the service writes a richer one.
"""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being served in this context (None outside a request)."""

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
# uvicorn adds color_message, its message with terminal colour codes.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_") and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the service's loggers and uvicorn's, at ``level``.

    Also the ``log_config`` that ``app.server`` gives uvicorn, so its start-up lines are JSON
    too. The root logger is left alone (pytest's log capture hangs off it).
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "app": {"handlers": ["stderr"], "level": level, "propagate": True},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Replaced by the service's access line (app.access), which has the request id.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _stamp_request_id(
    factory: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make_record.stamps_request_id = True  # type: ignore[attr-defined]
    return make_record


def configure_logging(level: str) -> None:
    """Send the service's logs (``app.*``) and uvicorn's to stderr as JSON lines.

    Every record gets the ``request_id`` of the request being served when it is made (a
    record factory, so handlers that format it later, in another context, still have it).
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    logging.config.dictConfig(log_config(level))
