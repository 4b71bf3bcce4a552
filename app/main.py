"""Builds the FastAPI app: settings, lifespan (the engine processes start here), middleware,
errors, routes.

Run it with ``./scripts/serve.sh`` or ``python -m app.server`` (the container's command),
which start uvicorn on ``app.main:app`` with QUOTES_WORKERS processes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

import app as package
from app.api.docs import add_docs
from app.api.engine_pool import Engine, EnginePool
from app.api.errors import add_problem_handlers, document_operations, use_problem_media_type
from app.api.main import api_router
from app.api.middleware import (
    ApiKeyMiddleware,
    BodySizeLimitMiddleware,
    RequestTelemetryMiddleware,
)
from app.core import metrics, workers
from app.core.config import Settings, get_settings
from app.core.logs import configure_logging

logger = logging.getLogger(__name__)

DESCRIPTION = (
    f"{package.__doc__}\n\n"
    "Post an article to `POST /v1/quotes`; the answer lists every quotation with its speaker, "
    "cue (speech verb) and a confidence. All offsets are Python string offsets (code points) "
    "into the submitted text. Every error is an RFC 9457 problem (`application/problem+json`)."
)


def route_name(route: APIRoute) -> str:
    """The operationId of a route is its function's name, so it never churns."""
    return route.name


def create_app(settings: Settings | None = None, *, attributor: Engine | None = None) -> FastAPI:
    """Build the app.

    ``attributor`` replaces the engine processes the lifespan would start with an engine
    object that is loaded and warm already, run in threads (tests pass fakes).
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if attributor is not None:
            engine = EnginePool.of_engine(
                attributor,
                threads=settings.engine_processes,
                max_in_flight=settings.max_in_flight,
                timeout_seconds=settings.request_timeout_seconds,
            )
            await engine.start()
            workers.mark_ready()
            starting = None
        else:
            engine = EnginePool.of_processes(
                settings.spacy_model,
                settings.models_dir,
                processes=settings.engine_processes,
                max_in_flight=settings.max_in_flight,
                timeout_seconds=settings.request_timeout_seconds,
            )
            logger.info(
                "Loading spaCy pipeline %s in %d engine process(es)",
                settings.spacy_model,
                settings.engine_processes,
            )
            # In the background: /healthz answers at once, /readyz says 503 until warm.
            starting = asyncio.create_task(engine.start())
            starting.add_done_callback(
                lambda _: workers.mark_ready() if engine.state == "ready" else None
            )
        app.state.engine = engine
        try:
            yield
        finally:
            workers.mark_not_ready()
            if starting is not None:
                await asyncio.wait([starting], timeout=120)
            await engine.close()
            metrics.forget_this_process()

    app = FastAPI(
        title="Quote attribution",
        description=DESCRIPTION,
        version=package.__version__,
        lifespan=lifespan,
        generate_unique_id_function=route_name,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = None  # /readyz answers 503 until the lifespan starts the engines

    # Added inner to outer: every answer, a refusal by the outer ones included, is logged
    # and counted; CORS preflights are answered before the key is checked.
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(ApiKeyMiddleware, keys=[key.get_secret_value() for key in settings.api_keys])
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestTelemetryMiddleware)
    add_problem_handlers(app)
    app.include_router(api_router)
    if settings.docs_enabled:
        add_docs(app)

    generate_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_operations(
                use_problem_media_type(generate_openapi()), ApiKeyMiddleware.OPEN_PATHS
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


app = create_app()
