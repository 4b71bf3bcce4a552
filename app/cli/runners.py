"""Where the chunks of an archive are attributed: in this process, in local worker processes,
or on a Dask cluster. Each runner hands every chunk's output lines to ``emit``, in this
process's main thread, as chunks finish (not in input order).

Every runner keeps a bounded number of chunks in flight (two per worker: one running, one
waiting), so a large archive is never read into memory ahead of the workers, and a kill
loses at most those chunks. An article on which a worker process dies is found by sending
each article of the lost chunks again on its own; only that article becomes an error line.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Protocol

from app.cli.records import engine_died, engine_failed, error_line
from app.cli.work import (
    Article,
    Chunk,
    EngineLoadError,
    EngineSpec,
    Output,
    attribute_chunk,
    ignore_sigint,
    load_engine,
    run_chunk,
)

Emit = Callable[[Output], None]

Task = Callable[[EngineSpec, Chunk, int, bool], Output]
"""What a worker runs on a chunk: ``run_chunk`` (tests pass stand-ins, importable by name)."""


class Runner(Protocol):
    def __enter__(self) -> Runner: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def run(self, chunks: Iterable[Chunk], emit: Emit) -> None: ...


class RunnerError(Exception):
    """The runner cannot work (Dask missing, no scheduler at the address): the command stops."""


def _all_failed(chunk: Chunk, exc: BaseException) -> Output:
    return [
        (False, error_line(article_id, number, engine_failed(exc)))
        for number, article_id, _ in chunk
    ]


def _died(article: Article) -> Output:
    number, article_id, _ = article
    return [(False, error_line(article_id, number, engine_died()))]


class InProcessRunner:
    """``--processes 1``: the engine in this process, no process to start or feed."""

    def __init__(self, spec: EngineSpec, batch_size: int, include_indirect: bool) -> None:
        self._spec = spec
        self._batch_size = batch_size
        self._include_indirect = include_indirect

    def __enter__(self) -> InProcessRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def run(self, chunks: Iterable[Chunk], emit: Emit) -> None:
        for chunk in chunks:
            # Loaded at the first chunk, not before: a finished archive needs no engine.
            engine = load_engine(self._spec)
            emit(attribute_chunk(engine, chunk, self._batch_size, self._include_indirect))


class ProcessRunner:
    """Local worker processes (spawned, each loading the engine once, at its first chunk)."""

    def __init__(
        self,
        spec: EngineSpec,
        processes: int,
        batch_size: int,
        include_indirect: bool,
        task: Task = run_chunk,
    ) -> None:
        self._args = (spec, batch_size, include_indirect)
        self._processes = processes
        self._task = task
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0  # which executor a future belongs to, after a restart

    def __enter__(self) -> ProcessRunner:
        self._start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # Interrupted or failed: stop the workers now rather than after their current chunk.
        self._stop(kill=kind is not None)

    def _start(self) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=self._processes,
            # spawn, not fork: the engine's threads and state are not copied half-way.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=ignore_sigint,
        )
        self._generation += 1

    def _stop(self, kill: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            # The worker processes this runner started, each by its own handle.
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                process.kill()
        executor.shutdown(wait=True, cancel_futures=True)

    def _restart(self) -> None:
        self._stop(kill=True)
        self._start()

    def _submit(self, chunk: Chunk) -> Future[Output]:
        assert self._executor is not None
        return self._executor.submit(self._task, self._args[0], chunk, *self._args[1:])

    def run(self, chunks: Iterable[Chunk], emit: Emit) -> None:
        pending: dict[Future[Output], tuple[Chunk, int]] = {}
        lost: list[Chunk] = []

        def collect() -> None:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk, generation = pending.pop(future)
                try:
                    emit(future.result())
                except BrokenProcessPool:
                    # A worker died (killed, out of memory, a crash in C): every chunk in
                    # flight is lost with the pool. Start a new one; retry those later.
                    lost.append(chunk)
                    if generation == self._generation:
                        self._restart()
                except EngineLoadError:
                    raise
                except Exception as exc:
                    emit(_all_failed(chunk, exc))

        for chunk in chunks:
            while len(pending) >= 2 * self._processes:
                collect()
            pending[self._submit(chunk)] = (chunk, self._generation)
        while pending:
            collect()
        # One article at a time, so the one its process dies on is known, and only it is lost.
        for chunk in lost:
            for article in chunk:
                try:
                    emit(self._submit([article]).result())
                except BrokenProcessPool:
                    emit(_died(article))
                    self._restart()


class DaskRunner:
    """Chunks as Dask tasks: a local cluster of ``processes`` single-threaded worker
    processes, or the cluster of the scheduler at ``address``. Each worker loads the
    engine once (``load_engine`` keeps it in the worker's process)."""

    def __init__(
        self,
        spec: EngineSpec,
        processes: int,
        batch_size: int,
        include_indirect: bool,
        address: str | None,
        task: Task = run_chunk,
    ) -> None:
        self._args = (spec, batch_size, include_indirect)
        self._processes = processes
        self._address = address
        self._task = task
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskRunner:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise RunnerError(
                "--engine dask needs Dask; install the extra: pip install '.[dask]'"
            ) from None
        try:
            if self._address:
                self._client = Client(self._address, timeout="30s")
            else:
                self._cluster = LocalCluster(
                    n_workers=self._processes,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            where = self._address or "a local cluster"
            raise RunnerError(f"could not start Dask on {where}: {exc}") from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(self, chunks: Iterable[Chunk], emit: Emit) -> None:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        client = self._client

        def limit() -> int:
            # Two chunks per worker thread, asked again as workers come and go: a remote
            # cluster may have more (or fewer) than --processes.
            return 2 * max(1, sum(client.nthreads().values()))

        in_flight = as_completed()
        chunk_of: dict[str, Chunk] = {}

        def submit(chunk: Chunk) -> None:
            future = client.submit(self._task, self._args[0], chunk, *self._args[1:], pure=False)
            chunk_of[future.key] = chunk
            in_flight.add(future)

        def collect(future: Any) -> None:
            chunk = chunk_of.pop(future.key)
            try:
                output = future.result()
            except KilledWorker:
                # Dask already retried it on other workers: each article again, alone.
                if len(chunk) > 1:
                    for article in chunk:
                        submit([article])
                else:
                    emit(_died(chunk[0]))
            except EngineLoadError:
                raise
            except Exception as exc:
                emit(_all_failed(chunk, exc))
            else:
                emit(output)
            finally:
                future.release()

        for chunk in chunks:
            while in_flight.count() >= limit():
                collect(next(in_flight))
            submit(chunk)
        for future in in_flight:  # takes in the resubmitted single articles too
            collect(future)
