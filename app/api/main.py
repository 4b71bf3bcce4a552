"""All routes of the HTTP API."""

from fastapi import APIRouter

from app.api.routes import health, metrics, page, quotes

api_router = APIRouter()
api_router.include_router(quotes.router)
api_router.include_router(health.router)
api_router.include_router(metrics.router)
api_router.include_router(page.router)  # the editor's page at /, not in the schema
