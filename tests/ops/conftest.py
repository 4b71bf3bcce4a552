"""Tests of the service as it runs in production: a real server process on a loopback port.

Everything here starts the real engine, so it is all marked ``slow``.
"""

from __future__ import annotations

import pytest

from app.engine import QuoteAttributor


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ops/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def engine() -> QuoteAttributor:
    """The engine in this process, for property tests that need no server."""
    return QuoteAttributor.load()
