"""Property tests of the engine itself, on any Unicode and on quote-heavy text.

Whatever the text: the engine never raises; every span's offsets are in range and
``text[start:end]`` is the span's text (quotes, speaker mentions, cues); confidences are
in [0, 1]; ids are consistent; and the same text gives the same answer twice.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Attribution, QuoteAttributor

MARKS = list("\"'“”‘’«»„‚‹›「」『』") + ["''", "``", "\u05f4"]
WORDS = [
    "said",
    "told",
    "he",
    "she",
    "Mayor",
    "Anne",
    "Hidalgo",
    "the",
    "minister",
    "according",
    "to",
    "added",
    "Lavrov",
    "We",
    "will",
    "not",
    ",",
    ".",
    ":",
    "—",
    "\n",
    "\n\n",
    "\r\n",
]
# Any code point but surrogates, which cannot reach the engine (the API replaces them).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
# Marks and words, spaced or glued together (glued marks are the tokenizer's hard case).
QUOTE_HEAVY = st.builds(
    lambda parts, glue: glue.join(parts),
    st.lists(st.sampled_from(MARKS + WORDS), max_size=120),
    st.sampled_from([" ", ""]),
)
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(text: str, result: Attribution) -> None:
    n = len(text)
    quote_ids = {q.id for q in result.quotes}
    for q in result.quotes:
        assert 0 <= q.start <= q.end <= n
        assert text[q.start : q.end] == q.text
        assert 0.0 <= q.confidence <= 1.0
        assert q.kind in ("direct", "partial")
        if q.cue is not None:
            assert 0 <= q.cue.start <= q.cue.end <= n
            assert text[q.cue.start : q.cue.end] == q.cue.text
        if q.speaker is not None:
            m = q.speaker.mention
            assert 0 <= m.start <= m.end <= n
            assert text[m.start : m.end] == m.text
    for s in result.speakers:
        assert set(s.quote_ids) <= quote_ids
        for m in s.mentions:
            assert text[m.start : m.end] == m.text
    assert [q.start for q in result.quotes] == sorted(q.start for q in result.quotes)


@PROPERTY
@given(text=ANY_TEXT)
def test_any_unicode_text(engine: QuoteAttributor, text: str) -> None:
    result = engine.attribute(text)

    check(text, result)
    assert engine.attribute(text) == result


@PROPERTY
@given(text=QUOTE_HEAVY)
def test_quote_heavy_text(engine: QuoteAttributor, text: str) -> None:
    result = engine.attribute(text)

    check(text, result)
    assert engine.attribute(text) == result
