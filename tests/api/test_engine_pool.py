"""The engine pool's limits, with engines in threads: admission, waiting, the time limit.

The pool with engine processes (which it kills at the time limit) is tested against a
running server in tests/ops/test_limits.py.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.api.engine_pool import BATCH_CHUNK, EnginePool, EngineTimeout, EngineUnavailable
from app.engine.types import Attribution

from .fakes import FakeAttributor


class GatedEngine(FakeAttributor):
    """Blocks in ``attribute`` until ``gate`` opens; counts the calls that finished."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.finished = 0

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        self.texts.append(text)
        self.gate.wait(timeout=10)
        self.finished += 1
        return Attribution()


def pool_of(engine: FakeAttributor, **limits: float) -> EnginePool:
    settings = {"threads": 1, "max_in_flight": 2, "timeout_seconds": 5.0, **limits}
    return EnginePool.of_engine(engine, **settings)  # type: ignore[arg-type]


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 20))


def test_a_pool_answers_only_once_started() -> None:
    async def scenario() -> None:
        pool = pool_of(FakeAttributor())
        with pytest.raises(EngineUnavailable, match="not loaded yet"):
            await pool.attribute("Too early.")
        await pool.start()
        assert await pool.attribute("Now.") == Attribution()
        await pool.close()
        with pytest.raises(EngineUnavailable, match="shutting down"):
            await pool.attribute("Too late.")

    run(scenario())


def test_requests_beyond_max_in_flight_are_refused_at_once_with_retry_after() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        pool = pool_of(engine, max_in_flight=2)
        await pool.start()
        running = asyncio.ensure_future(pool.attribute("first"))
        waiting = asyncio.ensure_future(pool.attribute("second"))
        await asyncio.sleep(0.05)
        assert pool.in_flight == 2

        with pytest.raises(EngineUnavailable) as refused:
            await pool.attribute("third")
        assert refused.value.retry_after >= 1
        assert "limit" in refused.value.detail

        engine.gate.set()
        assert await running == Attribution()
        assert await waiting == Attribution()
        assert engine.texts == ["first", "second"]
        assert pool.in_flight == 0
        await pool.close()

    run(scenario())


def test_a_request_waiting_past_the_time_limit_gets_503_and_leaves_the_queue() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        pool = pool_of(engine, timeout_seconds=0.3)
        await pool.start()
        busy = asyncio.ensure_future(pool.attribute("occupies the only engine"))
        await asyncio.sleep(0.05)

        with pytest.raises(EngineUnavailable, match="No engine came free"):
            await pool.attribute("waits")
        with pytest.raises(EngineTimeout):
            await busy
        engine.gate.set()
        await asyncio.sleep(0.1)
        # The engine came back, and the waiter that gave up did not take it with it.
        assert await pool.attribute("after") == Attribution()
        assert engine.texts == ["occupies the only engine", "after"]
        await pool.close()

    run(scenario())


def test_an_overrun_is_answered_at_the_time_limit_and_its_thread_keeps_its_slot() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        pool = pool_of(engine, timeout_seconds=0.2, max_in_flight=3)
        await pool.start()
        loop = asyncio.get_running_loop()
        began = loop.time()
        with pytest.raises(EngineTimeout, match="time limit"):
            await pool.attribute("slow")
        assert loop.time() - began < 1.0
        assert pool.in_flight == 0

        # A thread cannot be stopped: the slot is busy until the call really ends, so the
        # next request waits (and gives up at its own limit) instead of piling on.
        with pytest.raises(EngineUnavailable, match="No engine came free"):
            await pool.attribute("next")
        engine.gate.set()
        await asyncio.sleep(0.1)
        assert await pool.attribute("after") == Attribution()
        assert engine.finished == 2
        await pool.close()

    run(scenario())


def test_engine_errors_reach_the_caller_and_the_engine_stays_in_service() -> None:
    calls = []

    def fails_once(text: str) -> Attribution:
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return Attribution()

    async def scenario() -> None:
        pool = pool_of(FakeAttributor(fails_once))
        await pool.start()
        with pytest.raises(RuntimeError, match="boom"):
            await pool.attribute("first")
        assert await pool.attribute("second") == Attribution()
        await pool.close()

    run(scenario())


def test_a_pool_needs_an_engine() -> None:
    with pytest.raises(ValueError):
        EnginePool([], max_in_flight=1, timeout_seconds=1)


class ChunkedEngine(FakeAttributor):
    """Has ``attribute_many``; remembers the size of every chunk; sleeps on "slow" texts."""

    def __init__(self, slow_seconds: float = 0.0) -> None:
        super().__init__()
        self.chunks: list[int] = []
        self.slow_seconds = slow_seconds

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        if text == "slow":
            threading.Event().wait(self.slow_seconds)
        if text == "boom":
            raise RuntimeError("boom")
        return Attribution(meta={"text": text})

    def attribute_many(self, texts, include_indirect: bool = False):
        self.chunks.append(len(texts))
        return [self.attribute(t, include_indirect) for t in texts]


def test_a_batch_goes_to_the_engines_in_chunks_and_comes_back_in_order() -> None:
    async def scenario() -> None:
        engine = ChunkedEngine()
        pool = pool_of(engine, threads=2, max_in_flight=8)
        await pool.start()
        texts = [f"t{k}" for k in range(BATCH_CHUNK * 2 + 3)]
        results = await pool.attribute_batch(texts)
        assert [r.meta["text"] for r in results] == texts
        assert sorted(engine.chunks) == [3, BATCH_CHUNK, BATCH_CHUNK]
        await pool.close()

    run(scenario())


def test_an_article_that_overruns_or_fails_in_a_batch_costs_only_itself() -> None:
    async def scenario() -> None:
        engine = ChunkedEngine(slow_seconds=1.5)
        pool = pool_of(engine, threads=2, max_in_flight=8, timeout_seconds=0.4)
        await pool.start()
        results = await pool.attribute_batch(["a", "slow", "b", "boom"])
        assert [type(r).__name__ for r in results] == [
            "Attribution",
            "EngineTimeout",
            "Attribution",
            "EngineFailed",
        ]
        await pool.close()

    run(scenario())


def test_a_batch_that_cannot_be_admitted_is_refused_whole() -> None:
    async def scenario() -> None:
        pool = pool_of(ChunkedEngine(), max_in_flight=2)
        await pool.start()
        texts = ["x"] * (BATCH_CHUNK * 2 + 1)  # three chunks, two admissions allowed
        with pytest.raises(EngineUnavailable, match="limit is 2"):
            await pool.attribute_batch(texts)
        assert pool.in_flight == 0
        await pool.close()

    run(scenario())
