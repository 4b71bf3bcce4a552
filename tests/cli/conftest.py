"""Fixtures of the command line's tests: the real engine loaded once, small archives.

Tests that take ``engine`` run the statistical pipeline and are marked ``slow``. The
commands run in this process through ``main``; ``engine`` puts the session's engine where
the command looks for it, so a command attributing in this process (``--processes 1``)
never loads another. Worker processes (``--processes 2``, Dask) load their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import work
from app.cli.__main__ import main
from app.core.config import Settings
from app.engine import QuoteAttributor

ARTICLES = [
    (
        "paris-bridge",
        '"We will not close the bridge this year," Mayor Anne Hidalgo said on Monday. '
        "The council's transport chief, Paul Martin, told reporters the repairs would wait. "
        '"It is not easy," he said.',
    ),
    (
        "lavrov-talks",
        "Russian Foreign Minister Sergei Lavrov said on Tuesday that talks with Kyiv were "
        '"going nowhere". "We see no point in continuing this conversation," Lavrov told '
        "reporters in Moscow.",
    ),
    ("rates", "The central bank left interest rates unchanged on Thursday."),
    (
        "strike",
        "“We are not going back until the contract is signed,” said Maria Lopez, a nurse "
        "at the hospital. Management said in a statement that talks would resume on Friday.",
    ),
    (
        "storm",
        "Residents were told to leave their homes before the storm reached the coast.\n\n"
        '"This is the strongest storm we have seen in a decade," Governor Ron Hale said. '
        "According to the weather service, winds could reach 150 miles an hour.",
    ),
    (
        "budget",
        'Finance Minister Claire Dubois called the budget "a plan for the next generation". '
        "Opposition leader Tom Reed said it was a gift to the wealthy. "
        '"They have learned nothing," he told the BBC.',
    ),
    (
        "football",
        '"The boys gave everything tonight," coach Diego Alvarez said after the 2-1 win. '
        '"We knew it would be hard."',
    ),
    (
        "vaccine",
        "The company said its vaccine was 90 percent effective in a late-stage trial. "
        '"This is a great day for science," chief executive Albert Bourla said.',
    ),
]
"""Short news articles with direct, partial and no quotations, curly and straight marks."""


@pytest.fixture(scope="session")
def session_engine() -> QuoteAttributor:
    return QuoteAttributor.load(Settings().spacy_model, Settings().models_dir)


@pytest.fixture
def engine(session_engine: QuoteAttributor, monkeypatch: pytest.MonkeyPatch) -> QuoteAttributor:
    """The real engine, where the commands of this process look for it."""
    monkeypatch.setitem(work._ENGINES, work.engine_spec(Settings()), session_engine)
    return session_engine


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The eight articles as an input JSONL, with an extra field as PolNeAR's files have."""
    return write_jsonl(
        tmp_path / "archive.jsonl",
        [json.dumps({"id": i, "text": t, "source": "test"}) for i, t in ARTICLES],
    )


def run_jsonl(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """``python -m app.cli jsonl ARGS`` in this process: its exit code and its stderr."""
    capsys.readouterr()
    code = main(["jsonl", *map(str, args), "--quiet"])
    return code, capsys.readouterr().err


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_key(records: list[dict]) -> dict[object, dict]:
    """Output records keyed by id (answers) or by line number (errors)."""
    return {("line", r["line"]) if "error" in r else r["id"]: r for r in records}


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if a command loads an engine: refusals must come before the load."""

    def refuse(spec: object) -> None:
        raise AssertionError("the command loaded the engine")

    monkeypatch.setattr(work, "load_engine", refuse)
    monkeypatch.setattr("app.cli.__main__.load_engine", refuse)
    monkeypatch.setattr("app.cli.runners.load_engine", refuse)
    yield
