"""Apps with a fake engine, for tests of the HTTP layer alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

from .fakes import FakeAttributor, MakeClient, finds_nothing, one_quote_in_middle_third


@pytest.fixture(scope="session")
def make_client() -> Iterator[MakeClient]:
    """``make_client(attributor, raise_server_exceptions=True, **settings)``: a started TestClient.

    Keyword arguments override Settings fields (the rest come from the environment as in
    production), so a test can shrink a limit: ``make_client(max_text_chars=10)``.
    """
    with ExitStack() as stack:

        def make(
            attributor: Any = None, *, raise_server_exceptions: bool = True, **settings: Any
        ) -> TestClient:
            app = create_app(Settings(**settings), attributor=attributor or FakeAttributor())
            test_client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
            return stack.enter_context(test_client)

        yield make


@pytest.fixture(scope="session")
def empty_engine() -> FakeAttributor:
    return FakeAttributor(finds_nothing)


@pytest.fixture(scope="session")
def empty_client(make_client: MakeClient, empty_engine: FakeAttributor) -> TestClient:
    """The service with an engine that never finds a quotation."""
    return make_client(empty_engine)


@pytest.fixture(scope="session")
def one_quote_client(make_client: MakeClient) -> TestClient:
    """The service with an engine that finds one quotation in the middle third of any text."""
    return make_client(FakeAttributor(one_quote_in_middle_third))
