"""``GET /``: the editor's page, and ``/static/*``: its CSS, JavaScript and speaker palette.

The page (``app/web/``) is served by this app itself, with no CDN and no build step, so it
works offline and behind a newsroom firewall. It is a client of the public API like any
other (it posts to ``POST /v1/quotes``), so these routes are left out of the OpenAPI schema.

The files are read once and kept in memory (a few kilobytes). Only files that exist in
``app/web/static/`` at start-up can be asked for, which rules out path tricks by
construction. Every response carries an ETag and ``Cache-Control: no-cache``: browsers
revalidate, and a new release is never hidden behind a stale script.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException, Request, Response

router = APIRouter(include_in_schema=False, tags=["page"])

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

# The page shows untrusted article text; it does so with DOM text nodes only, and this
# policy makes sure nothing else could run: own scripts and styles only, no inline code,
# requests to this service only, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


def _asset(name: str, body: bytes) -> Asset:
    suffix = name[name.rfind(".") :] if "." in name else ""
    media_type = MEDIA_TYPES.get(suffix, "application/octet-stream")
    return Asset(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@cache
def web_assets() -> tuple[Asset, dict[str, Asset]]:
    """The page itself and the files of ``static/`` by name."""
    web = files("app.web")
    static = {
        entry.name: _asset(entry.name, entry.read_bytes())
        for entry in web.joinpath("static").iterdir()
        if entry.is_file() and not entry.name.startswith(".")
    }
    return _asset("index.html", web.joinpath("index.html").read_bytes()), static


def _serve(asset: Asset, request: Request, headers: dict[str, str] | None = None) -> Response:
    all_headers = {"ETag": asset.etag, "Cache-Control": "no-cache", **(headers or {})}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=all_headers)
    body = b"" if request.method == "HEAD" else asset.body
    response = Response(body, media_type=asset.media_type, headers=all_headers)
    response.headers["Content-Length"] = str(len(asset.body))
    return response


@router.api_route("/", methods=["GET", "HEAD"])
def page(request: Request) -> Response:
    index, _ = web_assets()
    return _serve(index, request, SECURITY_HEADERS)


@router.api_route("/static/{name}", methods=["GET", "HEAD"])
def static_asset(name: str, request: Request) -> Response:
    _, static = web_assets()
    asset = static.get(name)
    if asset is None:
        raise HTTPException(404, f"There is no page asset named {name!r}.")
    return _serve(asset, request, {"X-Content-Type-Options": "nosniff"})
