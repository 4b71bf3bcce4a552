"""Typed dependencies of the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.api.engine_pool import EnginePool
from app.core.config import Settings


def get_settings(request: Request) -> Settings:
    """The settings this app was built with, so ``create_app(Settings(...))`` holds everywhere."""
    return request.app.state.settings


def get_engine(request: Request) -> EnginePool:
    """The worker's engines; 503 until the lifespan has started them and they are warm."""
    engine: EnginePool | None = getattr(request.app.state, "engine", None)
    if engine is None or engine.state != "ready":
        reason = engine.not_ready_reason() if engine else "The server is starting; retry shortly."
        raise HTTPException(503, reason, {"Retry-After": "5"})
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[EnginePool, Depends(get_engine)]
