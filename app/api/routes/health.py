"""Liveness and readiness probes, for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from app.api.deps import EngineDep, SettingsDep
from app.api.engine_pool import EnginePool
from app.api.errors import problem_responses
from app.api.schemas import HealthStatus
from app.core import workers

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Liveness: the process is running",
    description="200 while the process runs, also while the model loads; 503 only once the "
    "engine has failed to start, which a restart may cure. Never needs an API key.",
    responses=problem_responses(503),
)
async def healthz(request: Request) -> HealthStatus:
    engine: EnginePool | None = getattr(request.app.state, "engine", None)
    if engine is not None and engine.state == "failed":
        raise HTTPException(503, engine.not_ready_reason())
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the attribution model is loaded and warm",
    description="200 once every engine process has loaded the spaCy pipeline and run a "
    "warm-up text, in every server worker (QUOTES_WORKERS); 503 with Retry-After before, "
    "after a failed start, and during shutdown. Never needs an API key.",
    responses=problem_responses(503),
)
async def readyz(_: EngineDep, settings: SettingsDep) -> HealthStatus:
    ready = workers.ready_workers()
    if ready is not None and ready < settings.workers:
        raise HTTPException(
            503,
            f"{ready} of {settings.workers} server workers have their engines ready; "
            "retry shortly.",
            {"Retry-After": "5"},
        )
    return HealthStatus(status="ok")
