"""Runs the attribution engine for the HTTP layer: off the event loop, a bounded number of
articles at a time, each within a time limit.

Why processes. The engine's work on an article is CPU-bound Python and C code that nothing
can interrupt from outside. Run in a thread, a request answered at the time limit would leave its thread
computing, and a few pathological articles (see the README's Operations section) would
occupy a worker for minutes. So each engine runs in a child process of the worker
(``EngineProcess``) holding its own copy of the spaCy pipeline: an overrun is stopped by
killing that process, and a fresh one is started in the background while the others go
on serving. Processes also let one worker use several cores, which threads under the GIL
cannot.

Admission. A worker admits at most ``max_in_flight`` articles at once, being attributed or
waiting for a free engine; the next request is refused at once with 503 and Retry-After,
never queued without bound. A waiting request gives up with 503 when the time limit
passes before an engine comes free; an engine still working at the limit is stopped, and
its client is answered 503 too (without Retry-After: the same article would overrun again).

An engine object handed in (tests, embedding) runs in threads instead (``EngineThread``):
the same admission and time limit, but an overrun cannot be stopped, so its thread keeps
its slot until it finishes; the admission limit still bounds the work in progress.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from app.core import metrics
from app.engine.types import Attribution

logger = logging.getLogger(__name__)

T = TypeVar("T")

WARM_UP_TEXT = (
    '"We will not close the bridge this year," Mayor Anne Hidalgo said on Monday. '
    "The council's transport chief, Paul Martin, told reporters the repairs would wait. "
    '"It is not easy," he said.'
)
"""Run through every engine before it is counted ready: the first call of a spaCy pipeline
pays one-off costs (lazy tables, allocations) that no client's request should."""


class Engine(Protocol):
    """What the pool needs from the engine; ``QuoteAttributor`` has it, tests pass fakes."""

    @property
    def model_name(self) -> str: ...

    @property
    def model_version(self) -> str: ...

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution: ...


BATCH_CHUNK = 8
"""Articles of a batch request one engine takes at once (through spaCy's ``nlp.pipe``)."""


class EngineUnavailable(Exception):
    """No engine can take the article now: answer 503 with ``Retry-After``."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class EngineTimeout(Exception):
    """The engine did not finish within the time limit (and was stopped): answer 503."""


class EngineFailed(Exception):
    """The engine raised, or its process died, on this article: answer 500."""


class _Slot(Protocol):
    """One engine that attributes one article at a time. Its blocking methods run in threads."""

    model_name: str
    model_version: str

    @property
    def alive(self) -> bool: ...

    def start(self) -> float: ...

    def run(self, text: str, include_indirect: bool = False) -> Attribution: ...

    def run_many(self, texts: list[str], include_indirect: bool = False) -> list[Attribution]: ...

    def abort(self) -> None: ...

    def stop(self) -> None: ...


def _engine_process_main(conn: Connection, model: str, models_dir: str) -> None:
    """The body of an engine process: load and warm the engine, then attribute what comes.

    Messages to the worker: ``("ready", (model_name, model_version))`` once,
    then ``("ok", Attribution)`` or ``("error", traceback)`` per text, and
    ``("ok", [Attribution, ...])`` or ``("error", traceback)`` per list of texts.
    """
    # Ctrl-C in a terminal reaches the whole process group; the worker stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from app.engine import QuoteAttributor

        engine = QuoteAttributor.load(model, Path(models_dir))
        engine.attribute(WARM_UP_TEXT)
    except Exception:
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ready", (engine.model_name, engine.model_version)))
    while True:
        try:
            text, include_indirect = conn.recv()
        except (EOFError, OSError):
            return  # the worker closed the pipe, or died
        try:
            if isinstance(text, list):  # a chunk of a batch: one nlp.pipe over all of it
                result = list(engine.attribute_many(text, include_indirect=include_indirect))
            else:
                result = engine.attribute(text, include_indirect=include_indirect)
        except Exception:
            conn.send(("error", traceback.format_exc()))
        else:
            conn.send(("ok", result))


class EngineProcess:
    """An engine in a child process, spoken to through a pipe; killed to stop an overrun."""

    def __init__(self, model: str, models_dir: Path) -> None:
        self._model = model
        self._models_dir = models_dir
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._lost = False  # killed, or found dead: start() again before use
        self.model_name = model
        self.model_version = "unknown"

    @property
    def alive(self) -> bool:
        # Not is_alive() alone: a killed process closes its pipe a moment before the
        # kernel can report its exit, and the pipe's EOF is what the worker sees first.
        return not self._lost and self._process is not None and self._process.is_alive()

    def start(self) -> float:
        """Start the process and wait until its engine is loaded and warm; the seconds taken."""
        self.stop()
        self._lost = False
        began = time.perf_counter()
        # spawn, not fork: the worker has threads and an event loop, which fork would copy
        # half-way through whatever they were doing.
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_engine_process_main,
            args=(child_conn, self._model, str(self._models_dir)),
            name="quotes-engine",
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise EngineFailed(f"the engine process exited while loading ({exc!r})") from exc
        if kind != "ready":
            self.stop()
            raise EngineFailed(f"the engine process could not load the engine:\n{payload}")
        self.model_name, self.model_version = payload
        return time.perf_counter() - began

    def run(self, text: str, include_indirect: bool = False) -> Attribution:
        return self._ask(text, include_indirect)

    def run_many(self, texts: list[str], include_indirect: bool = False) -> list[Attribution]:
        return self._ask(texts, include_indirect)

    def _ask(self, texts: Any, include_indirect: bool) -> Any:
        assert self._conn is not None, "start() first"
        try:
            self._conn.send((texts, include_indirect))
            kind, payload = self._conn.recv()
        except (EOFError, OSError) as exc:
            self._lost = True
            code = self._process.exitcode if self._process else None
            raise EngineFailed(f"the engine process died (exit code {code})") from exc
        if kind != "ok":
            raise EngineFailed(f"the engine raised:\n{payload}")
        return payload

    def abort(self) -> None:
        # SIGKILL: the engine holds no state worth saving, and SIGTERM could be stuck behind
        # a C loop. The thread blocked in run() then gets EOF and returns.
        self._lost = True
        if self._process is not None:
            self._process.kill()

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=5)  # it exits on EOF
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process.close()
            self._process = None


class EngineThread:
    """An engine object already loaded in this process, run in a thread; cannot be stopped."""

    alive = True

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.model_name = engine.model_name
        self.model_version = engine.model_version

    def start(self) -> float:
        return 0.0  # handed in loaded; warming it is its owner's business

    def run(self, text: str, include_indirect: bool = False) -> Attribution:
        return self._engine.attribute(text, include_indirect=include_indirect)

    def run_many(self, texts: list[str], include_indirect: bool = False) -> list[Attribution]:
        many = getattr(self._engine, "attribute_many", None)
        if many is None:  # an engine with attribute() only
            return [self.run(text, include_indirect) for text in texts]
        return list(many(texts, include_indirect=include_indirect))

    def abort(self) -> None:
        pass

    def stop(self) -> None:
        pass


class EnginePool:
    """The engines of one worker, and who may use them. All methods run on the event loop."""

    def __init__(self, slots: list[_Slot], *, max_in_flight: int, timeout_seconds: float) -> None:
        if not slots:
            raise ValueError("an engine pool needs at least one engine")
        self._slots = slots
        self.max_in_flight = max_in_flight
        self.timeout_seconds = timeout_seconds
        self.state: Literal["loading", "ready", "failed", "stopping"] = "loading"
        self.failure: str | None = None
        self._idle: list[_Slot] = []
        self._waiters: deque[asyncio.Future[_Slot]] = deque()
        self._admitted = 0
        self._aborted: set[_Slot] = set()
        # Each slot needs at most one thread for a run and one for a restart.
        self._threads = ThreadPoolExecutor(2 * len(slots), thread_name_prefix="quotes-engine")

    @classmethod
    def of_processes(
        cls,
        model: str,
        models_dir: Path,
        *,
        processes: int,
        max_in_flight: int,
        timeout_seconds: float,
    ) -> EnginePool:
        slots: list[_Slot] = [EngineProcess(model, models_dir) for _ in range(processes)]
        return cls(slots, max_in_flight=max_in_flight, timeout_seconds=timeout_seconds)

    @classmethod
    def of_engine(
        cls, engine: Engine, *, threads: int, max_in_flight: int, timeout_seconds: float
    ) -> EnginePool:
        slots: list[_Slot] = [EngineThread(engine) for _ in range(threads)]
        return cls(slots, max_in_flight=max_in_flight, timeout_seconds=timeout_seconds)

    @property
    def model_name(self) -> str:
        return self._slots[0].model_name

    @property
    def model_version(self) -> str:
        return self._slots[0].model_version

    def not_ready_reason(self) -> str:
        return {
            "loading": "The attribution model is not loaded yet; retry shortly.",
            "failed": "The attribution model failed to load; the error has been logged.",
            "stopping": "The server is shutting down.",
        }.get(self.state, "ready")

    @property
    def in_flight(self) -> int:
        """Articles admitted now (being attributed or waiting)."""
        return self._admitted

    async def start(self) -> None:
        """Start every engine, then count the pool ready; on a failure, count it failed."""
        loop = asyncio.get_running_loop()
        try:
            seconds = await asyncio.gather(
                *(loop.run_in_executor(self._threads, slot.start) for slot in self._slots)
            )
        except Exception as exc:
            self._fail(exc)
            return
        for slot, took in zip(self._slots, seconds, strict=True):
            metrics.MODEL_LOAD.observe(took)
            self._give(slot)
        self.state = "ready"
        logger.info(
            "Ready: %s %s in %d engine(s), loaded and warm in %.1f s",
            self.model_name,
            self.model_version,
            len(self._slots),
            max(seconds),
            extra={"model": self.model_name, "model_version": self.model_version},
        )

    async def close(self) -> None:
        """Stop every engine (at shutdown); requests still waiting get 503."""
        if self.state != "failed":
            self.state = "stopping"
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(None, slot.stop) for slot in self._slots),
            return_exceptions=True,
        )
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        """The engine's attribution of ``text``, within the pool's limits.

        Raises ``EngineUnavailable`` (503), ``EngineTimeout`` (503) or ``EngineFailed`` (500).
        """
        self._admit(1)
        self._admitted += 1
        try:
            deadline = asyncio.get_running_loop().time() + self.timeout_seconds
            return await self._on_a_slot(
                lambda slot: slot.run(text, include_indirect), deadline, len(text)
            )
        finally:
            self._admitted -= 1

    async def attribute_batch(
        self, texts: list[str], include_indirect: bool = False
    ) -> list[Attribution | EngineTimeout | EngineFailed]:
        """The attribution of every text, in order; a text the engine failed on, or could
        not finish within the time limit, gets its exception instead of a result.

        The texts go to the engines in chunks of ``BATCH_CHUNK`` (each one ``nlp.pipe``), in
        parallel over the pool's engines. A chunk counts as one article against
        ``max_in_flight`` and has the time limit of all its articles; a chunk that fails
        or overruns is run again article by article, each with its own time limit, so that
        one bad article costs only itself.

        Raises ``EngineUnavailable`` (503) for the whole batch only when it cannot start.
        """
        chunks = [
            list(range(k, min(k + BATCH_CHUNK, len(texts))))
            for k in range(0, len(texts), BATCH_CHUNK)
        ]
        self._admit(len(chunks))
        self._admitted += len(chunks)
        results: list[Attribution | EngineTimeout | EngineFailed] = [
            EngineFailed("not attributed")
        ] * len(texts)
        try:
            await asyncio.gather(
                *(self._batch_chunk(texts, chunk, include_indirect, results) for chunk in chunks)
            )
        finally:
            self._admitted -= len(chunks)
        return results

    async def _batch_chunk(
        self,
        texts: list[str],
        chunk: list[int],
        include_indirect: bool,
        results: list[Attribution | EngineTimeout | EngineFailed],
    ) -> None:
        loop = asyncio.get_running_loop()
        part = [texts[k] for k in chunk]
        try:
            deadline = loop.time() + self.timeout_seconds * len(part)
            done = await self._on_a_slot(
                lambda slot: slot.run_many(part, include_indirect), deadline, sum(map(len, part))
            )
            for k, result in zip(chunk, done, strict=True):
                results[k] = result
            return
        except EngineUnavailable:
            raise
        except Exception:  # EngineTimeout, EngineFailed, or an engine's own error (threads)
            logger.warning("A batch chunk failed or overran: its articles run one by one")
        for k in chunk:
            try:
                deadline = loop.time() + self.timeout_seconds
                results[k] = await self._on_a_slot(
                    lambda slot, text=texts[k]: slot.run(text, include_indirect),
                    deadline,
                    len(texts[k]),
                )
            except EngineUnavailable:
                raise
            except EngineTimeout as exc:
                results[k] = exc
            except Exception as exc:
                logger.error(
                    "The engine failed on article %d of a batch: %s: %s",
                    k,
                    type(exc).__name__,
                    str(exc).splitlines()[-1] if str(exc) else "",
                )
                results[k] = exc if isinstance(exc, EngineFailed) else EngineFailed(repr(exc))

    def _admit(self, articles: int) -> None:
        """Refuse work the pool cannot take now (``EngineUnavailable``)."""
        if self.state != "ready":
            raise EngineUnavailable(self.not_ready_reason(), retry_after=5)
        if self._admitted + articles > self.max_in_flight:
            metrics.ENGINE_REJECTED.labels("in_flight").inc()
            raise EngineUnavailable(
                f"The server is attributing {self._admitted} articles already, and its limit "
                f"is {self.max_in_flight}; retry shortly.",
                retry_after=1,
            )

    async def _on_a_slot(self, job: Callable[[_Slot], T], deadline: float, chars: int) -> T:
        """Run ``job`` on a free engine by ``deadline``; stop the engine if it overruns."""
        loop = asyncio.get_running_loop()
        slot = await self._acquire(deadline)
        future = loop.run_in_executor(self._threads, self._run, slot, job)
        # The slot comes back when the work really ends, not when the client is answered.
        future.add_done_callback(lambda done: self._release(slot, done))
        try:
            async with asyncio.timeout_at(deadline):
                return await asyncio.shield(future)
        except TimeoutError:
            metrics.ENGINE_REJECTED.labels("timeout").inc()
            self._aborted.add(slot)
            slot.abort()
            logger.warning(
                "Attribution stopped at the time limit (%d characters)",
                chars,
                extra={"text_chars": chars},
            )
            raise EngineTimeout(
                f"The article was not attributed within the time limit of "
                f"{self.timeout_seconds:g} s."
            ) from None

    def _run(self, slot: _Slot, job: Callable[[_Slot], T]) -> T:
        metrics.ENGINE_BUSY.inc()
        began = time.perf_counter()
        try:
            return job(slot)
        finally:
            metrics.ENGINE_DURATION.observe(time.perf_counter() - began)
            metrics.ENGINE_BUSY.dec()

    async def _acquire(self, deadline: float) -> _Slot:
        if self._idle:
            return self._idle.pop()
        waiter: asyncio.Future[_Slot] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        metrics.ENGINE_WAITING.inc()
        try:
            async with asyncio.timeout_at(deadline):
                return await waiter
        except BaseException as exc:
            # Ended without taking a slot (time limit, cancellation, shutdown): withdraw, and
            # pass on a slot that was handed over in the same instant.
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if waiter.done() and not waiter.cancelled():
                self._give(waiter.result())
            if isinstance(exc, TimeoutError):
                metrics.ENGINE_REJECTED.labels("wait").inc()
                raise EngineUnavailable(
                    f"No engine came free within the time limit of {self.timeout_seconds:g} "
                    "s; retry shortly.",
                    retry_after=max(1, round(self.timeout_seconds / 4)),
                ) from None
            if isinstance(exc, asyncio.CancelledError) and self.state == "stopping":
                raise EngineUnavailable("The server is shutting down.", retry_after=5) from None
            raise
        finally:
            metrics.ENGINE_WAITING.dec()

    def _give(self, slot: _Slot) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(slot)
                return
        self._idle.append(slot)

    def _release(self, slot: _Slot, done: asyncio.Future[Any]) -> None:
        aborted = slot in self._aborted
        self._aborted.discard(slot)
        if not done.cancelled():
            done.exception()  # retrieved here: the client may have been answered already
        if self.state != "ready":
            return
        if slot.alive:
            self._give(slot)
            return
        reason = "timeout" if aborted else "crash"
        metrics.ENGINE_RESTARTS.labels(reason).inc()
        logger.warning("Replacing an engine process (%s)", reason, extra={"reason": reason})
        restart = asyncio.get_running_loop().run_in_executor(self._threads, slot.start)
        restart.add_done_callback(lambda started: self._restarted(slot, started))

    def _restarted(self, slot: _Slot, started: asyncio.Future[float]) -> None:
        if started.cancelled() or self.state != "ready":
            return
        error = started.exception()
        if error is not None:
            self._fail(error)
            return
        metrics.MODEL_LOAD.observe(started.result())
        self._give(slot)

    def _fail(self, error: BaseException) -> None:
        self.state = "failed"
        self.failure = f"{type(error).__name__}: {error}"
        logger.error("The attribution engine failed to start: %s", self.failure)
