"""The README's "Use from Python" examples run as written, so they never go stale."""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT
from tests.python_api.readme_examples import SECTION, run, section_examples

README = REPO_ROOT / "README.md"


def test_the_section_has_examples_of_every_part() -> None:
    examples = section_examples(README.read_text(encoding="utf-8"))

    for call in (
        "quote_attribution.load(",
        ".attribute(",
        ".attribute_many(",
        'add_pipe("quote_attributor")',
        "doc._.quotes",
        ".to_disk(",
        "spacy.load(",
        "quote_attribution.render(",
    ):
        assert call in examples, f"the README's {SECTION!r} section has no example of {call}"


@pytest.mark.slow
def test_the_examples_run_as_written(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # the examples save a pipeline and a page in the working folder

    results = run(README)

    assert results.attempted >= 10
    assert results.failed == 0, capsys.readouterr().out
