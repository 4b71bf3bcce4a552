"""The API docs pages (Swagger UI at /docs, ReDoc at /redoc) served with their own assets.

FastAPI's defaults load Swagger UI from a public CDN, which leaves a blank page behind a
newsroom firewall or offline. The same files ship in the ``fastapi-offline`` wheel
(Swagger UI 5, which renders OpenAPI 3.1); they are served from this app instead.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from local assets (the app must be built with docs_url=None)."""
    app.mount(
        ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-assets"
    )
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
