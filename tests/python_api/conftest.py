"""Fixtures of the Python API's tests: the public loader and an installed pipeline with the component.

Tests that take ``attributor`` or ``pipeline`` load the statistical spaCy pipeline (once per
session) and are marked ``slow``.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import quote_attribution
from quote_attribution import QuoteAttributor

MODEL_FIXTURES = {"attributor", "pipeline"}

EXAMPLE = '"We will not close the bridge," Mayor Anne Hidalgo said on Monday.'


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def attributor() -> QuoteAttributor:
    """The engine as a Python user loads it."""
    return quote_attribution.load()


@pytest.fixture(scope="session")
def pipeline() -> Language:
    """The service's spaCy pipeline as installed, with ``quote_attributor`` added (read-only)."""
    nlp = spacy.load(quote_attribution.DEFAULT_MODEL)
    nlp.add_pipe("quote_attributor")
    return nlp
