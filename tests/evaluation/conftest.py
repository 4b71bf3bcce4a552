"""Where the reference scorer and the dev data are: ``../shared`` beside the repo root
(the read-only copy CI lays next to the clone)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
REFERENCE_SCORER = SHARED / "eval" / "score.py"
REFERENCE_CLIENT = SHARED / "eval" / "predict_http.py"
DEV_QUOTED = SHARED / "data" / "polnear" / "polnear_quoted-dev.jsonl"

RunReference = Callable[..., tuple[dict[str, Any], list[dict[str, Any]]]]


@pytest.fixture
def run_reference(tmp_path: Path) -> RunReference:
    """Run ``score.py`` on a gold and a predictions file; its summary and its errors."""
    if not REFERENCE_SCORER.exists():
        pytest.skip(f"the reference scorer is not at {REFERENCE_SCORER} (no ../shared copy)")

    def run(gold: Path, pred: Path, *args: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        errors = tmp_path / "reference-errors.jsonl"
        done = subprocess.run(
            [
                sys.executable,
                str(REFERENCE_SCORER),
                str(gold),
                str(pred),
                "--errors",
                str(errors),
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        with open(errors, encoding="utf-8") as fh:
            return json.loads(done.stdout), [json.loads(line) for line in fh]

    return run
