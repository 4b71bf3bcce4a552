"""Start the service: ``python -m app.server``, the container's command (scripts/serve.sh too).

Runs uvicorn on ``app.main:app`` at QUOTES_HOST:QUOTES_PORT with QUOTES_WORKERS processes;
every worker reads the other QUOTES_* settings itself. Logs are JSON lines from the first
one (``app.core.logs``).

Several workers means several processes, and a Prometheus scrape reaches one of them. So
when QUOTES_WORKERS > 1 the workers keep their metrics in files of a shared folder
(``PROMETHEUS_MULTIPROC_DIR``; one is made in the temporary folder if it is not set), and
whichever answers /metrics sums them all. The folder is emptied here first: files left by
an earlier run would be summed in. Likewise /readyz counts the ready workers in a shared
folder made here (``app.core.workers``), so the server is ready only when all of them are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import uvicorn

from app.core.config import Settings
from app.core.logs import log_config
from app.core.metrics import MULTIPROC_ENV
from app.core.workers import READY_DIR_ENV


def prepare_metrics_dir(workers: int) -> tuple[str | None, bool]:
    """Set up the multiprocess metrics folder; returns it (or None) and whether it was made here."""
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        if workers == 1:
            return None, False
        path = tempfile.mkdtemp(prefix="quotes-metrics-")
        os.environ[MULTIPROC_ENV] = path  # inherited by the workers, read at their import
        return path, True
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return path, False


def main() -> None:
    settings = Settings()
    path, made_here = prepare_metrics_dir(settings.workers)
    ready_dir = None
    if settings.workers > 1:
        # Inherited by the workers: each marks itself ready there (app.core.workers).
        ready_dir = tempfile.mkdtemp(prefix="quotes-ready-")
        os.environ[READY_DIR_ENV] = ready_dir
    try:
        uvicorn.run(
            "app.main:app",
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=log_config(settings.log_level),
            server_header=False,
            # Requests in progress get this long to finish at SIGTERM; keep it below the
            # orchestrator's grace period (Kubernetes: 30 s).
            timeout_graceful_shutdown=25,
        )
    finally:
        if made_here and path:
            shutil.rmtree(path, ignore_errors=True)
        if ready_dir is not None:
            shutil.rmtree(ready_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
