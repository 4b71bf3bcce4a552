"""/readyz with several server workers: ready only when every worker's engines are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.workers import READY_DIR_ENV, ready_workers

from .fakes import MakeClient


@pytest.fixture
def ready_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(READY_DIR_ENV, str(tmp_path))
    return tmp_path


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_without_a_shared_folder_there_is_no_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(READY_DIR_ENV, raising=False)
    assert ready_workers() is None


def test_a_ready_worker_is_not_the_whole_server(make_client: MakeClient, ready_dir: Path) -> None:
    client = make_client(workers=2)
    assert (ready_dir / str(os.getpid())).exists()  # this worker marked itself ready

    response = client.get("/readyz")
    assert response.status_code == 503
    assert "1 of 2 server workers" in response.json()["detail"]
    assert response.headers["Retry-After"] == "5"

    (ready_dir / str(_dead_pid())).touch()  # a worker that died: not counted
    assert client.get("/readyz").status_code == 503

    (ready_dir / str(os.getppid())).touch()  # another live worker
    assert client.get("/readyz").status_code == 200
