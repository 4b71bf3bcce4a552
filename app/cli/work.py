"""The work of a worker: attribute a chunk of articles with an engine loaded once per process.

The same functions run in this process (``--processes 1``), in the local worker processes
and on Dask workers; they return finished output lines, so the process that writes the
output only writes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from app.cli.records import answer_line, engine_failed, error_line
from app.core.config import Settings
from app.engine.assets import default_models_dir
from app.engine.types import Attribution

EngineSpec = tuple[str, str | None]
"""Which engine to load: the spaCy pipeline, and the folder of model assets as a string, or
None for the assets of the installation that loads it (a Dask worker's may be elsewhere)."""

Article = tuple[int, str, str]
"""An article to attribute: its input line number, id and text."""

Chunk = list[Article]

Output = list[tuple[bool, str]]
"""Output lines, each with whether it is an answer (True) or an error line (False)."""


class Engine(Protocol):
    """What a worker needs of the engine; ``QuoteAttributor`` has it, tests pass wrappers."""

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution: ...

    def attribute_many(
        self, texts: Iterable[str], batch_size: int = 16, include_indirect: bool = False
    ) -> Iterator[Attribution]: ...


class EngineLoadError(Exception):
    """The engine could not be loaded: no article can be attributed, so the command stops."""


_ENGINES: dict[EngineSpec, Engine] = {}
_LOAD_LOCK = threading.Lock()


def engine_spec(settings: Settings) -> EngineSpec:
    """The engine the service would load with these settings."""
    models_dir = settings.models_dir
    return settings.spacy_model, None if models_dir == default_models_dir() else str(models_dir)


def load_engine(spec: EngineSpec) -> Engine:
    """The engine of ``spec``, loaded on the first call in this process and kept."""
    with _LOAD_LOCK:  # a Dask worker with several threads must not load it twice
        engine = _ENGINES.get(spec)
        if engine is None:
            from app.engine import QuoteAttributor

            model, models_dir = spec
            try:
                engine = QuoteAttributor.load(model, Path(models_dir) if models_dir else None)
            except Exception as exc:
                raise EngineLoadError(
                    f"could not load the engine ({model}, models in "
                    f"{models_dir or default_models_dir()}): "
                    f"{type(exc).__name__}: {exc}"
                ) from None
            _ENGINES[spec] = engine
    return engine


def attribute_chunk(
    engine: Engine, chunk: Chunk, batch_size: int, include_indirect: bool
) -> Output:
    """One output line per article of ``chunk``, parsed in batches with ``attribute_many``.

    When the engine raises, the batch's remaining articles are attributed one by one, so
    only the article it raises on becomes an error line.
    """
    out: Output = []
    texts = [text for _, _, text in chunk]
    try:
        results = engine.attribute_many(
            texts, batch_size=batch_size, include_indirect=include_indirect
        )
        for (_, article_id, _), result in zip(chunk, results, strict=True):
            out.append((True, answer_line(article_id, result)))
    except Exception:
        # nlp.pipe parses ahead, so which article raised is not known: take each alone.
        for number, article_id, text in chunk[len(out) :]:
            try:
                result = engine.attribute(text, include_indirect=include_indirect)
                out.append((True, answer_line(article_id, result)))
            except Exception as exc:
                out.append((False, error_line(article_id, number, engine_failed(exc))))
    return out


def run_chunk(spec: EngineSpec, chunk: Chunk, batch_size: int, include_indirect: bool) -> Output:
    """The task a worker runs: ``attribute_chunk`` with this process's engine."""
    return attribute_chunk(load_engine(spec), chunk, batch_size, include_indirect)


def ignore_sigint() -> None:
    """Initializer of local worker processes: Ctrl-C reaches the whole process group, and the
    command, not each worker, decides what happens then (it stops them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
