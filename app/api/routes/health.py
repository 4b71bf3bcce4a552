"""Liveness and readiness probes, for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import AttributorDep
from app.api.errors import problem_responses
from app.api.schemas import HealthStatus

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process is running")
async def healthz() -> HealthStatus:
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the attribution model is loaded",
    responses=problem_responses(503),
)
async def readyz(_: AttributorDep) -> HealthStatus:
    return HealthStatus(status="ok")
