"""The page's JavaScript modules, run in the browser: offsets, nesting, CSV; emoji end to end."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from .conftest import analyse, highlighted, shown_text

pytestmark = pytest.mark.slow


def call(page: Any, module: str, function: str, *args: Any) -> Any:
    """``function(*args)`` from ``static/<module>``, run in the page."""
    return page.evaluate(
        "async ([url, name, args]) => (await import(url))[name](...args)",
        [f"{page.url}static/{module}", function, list(args)],
    )


@pytest.mark.parametrize(
    "text, utf16",
    [
        ("abc", [0, 1, 2, 3]),
        ("a😀b", [0, 1, 3, 4]),  # one code point, two UTF-16 units
        ("👍🏽!", [0, 2, 4, 5]),  # emoji with a skin-tone modifier: two code points
        ("x\ud800y", [0, 1, 2, 3]),  # a lone surrogate counts one, as the API counts it
    ],
)
def test_code_point_offsets_become_utf16_indices(page: Any, text: str, utf16: list[int]) -> None:
    indices = page.evaluate(
        "async ([url, text, n]) => { const f = (await import(url)).codePointToUtf16(text);"
        " return Array.from({length: n}, (_, i) => f(i)); }",
        [f"{page.url}static/spans.js", text, len(utf16)],
    )

    assert indices == utf16


def nested(page: Any, spans: list[dict[str, Any]], length: int) -> list[Any]:
    """The tree as ``[id, start, end, piece, [children]]`` lists."""
    return page.evaluate(
        "async ([url, spans, length]) => { const {nestSpans} = await import(url);"
        " const walk = (n) => n.children.map(c => [c.span.id, c.start, c.end, c.piece, walk(c)]);"
        " return walk(nestSpans(spans, length)); }",
        [f"{page.url}static/spans.js", spans, length],
    )


@pytest.mark.parametrize(
    "spans, tree",
    [
        # side by side
        ([("a", 0, 2, 1), ("b", 3, 5, 1)], [["a", 0, 2, 0, []], ["b", 3, 5, 0, []]]),
        # a partial quotation inside an indirect one; a cue inside the partial
        (
            [("in", 2, 6, 1), ("out", 0, 10, 0), ("cue", 3, 4, 3)],
            [["out", 0, 10, 0, [["in", 2, 6, 0, [["cue", 3, 4, 0, []]]]]]],
        ),
        # the same extent: the lower rank outside
        (
            [("mention", 0, 4, 2), ("quote", 0, 4, 1)],
            [["quote", 0, 4, 0, [["mention", 0, 4, 0, []]]]],
        ),
        # crossing: the second is split at the first's end, its rest a linked piece
        (
            [("a", 0, 6, 1), ("b", 4, 9, 2)],
            [["a", 0, 6, 0, [["b", 4, 6, 0, []]]], ["b", 6, 9, 1, []]],
        ),
        # empty and out-of-text spans are dropped, overlong ones clipped
        ([("empty", 3, 3, 1), ("past", 12, 15, 1), ("long", 8, 40, 1)], [["long", 8, 10, 0, []]]),
    ],
    ids=["apart", "nested", "same-extent", "crossing", "clipped"],
)
def test_spans_nest_into_a_tree_the_dom_can_hold(page: Any, spans: list[tuple], tree: list) -> None:
    as_objects = [{"id": i, "start": s, "end": e, "rank": r} for i, s, e, r in spans]

    assert nested(page, as_objects, 10) == tree


def test_csv_rows_survive_commas_quotes_line_breaks_and_missing_fields(page: Any) -> None:
    quotes = [
        {"id": "q1", "text": 'He said, "no"\r\nthen left', "start": 3, "end": 27, "kind": "direct",
         "speaker": {"name": "O'Brien, Jr."}, "cue": {"text": "told"}, "confidence": 0.807},
        {"id": "q2", "text": "=SUM(A1)", "start": 30, "end": 38, "kind": "partial",
         "speaker": None, "cue": None, "confidence": 0.1},
    ]  # fmt: skip

    exported = call(page, "export.js", "toCsv", {"quotes": quotes, "speakers": [], "meta": {}})

    assert exported.startswith("\ufeffid,speaker,quote,cue,kind,confidence,start,end\r\n")
    rows = list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"), newline="")))
    assert rows[1:] == [
        ["q1", "O'Brien, Jr.", 'He said, "no"\r\nthen left', "told", "direct", "0.807", "3", "27"],
        ["q2", "", "=SUM(A1)", "", "partial", "0.1", "30", "38"],
    ]


def test_emoji_before_a_quotation_do_not_shift_its_highlight(page: Any) -> None:
    text = (
        '🎉🎉 Paris 👍🏽\n\n"We will not close the bridge," Mayor Anne Hidalgo said on Monday. 🚲'
    )

    response = analyse(page, text)

    body = response.json()
    assert highlighted(page) == ["q1"]
    assert shown_text(page, "q1") == body["quotes"][0]["text"] == "We will not close the bridge,"
    mention = page.eval_on_selector("#article-view .mention.is-attribution", "e => e.textContent")
    assert mention == body["quotes"][0]["speaker"]["mention"]["text"]
    assert page.eval_on_selector("#article-view .cue", "e => e.textContent") == "said"
