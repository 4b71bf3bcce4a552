"""The real engine, loaded once per test session, and small helpers over its steps.

Tests that take ``attributor`` (or a fixture built on it) run the statistical pipeline and
are marked ``slow``; the hand-built ``Doc`` tests and the raw-text tests are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.engine.assets import default_models_dir
from app.engine.attributor import QuoteAttributor
from app.engine.cues import CueMatch, find_cues
from app.engine.lexicon import Lexicon
from app.engine.nlp import stored_quote_spans
from app.engine.speakers import Finding, find_speakers

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents and "attributor" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def attributor() -> QuoteAttributor:
    return QuoteAttributor.load()


@pytest.fixture(scope="session")
def nlp(attributor: QuoteAttributor) -> Language:
    return attributor.nlp


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon.load(default_models_dir())


def cues_of(doc: Doc, lexicon: Lexicon) -> list[CueMatch]:
    """The cues of a parsed ``Doc`` outside its quotations, as the attributor finds them."""
    quoted = [(q.outer_start, q.outer_end) for q in stored_quote_spans(doc) or ()]
    return find_cues(doc, lexicon, quoted)


@pytest.fixture(scope="session")
def findings_of(attributor: QuoteAttributor):
    """``findings_of(text)``: the parsed ``Doc`` and the speaker step's findings, one per quotation
    (titles and broken marks included, flagged ``speech=False``)."""

    def run(text: str) -> tuple[Doc, list[Finding]]:
        doc = attributor.nlp(text)
        findings = find_speakers(doc, stored_quote_spans(doc), cues_of(doc, attributor.lexicon))
        return doc, findings

    return run
