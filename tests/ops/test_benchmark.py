"""Smoke test of ``benchmarks/throughput.py``: it runs end to end on two articles and prints
every row and every target ratio. No timing is asserted; the figures are the script's job."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, shared_file

SCRIPT = REPO_ROOT / "benchmarks" / "throughput.py"


@pytest.mark.slow
def test_benchmark_runs_on_two_articles(tmp_path: Path) -> None:
    data = shared_file("data", "polnear", "polnear_quoted-dev.jsonl")
    figures = tmp_path / "figures.json"
    command = [sys.executable, str(SCRIPT), "--data", str(data), "--limit", "2"]
    command += ["--seconds", "1", "--workers", "2", "--json-out", str(figures), "--soak", "6"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    print(done.stdout)
    assert done.returncode == 0, done.stderr[-3000:]

    for row in [
        "bare spaCy",
        "engine in-process",
        "HTTP 1 worker: throughput",
        "HTTP 1 worker: c=1",
        "HTTP 1 worker: c=8",
        "HTTP 1 worker: c=32",
        "batch API, 1 worker",
        "HTTP 1 worker, 2 engines: throughput",
        "HTTP 1 worker, 2 engines: c=32",
        "batch API, 1 worker, 2 engines",
        "HTTP 2 workers: throughput",
        "HTTP 2 workers: throughput, no keep-alive",
        "HTTP 2 workers: c=32",
        "batch API, 2 workers",
        "batch file command, 1 process",
        "batch file command, 2 processes",
        # the ratios the issue sets as targets
        "engine in-process / bare spaCy",
        "HTTP 1 worker (throughput) / engine in-process",
        "HTTP 1 worker, 2 engines / HTTP 1 worker (throughput)",
        "HTTP 2 workers / HTTP 1 worker",
        "memory soak: 6 unique requests",
    ]:
        assert row in done.stdout, f"{row!r} missing from the output"
    assert " cores " in done.stdout.splitlines()[0]  # the date and core count head the table

    report = json.loads(figures.read_text())
    assert report["articles"] == 2
    assert len(report["ratios"]) == 5
    assert {row["name"] for row in report["rows"]} >= {"bare spaCy", "engine in-process"}
    # The rows of the engine and the single-article API attributed both articles, no 5xx
    # (the batch API and command are reported whatever state they are in).
    for row in report["rows"]:
        if not row["name"].startswith("batch"):
            assert row["errors"] == 0 and row["status_5xx"] == 0, row
