"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The real service: the lifespan loads the spaCy pipeline and the engine once per session."""
    with TestClient(create_app()) as test_client:
        yield test_client
