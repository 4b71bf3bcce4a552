"""Readiness across the server's worker processes.

With QUOTES_WORKERS > 1, uvicorn runs several workers on one listening socket, and a
readiness probe reaches whichever accepts the connection. A worker whose engines are warm
must not call the whole server ready while another is still loading: requests would reach
the cold one and get 503. So ``python -m app.server`` gives the workers a shared folder
(``READY_DIR_ENV``); each worker puts a file named by its process id there once its engines
are ready and removes it when it stops, and /readyz counts the files of live processes
against QUOTES_WORKERS. A single worker needs no folder: its own state is the answer.
"""

from __future__ import annotations

import os
from pathlib import Path

READY_DIR_ENV = "QUOTES_WORKER_READY_DIR"


def _folder() -> Path | None:
    path = os.environ.get(READY_DIR_ENV)
    return Path(path) if path else None


def mark_ready() -> None:
    """Count this process among the ready workers."""
    folder = _folder()
    if folder is not None:
        (folder / str(os.getpid())).touch()


def mark_not_ready() -> None:
    """Stop counting this process (it is shutting down)."""
    folder = _folder()
    if folder is not None:
        (folder / str(os.getpid())).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ready_workers() -> int | None:
    """How many worker processes are ready, or None when this server keeps no count
    (a single worker). A worker that died without saying so is not counted."""
    folder = _folder()
    if folder is None:
        return None
    return sum(1 for f in folder.iterdir() if f.name.isdigit() and _alive(int(f.name)))
