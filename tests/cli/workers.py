"""Stand-ins for ``app.cli.work.run_chunk`` that worker processes import by name."""

from __future__ import annotations

import os

from app.cli.work import Chunk, EngineSpec, Output

DIES = "this article kills its worker process"


def echo_or_die(spec: EngineSpec, chunk: Chunk, batch_size: int, include_indirect: bool) -> Output:
    """Answers each article with its own text, and dies, as a crash in C would, on ``DIES``."""
    if any(text == DIES for _, _, text in chunk):
        os._exit(70)
    return [(True, f"{number} {text}") for number, _, text in chunk]
