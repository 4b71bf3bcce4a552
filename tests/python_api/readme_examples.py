"""Runs the ``pycon`` examples of the README's "Use from Python" section as one doctest.

A standalone script too (``python readme_examples.py README.md``, exit status 1 when an
example fails), so that ``test_packaging.py`` runs the same examples against a wheel
installed in another environment, where the tests package is not importable.
"""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

SECTION = "## Use from Python"
_BLOCK = re.compile(r"^```pycon\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section_examples(readme: str) -> str:
    """The ``pycon`` blocks of the section, joined in order: one session, shared names."""
    start = readme.index(f"\n{SECTION}\n")
    end = readme.find("\n## ", start + 1)
    section = readme[start : end if end != -1 else len(readme)]
    blocks = _BLOCK.findall(section)
    if not blocks:
        raise ValueError(f"no ```pycon blocks in the README's {SECTION!r} section")
    return "\n".join(blocks)


def run(readme_path: Path) -> doctest.TestResults:
    """Run the section's examples, reporting each failure on stdout."""
    examples = section_examples(readme_path.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(examples, {}, SECTION, str(readme_path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=sys.stdout.write)
    return runner.summarize(verbose=False)


if __name__ == "__main__":
    results = run(Path(sys.argv[1]))
    print(f"{results.attempted} examples, {results.failed} failed")
    sys.exit(1 if results.failed or not results.attempted else 0)
