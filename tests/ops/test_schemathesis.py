"""Schemathesis against a running server, from the checked-in openapi.yaml: no 5xx, and every
response conforms to the schema (status, content type, headers, body). Bounded: a fixed
number of examples per operation, a fixed seed and a time budget."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, running_server

OPENAPI = REPO_ROOT / "openapi.yaml"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(request_timeout_seconds="20") as url:
        yield url


def test_no_5xx_and_every_response_matches_the_schema(server: str, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    done = subprocess.run(
        [
            str(schemathesis),
            "run",
            str(OPENAPI),
            "--url",
            server,
            "--checks",
            "all",
            # Valid by the schema but refused on purpose: whitespace-only text (422), which a
            # JSON Schema pattern cannot say the way Python's str.strip() does.
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "40",
            "--seed",
            "6",
            "--max-time",
            "60",
            "--request-timeout",
            "60",
            "--workers",
            "2",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
