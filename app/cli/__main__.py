"""``python -m app.cli``: the engine on files, without the service.

    python -m app.cli article article.txt [--include-indirect]     # or - for stdin
    python -m app.cli jsonl archive.jsonl answers.jsonl [--processes N] [--engine dask]

Both check articles as the API does and take its settings (``QUOTES_SPACY_MODEL``,
``QUOTES_MAX_TEXT_CHARS``, ``QUOTES_MAX_WORD_CHARS``...) from the environment. Exit codes:
0 done (for ``jsonl``, with or without error lines), 1 the article was refused or the
engine could not run, 2 usage or file errors, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from app.cli import jsonl
from app.cli.records import check_text, engine_failed, invalid, problem, response_body
from app.cli.work import EngineLoadError, engine_spec, load_engine
from app.core.config import Settings


def default_processes() -> int:
    """The cores this process may run on (its CPU affinity, which a container may narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m app.cli",
        description="Attribute the quotations of articles in files, as POST /v1/quotes does.",
    )
    commands = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    article = commands.add_parser(
        "article",
        help="one article: print the JSON answer of POST /v1/quotes",
        description="Print the answer POST /v1/quotes gives for one article (quotes, "
        "speakers, unattributed, meta). A refused article prints its problem on stderr and exits 1.",
    )
    article.add_argument("path", metavar="PATH", help="a UTF-8 text file, or - for stdin")
    article.add_argument(
        "--include-indirect", action="store_true", help="reported speech without marks too"
    )

    archive = commands.add_parser(
        "jsonl",
        help="an archive: one article a line in, one answer or error a line out",
        description='Attribute every line {"id": ..., "text": ...} of IN (other fields are '
        'ignored); write one line per input line to OUT: {"id", "quotes", "speakers", '
        '"unattributed", "meta"}, or {"id", "line", "error"} with an RFC 9457 problem. Lines are written as '
        "they are done, not in input order. Run it again to resume after a stop: the lines "
        "OUT has are skipped.",
    )
    archive.add_argument("input", type=Path, metavar="IN.jsonl")
    archive.add_argument("output", type=Path, metavar="OUT.jsonl")
    archive.add_argument(
        "--processes",
        type=positive,
        metavar="N",
        default=default_processes(),
        help="worker processes, each with its own engine (default: every core, here "
        "%(default)s); 1 attributes in this process",
    )
    archive.add_argument(
        "--batch-size",
        type=positive,
        metavar="B",
        default=16,
        help="articles per chunk sent to a worker and per nlp.pipe batch (default %(default)s)",
    )
    archive.add_argument(
        "--include-indirect", action="store_true", help="reported speech without marks too"
    )
    archive.add_argument(
        "--no-resume", action="store_true", help="overwrite OUT instead of resuming into it"
    )
    archive.add_argument("--quiet", action="store_true", help="no progress bar")
    archive.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local worker processes (default), or Dask tasks (needs the dask extra)",
    )
    archive.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler of a running cluster (tcp://host:8786), "
        "whose workers have this project installed; without it, a local cluster of "
        "--processes workers",
    )
    args = ap.parse_args(argv)
    if getattr(args, "scheduler", None) and args.engine != "dask":
        ap.error("--scheduler needs --engine dask")
    return args


def read_article(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def write_json(stream: object, body: object, indent: int | None = None) -> None:
    """UTF-8 whatever the locale says, so a C locale cannot fail on an accent."""
    data = json.dumps(body, ensure_ascii=False, indent=indent) + "\n"
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data.encode("utf-8"))
        buffer.flush()
    else:  # a text stream without bytes (pytest's capture)
        stream.write(data)  # type: ignore[attr-defined]


def run_article(args: argparse.Namespace, settings: Settings) -> int:
    try:
        raw = read_article(args.path)
    except OSError as exc:
        print(f"error: cannot read {args.path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        # surrogatepass: surrogates written as raw bytes read as the API reads them.
        text: object = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        write_json(
            sys.stderr,
            problem(400, f"The text is not valid UTF-8 (byte {exc.start}); send it as UTF-8."),
        )
        return 1
    text, errors = check_text(text, settings)
    if errors:
        write_json(sys.stderr, invalid(errors))
        return 1
    assert isinstance(text, str)
    try:
        result = load_engine(engine_spec(settings)).attribute(
            text, include_indirect=args.include_indirect
        )
    except EngineLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        write_json(sys.stderr, engine_failed(exc))
        return 1
    write_json(sys.stdout, response_body(result), indent=2)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: a QUOTES_ setting is invalid:\n{exc}", file=sys.stderr)
        return 2
    if args.command == "article":
        return run_article(args, settings)
    return jsonl.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
