"""``python -m app.cli jsonl IN.jsonl OUT.jsonl``: attribute an archive, one article a line.

Every input line gets exactly one output line: the answer (``{"id", "quotes", "speakers",
"unattributed", "meta"}``, the shape of ``POST /v1/quotes`` with the id added) or an error line
(``{"id", "line", "error"}`` with an RFC 9457 problem). Lines are checked here, in the
process that reads and writes, as the API checks a request; the articles that pass go to
the workers in chunks, and their lines are written as chunks finish, flushed at once: the
output's order is not the input's, and a kill loses at most the chunks in flight.

Resuming: an answer in OUT stands for its id, an error line for its line number; those
input lines are skipped and the rest appended. A partial last line (a kill in the middle
of a write) is cut off first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from app.cli.records import error_line, invalid, parse_line
from app.cli.runners import (
    DaskRunner,
    InProcessRunner,
    ProcessRunner,
    Runner,
    RunnerError,
)
from app.cli.work import Chunk, EngineLoadError, Output, engine_spec
from app.core.config import Settings


class OutputNotOurs(Exception):
    """OUT has a complete line this command does not write: resuming into it would mix files."""


@dataclass(slots=True)
class Done:
    """What OUT holds already."""

    ids: set[str] = field(default_factory=set)
    """Ids of the answers."""
    lines: set[int] = field(default_factory=set)
    """Input line numbers of the error lines."""
    records: int = 0
    cut: int = 0
    """Bytes of a partial last line cut off."""


def read_done(path: Path) -> Done:
    """The answers and errors already in ``path``, after cutting off a partial last line."""
    done = Done()
    if not path.exists():
        return done
    with path.open("r+b") as f:
        kept = 0  # bytes of complete lines
        for number, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                break  # only the last line can lack its newline: every write ends with one
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            if isinstance(record, dict) and "error" in record and type(record.get("line")) is int:
                done.lines.add(record["line"])
            elif isinstance(record, dict) and isinstance(record.get("id"), str):
                done.ids.add(record["id"])
            else:
                raise OutputNotOurs(
                    f"{path}, line {number}, is not an answer or error line of this command; "
                    "choose another OUT, or overwrite it with --no-resume"
                )
            done.records += 1
            kept += len(raw)
        size = f.seek(0, 2)
        if size > kept:
            f.truncate(kept)
            done.cut = size - kept
    return done


def count_lines(path: Path) -> int:
    """Lines of ``path``, a last one without a newline included (the progress bar's total)."""
    count, last = 0, b"\n"
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


class Writer:
    """Appends output lines to OUT, flushed as they come, and counts them."""

    def __init__(self, out: BinaryIO, bar: tqdm) -> None:
        self._out = out
        self._bar = bar
        self.answers = 0
        self.errors = 0
        self.skipped = 0
        """Input lines whose output line OUT has already."""

    def write(self, output: Output) -> None:
        for is_answer, line in output:
            self._out.write(line.encode("utf-8") + b"\n")
            if is_answer:
                self.answers += 1
            else:
                self.errors += 1
        self._out.flush()
        self._bar.update(len(output))


def chunks_to_attribute(
    in_path: Path, done: Done, settings: Settings, writer: Writer, size: int
) -> Iterator[Chunk]:
    """The input's articles still to attribute, ``size`` a chunk; the error lines of the
    others are written on the way, and the lines OUT has already are counted as skipped."""
    first_line_of: dict[str, int] = {}
    chunk: Chunk = []
    with in_path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            line = parse_line(raw, number, settings)
            if line.id is not None:
                first = first_line_of.setdefault(line.id, number)
                if first != number:
                    line.errors.append(
                        {
                            "loc": ["id"],
                            "msg": f"Line {first} has this id already; ids must be unique",
                            "type": "duplicate_id",
                        }
                    )
            # Only an id's first line can have its answer in OUT: later ones are duplicates.
            if number in done.lines or (not line.errors and line.id in done.ids):
                writer.skipped += 1
                continue
            if line.errors:
                writer.write([(False, error_line(line.id, number, invalid(line.errors)))])
                continue
            assert line.id is not None and line.text is not None
            chunk.append((number, line.id, line.text))
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def make_runner(args: argparse.Namespace, settings: Settings) -> Runner:
    spec = engine_spec(settings)
    if args.engine == "dask":
        return DaskRunner(
            spec, args.processes, args.batch_size, args.include_indirect, args.scheduler
        )
    if args.processes == 1:
        return InProcessRunner(spec, args.batch_size, args.include_indirect)
    return ProcessRunner(spec, args.processes, args.batch_size, args.include_indirect)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """The ``jsonl`` command; its exit code (0 once every input line has its output line)."""
    in_path: Path = args.input
    out_path: Path = args.output
    started = time.perf_counter()
    try:
        if not in_path.is_file():
            raise FileNotFoundError(f"{in_path} is not a file")
        if out_path.exists() and out_path.samefile(in_path):
            raise OSError("OUT is IN: write the answers to another file")
        done = Done() if args.no_resume else read_done(out_path)
        total = count_lines(in_path)
        out = out_path.open("wb" if args.no_resume else "ab")
    except (OSError, OutputNotOurs) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if done.cut:
        print(
            f"{out_path}: cut off a partial last line ({done.cut} bytes) left by an "
            "interrupted run; its article is attributed again",
            file=sys.stderr,
        )
    bar = tqdm(
        total=max(0, total - done.records),
        unit="article",
        desc="attributing",
        file=sys.stderr,
        disable=args.quiet or not sys.stderr.isatty(),
    )
    writer = Writer(out, bar)
    code = 0
    try:
        with out, bar, make_runner(args, settings) as runner:
            chunks = chunks_to_attribute(in_path, done, settings, writer, args.batch_size)
            runner.run(chunks, writer.write)
    except (EngineLoadError, RunnerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        code = 130
    except OSError as exc:  # reading IN or writing OUT failed half-way
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    seconds = time.perf_counter() - started
    rate = writer.answers / seconds if seconds > 0 else 0.0
    print(
        f"{out_path}: {writer.answers} attributed, {writer.errors} errors, {writer.skipped} "
        f"skipped (in OUT already); {rate:.2f} articles/s over {seconds:.1f} s, "
        "engine loading included",
        file=sys.stderr,
    )
    return code
