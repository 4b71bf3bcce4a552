"""``GET /metrics``: the service's metrics in Prometheus' text format (see app.core.metrics)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.core.metrics import render

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Metrics in Prometheus' text format",
    description="Requests by route and status, latency histograms, articles and quotations "
    "processed, article sizes, engine load time, busy and waiting engines, requests in "
    "flight. With several workers, the sum over all of them. Never needs an API key.",
    response_class=Response,
    responses={
        200: {
            "description": "The metrics, in the Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics() -> Response:
    body, content_type = render()
    return Response(body, media_type=content_type)
