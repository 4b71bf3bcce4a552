"""Builds the FastAPI app: settings, lifespan (the engine loads here, once), errors, routes.

Run it with ``./scripts/serve.sh`` (uvicorn ``app.main:app``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

import app as package
from app.api.deps import Attributor
from app.api.docs import add_docs
from app.api.errors import add_problem_handlers, use_problem_media_type
from app.api.main import api_router
from app.api.middleware import BodySizeLimitMiddleware
from app.core.config import Settings, get_settings
from app.engine import QuoteAttributor

logger = logging.getLogger(__name__)

DESCRIPTION = (
    f"{package.__doc__}\n\n"
    "Post an article to `POST /v1/quotes`; the answer lists every quotation with its speaker, "
    "cue (speech verb) and a confidence. All offsets are Python string offsets (code points) "
    "into the submitted text. Every error is an RFC 9457 problem (`application/problem+json`)."
)


def configure_logging(level: str) -> None:
    """Send the service's own logs (``app.*``) to stderr like uvicorn's, at ``level``.

    Uvicorn configures only its own loggers; without a handler here, INFO lines such as
    "Ready" would be dropped.
    """
    app_logger = logging.getLogger("app")
    app_logger.setLevel(level.upper())
    if not app_logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        app_logger.addHandler(handler)


def route_name(route: APIRoute) -> str:
    """The operationId of a route is its function's name, so it never churns."""
    return route.name


def create_app(
    settings: Settings | None = None, *, attributor: Attributor | None = None
) -> FastAPI:
    """Build the app. ``attributor`` replaces the engine the lifespan would load (tests pass fakes)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if attributor is not None:
            app.state.attributor = attributor
        else:
            logger.info("Loading spaCy pipeline %s", settings.spacy_model)
            app.state.attributor = QuoteAttributor.load(settings.spacy_model, settings.models_dir)
        logger.info(
            "Ready: %s %s", app.state.attributor.model_name, app.state.attributor.model_version
        )
        yield
        app.state.attributor = None

    app = FastAPI(
        title="Quote attribution",
        description=DESCRIPTION,
        version=package.__version__,
        lifespan=lifespan,
        generate_unique_id_function=route_name,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.attributor = None  # /readyz answers 503 until the lifespan sets it

    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    add_problem_handlers(app)
    app.include_router(api_router)
    add_docs(app)

    generate_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = use_problem_media_type(generate_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


app = create_app()
