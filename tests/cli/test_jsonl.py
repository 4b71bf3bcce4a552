"""``python -m app.cli jsonl``: one output line per input line, resumable, on every core."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from app.cli import work
from app.cli.jsonl import count_lines, read_done
from app.cli.records import answer_line
from app.cli.runners import ProcessRunner
from app.core.config import Settings
from app.engine import Attribution, QuoteAttributor

from . import workers
from .conftest import ARTICLES, by_key, read_lines, run_jsonl, write_jsonl

POISON = '"This sentence breaks the engine," the tester said.'


class PoisonedEngine:
    """The real engine, except that it raises on one text, in a batch or alone."""

    def __init__(self, engine: QuoteAttributor) -> None:
        self._engine = engine

    def _check(self, text: str) -> str:
        if text == POISON:
            raise RuntimeError("the engine broke")
        return text

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        return self._engine.attribute(self._check(text), include_indirect)

    def attribute_many(
        self, texts: Iterable[str], batch_size: int = 16, include_indirect: bool = False
    ) -> Iterator[Attribution]:
        checked = (self._check(text) for text in texts)
        return self._engine.attribute_many(checked, batch_size, include_indirect)


def answers_of(engine: QuoteAttributor, articles: list[tuple[str, str]]) -> dict[str, dict]:
    return {i: json.loads(answer_line(i, engine.attribute(t))) for i, t in articles}


# (input line, the error type its output line must have, or None for an answer)
MIXED = [
    (json.dumps({"id": "paris-bridge", "text": ARTICLES[0][1]}), None),
    ('{"id": "cut-short", "text": "He said', "json_invalid"),
    ("", "json_invalid"),
    ('["not", "an", "object"]', "model_attributes_type"),
    (json.dumps({"text": ARTICLES[1][1]}), "missing"),
    (json.dumps({"id": 12, "text": ARTICLES[1][1]}), "string_type"),
    (json.dumps({"id": "no-text"}), "missing"),
    (json.dumps({"id": "number-text", "text": 12}), "string_type"),
    (json.dumps({"id": "paris-bridge", "text": ARTICLES[2][1]}), "duplicate_id"),
    (json.dumps({"id": "blank", "text": "  \n "}), "string_blank"),
    (json.dumps({"id": "too-long", "text": "word " * 50}), "string_too_long"),
    (json.dumps({"id": "word-too-long", "text": "See " + "x" * 61}), "word_too_long"),
    (json.dumps({"id": "poison", "text": POISON}), "engine"),
    (json.dumps({"id": "lavrov-talks", "text": ARTICLES[1][1]}), None),
    (json.dumps({"id": "rates", "text": ARTICLES[2][1], "extra": [1, 2]}), None),
]


@pytest.mark.slow
def test_every_input_line_has_one_output_line(
    engine: QuoteAttributor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("QUOTES_MAX_TEXT_CHARS", "200")
    monkeypatch.setenv("QUOTES_MAX_WORD_CHARS", "60")
    monkeypatch.setitem(work._ENGINES, work.engine_spec(Settings()), PoisonedEngine(engine))
    source = write_jsonl(tmp_path / "in.jsonl", [line for line, _ in MIXED])
    out = tmp_path / "out.jsonl"

    code, err = run_jsonl(capsys, source, out, "--processes", "1", "--batch-size", "2")

    assert code == 0
    records = read_lines(out)
    assert len(records) == len(MIXED)
    errors = {r["line"]: r for r in records if "error" in r}
    answers = {r["id"]: r for r in records if "error" not in r}
    for number, (_, expected) in enumerate(MIXED, 1):
        if expected is None:
            continue
        problem = errors[number]["error"]
        assert problem["type"] == "about:blank" and problem["detail"]
        if expected == "engine":
            assert problem["status"] == 500
            assert "RuntimeError: the engine broke" in problem["detail"]
            assert errors[number]["id"] == "poison"
        else:
            assert problem["status"] == 422
            assert [e["type"] for e in problem["errors"]] == [expected]
    assert errors[9]["id"] == "paris-bridge"  # the duplicate's id, next to its line
    assert errors[5]["id"] is None  # no usable id: the line number says which line it was
    expected_answers = answers_of(engine, [ARTICLES[0], ARTICLES[1], ARTICLES[2]])
    assert answers == expected_answers
    assert "3 attributed, 12 errors, 0 skipped" in err


@pytest.mark.slow
def test_a_rerun_after_a_kill_appends_only_what_is_missing(
    engine: QuoteAttributor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [json.dumps({"id": i, "text": t}) for i, t in ARTICLES]
    lines[2:2] = ["{broken", json.dumps({"id": "blank", "text": " "})]  # lines 3 and 4
    lines.append(json.dumps({"id": ARTICLES[0][0], "text": "Again."}))  # a duplicate id
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    full = tmp_path / "full.jsonl"
    assert run_jsonl(capsys, source, full, "--processes", "1", "--batch-size", "3")[0] == 0
    whole = full.read_bytes().splitlines(keepends=True)
    assert len(whole) == len(lines)

    # A kill after five lines, in the middle of writing the sixth.
    killed = tmp_path / "killed.jsonl"
    kept = whole[:5]
    killed.write_bytes(b"".join(kept) + whole[5][: len(whole[5]) // 2])

    code, err = run_jsonl(capsys, source, killed, "--processes", "1", "--batch-size", "3")

    assert code == 0
    after = killed.read_bytes().splitlines(keepends=True)
    assert after[:5] == kept  # appended, never rewritten
    assert sorted(after) == sorted(whole)
    assert by_key(read_lines(killed)) == by_key(read_lines(full))
    missing = [json.loads(line) for line in whole[5:]]
    errors = sum("error" in record for record in missing)
    assert f"{len(missing) - errors} attributed, {errors} errors, 5 skipped" in err
    assert "partial last line" in err

    # Once everything is there, a rerun does nothing.
    code, err = run_jsonl(capsys, source, killed, "--processes", "1")
    assert code == 0
    assert f"0 attributed, 0 errors, {len(lines)} skipped" in err
    assert killed.read_bytes() == b"".join(after)


@pytest.mark.slow
def test_no_resume_starts_over(
    engine: QuoteAttributor, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "paris-bridge", "quotes": []}) + "\n{half a line")

    code, err = run_jsonl(capsys, archive, out, "--processes", "1", "--no-resume")

    assert code == 0
    assert by_key(read_lines(out)) == answers_of(engine, ARTICLES)


@pytest.mark.slow
def test_two_processes_give_the_answers_of_one(
    engine: QuoteAttributor, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"

    assert run_jsonl(capsys, archive, one, "--processes", "1", "--batch-size", "2")[0] == 0
    code, err = run_jsonl(capsys, archive, two, "--processes", "2", "--batch-size", "2")

    assert code == 0
    assert f"{len(ARTICLES)} attributed, 0 errors" in err
    assert set(two.read_text().splitlines()) == set(one.read_text().splitlines())
    assert len(two.read_text().splitlines()) == len(ARTICLES)


@pytest.mark.slow
def test_dask_gives_the_answers_of_local_processes(
    engine: QuoteAttributor, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    # Half of the archive first, to resume into with Dask.
    half = write_jsonl(tmp_path / "half.jsonl", archive.read_text().splitlines()[:4])

    assert run_jsonl(capsys, archive, local, "--processes", "1", "--batch-size", "2")[0] == 0
    assert run_jsonl(capsys, half, dask, "--processes", "1")[0] == 0
    code, err = run_jsonl(
        capsys, archive, dask, "--engine", "dask", "--processes", "2", "--batch-size", "2"
    )

    assert code == 0, err
    assert f"{len(ARTICLES) - 4} attributed, 0 errors, 4 skipped" in err
    assert set(dask.read_text().splitlines()) == set(local.read_text().splitlines())
    assert len(dask.read_text().splitlines()) == len(ARTICLES)


def test_a_dead_worker_costs_only_its_article(tmp_path: Path) -> None:
    chunks = [[(1, "a", "one"), (2, "b", "two")], [(3, "c", workers.DIES), (4, "d", "four")]]
    chunks.append([(5, "e", "five")])
    written: list[tuple[bool, str]] = []

    with ProcessRunner(("model", "dir"), 2, 2, False, task=workers.echo_or_die) as runner:
        runner.run(chunks, written.extend)

    answers = sorted(line for ok, line in written if ok)
    assert answers == ["1 one", "2 two", "4 four", "5 five"]
    [(ok, died)] = [(ok, line) for ok, line in written if not ok]
    record = json.loads(died)
    assert (record["id"], record["line"], record["error"]["status"]) == ("c", 3, 500)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing-input", "not a file"),
        ("output-is-input", "OUT is IN"),
        ("output-not-ours", "not an answer or error line"),
    ],
)
def test_file_problems_are_usage_errors(
    setup: str,
    message: str,
    archive: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_engine: None,
) -> None:
    source, out = archive, tmp_path / "out.jsonl"
    if setup == "missing-input":
        source = tmp_path / "nowhere.jsonl"
    elif setup == "output-is-input":
        out = archive
    else:
        out.write_text('{"something": "else"}\n')
    before = archive.read_bytes()

    code, err = run_jsonl(capsys, source, out, "--processes", "1")

    assert code == 2
    assert message in err
    assert archive.read_bytes() == before


def test_read_done_cuts_a_partial_last_line_only(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    good = '{"id": "a", "quotes": []}\n{"id": null, "line": 4, "error": {}}\n'
    out.write_text(good + '{"id": "b", "quo')

    done = read_done(out)

    assert (done.ids, done.lines, done.records) == ({"a"}, {4}, 2)
    assert out.read_text() == good


@pytest.mark.parametrize(("content", "lines"), [(b"", 0), (b"a\n", 1), (b"a\nb", 2), (b"a\n\n", 2)])
def test_count_lines_counts_a_last_line_without_newline(
    content: bytes, lines: int, tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    assert count_lines(path) == lines
