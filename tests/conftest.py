"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The real service: the lifespan starts the engine processes once per session; ready."""
    with TestClient(create_app()) as test_client:
        wait_until_ready(test_client)
        yield test_client


def wait_until_ready(client: TestClient | httpx.Client, timeout: float = 120) -> None:
    """Poll /readyz until 200: the engines load in the background, after the lifespan starts."""
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service was not ready within {timeout} s")
        time.sleep(0.1)


REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def shared_file(*parts: str) -> Path:
    """A file of the read-only ``../shared`` folder beside the checkout (data, scorer, examples).

    Missing: the test is skipped on a user's machine, but fails in CI (``CI`` set), where the
    folder is always laid beside the clone and a skip would hide a lost gate.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI lays ../shared beside the clone")
        pytest.skip(f"{path} is not there (the shared data folder is not beside this checkout)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(**settings: str) -> Iterator[str]:
    """The service as the container runs it (``python -m app.server``) on a free loopback port,
    with QUOTES_* settings from ``settings`` (``running_server(request_timeout_seconds="5")``);
    yields its URL once /readyz says 200, and stops it (and its engine processes) on exit."""
    port = _free_port()
    env = {**os.environ, "QUOTES_HOST": "127.0.0.1", "QUOTES_PORT": str(port)}
    env.update({f"QUOTES_{name.upper()}": value for name, value in settings.items()})
    # Logs go to a file: a pipe nobody reads would fill up and block the server.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.server"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"

    def last_log_lines() -> str:
        log.seek(0)
        return log.read().decode("utf-8", "replace")[-3000:]

    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{last_log_lines()}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready within 120 s:\n{last_log_lines()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The service with its default settings on a loopback port; stopped after the session."""
    with running_server() as url:
        yield url
