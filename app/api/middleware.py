"""Pure-ASGI middleware of the HTTP layer.

Written against the ASGI interface rather than ``BaseHTTPMiddleware``, which buffers and
re-wraps the request stream and so cannot stop an oversized body while it is being read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import uuid
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import problem_response
from app.core import metrics
from app.core.logs import REQUEST_ID

access_logger = logging.getLogger("app.access")

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=@-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a body grows past the limit.

    It is an ``HTTPException`` on purpose: FastAPI turns any other exception raised while it
    reads the body into a 400, but re-raises ``HTTPException`` to the problem handlers.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit} bytes.")


class BodySizeLimitMiddleware:
    """Answer 413 to a request whose body exceeds ``max_body_bytes``.

    The declared ``Content-Length`` is checked before the app runs; a chunked body (or one
    whose header lies) is counted as it is received.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            response = problem_response(
                413, BodyTooLarge(self.max_body_bytes).detail, scope.get("path", "")
            )
            await response(scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            # Reached only when something read the body outside FastAPI's request handler
            # (which routes the exception to the problem handlers itself).
            if response_started:
                raise
            response = problem_response(413, exc.detail, scope.get("path", ""))
            await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects malformed framing; count the bytes instead
    return None


class RequestTelemetryMiddleware:
    """Gives every request an id and, once it is answered, an access log line and metrics.

    The id is the client's ``X-Request-ID`` when it is a sane token (1 to 128 characters of
    ``A-Z a-z 0-9 . _ : / + = @ -``), so a pipeline can follow one article through its
    services; otherwise a new one. It is returned in the ``X-Request-ID`` response header
    and set for every log line written while the request is served. The outermost
    middleware, so that every answer (a 413 or a 401 from another middleware included) is
    logged and counted.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = _request_id(scope.get("headers", ()))
        token = REQUEST_ID.set(request_id)
        state = scope.setdefault("state", {})
        status = 500  # what the server answers when the app raises before responding
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        metrics.HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - began
            metrics.HTTP_IN_FLIGHT.dec()
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
            metrics.HTTP_DURATION.labels(method, route).observe(duration)
            fields = {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(duration * 1000, 2),
            }
            if "text_chars" in state:
                fields["text_chars"] = state["text_chars"]
            access_logger.info("%s %s %s", method, route, status, extra=fields)
            REQUEST_ID.reset(token)


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            sent = value.decode("latin-1")
            if _GOOD_REQUEST_ID.fullmatch(sent):
                return sent
            break
    return uuid.uuid4().hex


class ApiKeyMiddleware:
    """When API keys are configured, requests need ``Authorization: Bearer <one of them>``.

    401 (with ``WWW-Authenticate: Bearer``) without a key, 403 with a wrong one. The probes
    and /metrics stay open, for orchestrators and scrapers; so do GET and HEAD of the
    editor's page (``/`` and ``/static/*``), which hold no data and which a browser loads
    without any header: the page asks for the key itself and sends it with every call to
    the API. Everything else (the API, /docs, /openapi.json) needs a key. Keys are compared as SHA-256
    digests with ``hmac.compare_digest``, against every configured key, so the time taken
    tells nothing about how much of a guess was right, nor which key matched.
    """

    OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
    PAGE_ASSETS = "/static/"

    def __init__(self, app: ASGIApp, keys: Iterable[str]) -> None:
        self.app = app
        self._digests = [_digest(key.encode("utf-8")) for key in keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._digests or self._is_open(scope):
            await self.app(scope, receive, send)
            return
        status, detail, headers = self._check(scope)
        if status is None:
            await self.app(scope, receive, send)
            return
        response = problem_response(status, detail, scope.get("path", ""), headers=headers)
        await response(scope, receive, send)

    def _is_open(self, scope: Scope) -> bool:
        path = scope["path"]
        if path in self.OPEN_PATHS:
            return True
        return scope["method"] in ("GET", "HEAD") and (
            path == "/" or path.startswith(self.PAGE_ASSETS)
        )

    def _check(self, scope: Scope) -> tuple[int | None, str, dict[str, str]]:
        authorization = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                authorization = value
                break
        scheme, _, key = authorization.strip().partition(b" ")
        key = key.strip()
        if scheme.lower() != b"bearer" or not key:
            return (
                401,
                "This server needs an API key: send 'Authorization: Bearer <key>'.",
                {"WWW-Authenticate": 'Bearer realm="quote-attribution"'},
            )
        offered = _digest(key)
        matched = False
        for digest in self._digests:
            matched |= hmac.compare_digest(offered, digest)
        if not matched:
            return 403, "The API key is not valid for this server.", {}
        return None, "", {}


def _digest(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()
