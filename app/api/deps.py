"""Typed dependencies of the routes."""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request

from app.core.config import Settings
from app.engine.types import Attribution


class Attributor(Protocol):
    """What the HTTP layer needs from the engine; ``QuoteAttributor`` has it, tests pass fakes."""

    @property
    def model_name(self) -> str: ...

    @property
    def model_version(self) -> str: ...

    def attribute(self, text: str) -> Attribution: ...


def get_settings(request: Request) -> Settings:
    """The settings this app was built with, so ``create_app(Settings(...))`` holds everywhere."""
    return request.app.state.settings


def get_attributor(request: Request) -> Attributor:
    attributor = getattr(request.app.state, "attributor", None)
    if attributor is None:
        raise HTTPException(
            503, "The attribution model is not loaded yet; retry shortly.", {"Retry-After": "5"}
        )
    return attributor


SettingsDep = Annotated[Settings, Depends(get_settings)]
AttributorDep = Annotated[Attributor, Depends(get_attributor)]
