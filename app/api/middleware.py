"""Pure-ASGI middleware of the HTTP layer.

Written against the ASGI interface rather than ``BaseHTTPMiddleware``, which buffers and
re-wraps the request stream and so cannot stop an oversized body while it is being read.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import problem_response


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
