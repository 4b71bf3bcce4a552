"""All routes of the HTTP API."""

from fastapi import APIRouter

from app.api.routes import health, quotes

api_router = APIRouter()
api_router.include_router(quotes.router)
api_router.include_router(health.router)
