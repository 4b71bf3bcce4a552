"""``python -m app.cli article``: the answer of POST /v1/quotes for one article."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli.__main__ import main
from app.cli.records import response_body
from app.core.config import Settings
from app.engine import QuoteAttributor
from app.main import create_app
from tests.conftest import REPO_ROOT

from .conftest import ARTICLES

INDIRECT = (
    "A further meeting will take place in May in Tokyo, the minister said on Friday. "
    '"We are not there yet," she added.'
)


def run_article(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["article", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "include_indirect"),
    [(text, False) for _, text in ARTICLES[:4]] + [(INDIRECT, False), (INDIRECT, True)],
)
def test_the_answer_is_the_engines_and_the_apis(
    engine: QuoteAttributor,
    text: str,
    include_indirect: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    flags = ["--include-indirect"] if include_indirect else []

    code, out, _ = run_article(capsys, str(path), *flags)

    assert code == 0
    answer = json.loads(out)
    assert answer == response_body(engine.attribute(text, include_indirect=include_indirect))
    with TestClient(create_app(Settings(), attributor=engine)) as client:
        api = client.post("/v1/quotes", json={"text": text, "include_indirect": include_indirect})
    assert answer == api.json()


@pytest.mark.slow
def test_stdin_and_crlf_offsets_index_the_bytes_as_read(
    engine: QuoteAttributor, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'Intro line.\r\n\r\n"We will win," Senator Jane Roe said.\r\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))

    code, out, _ = run_article(capsys, "-")

    assert code == 0
    [quote] = json.loads(out)["quotes"]
    assert text[quote["start"] : quote["end"]] == quote["text"] == "We will win,"


@pytest.mark.parametrize(
    ("content", "settings", "status", "error_type"),
    [
        (b" \n\t\n", {}, 422, "string_blank"),
        (b"Far too long for this limit.", {"QUOTES_MAX_TEXT_CHARS": "10"}, 422, "string_too_long"),
        (b"A " + b"x" * 31, {"QUOTES_MAX_WORD_CHARS": "30"}, 422, "word_too_long"),
        (b"Not \xff UTF-8", {}, 400, None),
    ],
    ids=["blank", "too-long", "word-too-long", "not-utf-8"],
)
def test_a_refused_article_prints_its_problem_and_exits_1(
    content: bytes,
    settings: dict[str, str],
    status: int,
    error_type: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_engine: None,
) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "article.txt"
    path.write_bytes(content)

    code, out, err = run_article(capsys, str(path))

    assert (code, out) == (1, "")
    problem = json.loads(err)
    assert problem["status"] == status
    assert problem["type"] == "about:blank" and problem["detail"]
    if error_type:
        assert [e["type"] for e in problem["errors"]] == [error_type]


def test_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_engine: None
) -> None:
    code, out, err = run_article(capsys, str(tmp_path / "nowhere.txt"))

    assert (code, out) == (2, "")
    assert "nowhere.txt" in err


@pytest.mark.slow
def test_python_m_app_cli_reads_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "article", "-"],
        input=ARTICLES[0][1].encode("utf-8"),
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr.decode()
    answer = json.loads(done.stdout)
    assert [q["speaker"]["name"] for q in answer["quotes"]][0] == "Anne Hidalgo"
    assert set(answer["meta"]) == {"model", "model_version", "service_version"}
