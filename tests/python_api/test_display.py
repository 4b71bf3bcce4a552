"""``quote_attribution.render``: quotations as HTML, in the web page's speaker colours."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from app.display import PALETTE_PATH, load_palette
from quote_attribution import (
    Attribution,
    Cue,
    Mention,
    Quote,
    QuotesHTML,
    Speaker,
    SpeakerRef,
    render,
)
from tests.conftest import shared_file

PALETTE = json.loads(PALETTE_PATH.read_text(encoding="utf-8"))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text outside the labels."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_label = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if self._in_label or ("class", "qa-label") in attrs:
            self._in_label += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_label:
            self._in_label -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_label:
            self.text.append(data)

    def with_class(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.tags if attrs.get("class") == name]


def background(attrs: dict[str, str | None]) -> str:
    match = re.search(r"background: (#[0-9a-fA-F]+)", attrs["style"] or "")
    assert match, attrs
    return match.group(1)


def said(
    text: str, words: str, speaker: str | None, *, start: int = 0
) -> tuple[Quote, Speaker | None]:
    """A quotation of ``words`` at its first place in ``text`` after ``start``, by ``speaker``."""
    qs = text.index(words, start)
    quote_id = f"q{qs}"
    if speaker is None:
        return Quote(quote_id, words, qs, qs + len(words), "direct", None, None, 0.5), None
    ms = text.index(speaker)
    mention = Mention(speaker, ms, ms + len(speaker))
    sid = f"s-{speaker}"
    ref = SpeakerRef(sid, speaker, mention, "explicit")
    return (
        Quote(quote_id, words, qs, qs + len(words), "direct", ref, None, 0.9),
        Speaker(sid, speaker, "PERSON", (mention,), (quote_id,)),
    )


def attribution(*pairs: tuple[Quote, Speaker | None]) -> Attribution:
    speakers: dict[str, Speaker] = {}
    for _, speaker in pairs:
        if speaker is not None:
            speakers.setdefault(speaker.id, speaker)
    return Attribution(tuple(q for q, _ in pairs), tuple(speakers.values()))


TWO = '"Yes," Ann said. "No," Bob said. "Maybe," Ann said. "Later," someone said.'


def two_speakers() -> Attribution:
    return attribution(
        said(TWO, "Yes,", "Ann"),
        said(TWO, "No,", "Bob"),
        said(TWO, "Maybe,", "Ann"),
        said(TWO, "Later,", None),
    )


def test_one_highlighted_mark_per_quotation_in_text_order() -> None:
    marks = Elements(render(two_speakers(), TWO)).with_class("qa-quote")

    assert [m["data-quote-id"] for m in marks] == [q.id for q in two_speakers().quotes]
    assert [tag for tag, _ in Elements(render(two_speakers(), TWO)).tags].count("mark") == 4


def test_speakers_take_the_palette_colours_in_order_and_keep_them() -> None:
    marks = Elements(render(two_speakers(), TWO)).with_class("qa-quote")

    first, second = PALETTE["speakers"][:2]
    assert [background(m) for m in marks] == [first, second, first, PALETTE["unattributed"]]
    assert [m.get("data-speaker-id") for m in marks] == ["s-Ann", "s-Bob", "s-Ann", None]


def test_colours_cycle_after_the_last_palette_colour() -> None:
    n = len(PALETTE["speakers"]) + 2
    text = " ".join(f'"Word {k}," Person{k:02} said.' for k in range(n))
    result = attribution(*(said(text, f"Word {k},", f"Person{k:02}") for k in range(n)))

    marks = Elements(render(result, text)).with_class("qa-quote")

    expected = [PALETTE["speakers"][k % len(PALETTE["speakers"])] for k in range(n)]
    assert [background(m) for m in marks] == expected


def test_labels_name_the_speaker() -> None:
    markup = render(two_speakers(), TWO)

    labels = re.findall(r'<span class="qa-label"[^>]*>([^<]*)</span>', markup)
    assert labels == ["Ann", "Bob", "Ann", "no speaker"]


def test_the_speaker_mention_is_underlined_in_its_colour_once() -> None:
    elements = Elements(render(two_speakers(), TWO))

    mentions = elements.with_class("qa-speaker")
    assert [m["data-speaker-id"] for m in mentions] == ["s-Ann", "s-Bob"]
    assert PALETTE["speakers"][0] in (mentions[0]["style"] or "")


def test_the_text_is_escaped_and_kept_whole() -> None:
    text = '<b>Tom & "Jerry"</b> wrote: "<script>alert(1)</script> & more," Tom <Jr> said.'
    result = attribution(said(text, "<script>alert(1)</script> & more,", "Tom <Jr>"))

    markup = render(result, text)

    assert "<script>" not in markup and "<b>" not in markup and "<Jr>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more," in markup
    assert ">Tom &lt;Jr&gt;</span></mark>" in markup  # the label
    elements = Elements(markup)
    assert {tag for tag, _ in elements.tags} == {"div", "mark", "span"}
    assert "".join(elements.text) == text


def test_a_cue_is_marked_and_overlaps_never_break_a_quotation() -> None:
    text = '"Fine," he said, "fine."'
    cue_at = text.index("said")
    quote = Quote("q1", "Fine,", 1, 6, "direct", None, Cue("said", "say", cue_at, cue_at + 4), 0.5)
    # A mention that straddles the second quotation's opening mark cannot be nested.
    mention = Mention(text[cue_at:20], cue_at, 20)
    ref = SpeakerRef("s1", "X", mention, "nominal")
    second = Quote("q2", "fine.", 18, 23, "direct", ref, None, 0.5)
    result = Attribution((quote, second), (Speaker("s1", "X", "PERSON", (mention,), ("q2",)),))

    elements = Elements(render(result, text))

    assert len(elements.with_class("qa-quote")) == 2
    assert len(elements.with_class("qa-cue")) == 1
    assert elements.with_class("qa-speaker") == []
    assert "".join(elements.text) == text


def test_paragraphs_stay_paragraphs() -> None:
    text = '"One," Ann said.\n\n"Two," Ann said.'
    result = attribution(said(text, "One,", "Ann"), said(text, "Two,", "Ann", start=10))

    markup = render(result, text)

    assert "white-space: pre-wrap" in markup
    assert "\n\n" in markup


def test_notebooks_display_it_as_html() -> None:
    markup = render(two_speakers(), TWO)

    assert isinstance(markup, QuotesHTML) and isinstance(markup, str)
    assert markup._repr_html_() == str(markup)
    assert markup.startswith('<div class="quote-attribution"')


def test_page_is_a_whole_html_document() -> None:
    page = render(two_speakers(), TWO, page=True)

    assert page.startswith("<!DOCTYPE html>\n")
    assert '<meta charset="utf-8">' in page
    assert page.count('<mark class="qa-quote"') == 4


def test_an_attribution_needs_its_text() -> None:
    with pytest.raises(ValueError, match="pass the article's text"):
        render(two_speakers())


def test_a_different_text_is_refused() -> None:
    with pytest.raises(ValueError, match="is not at"):
        render(two_speakers(), TWO.upper())


def test_a_doc_the_component_did_not_process_is_refused() -> None:
    doc = spacy.blank("en")(TWO)

    with pytest.raises(ValueError, match="quote_attributor"):
        render(doc)
    with pytest.raises(ValueError, match="a Doc has its own"):
        render(doc, TWO)


def test_no_quotation_renders_the_text_alone() -> None:
    markup = render(Attribution(), "Rates are unchanged & calm.")

    assert "<mark" not in markup
    assert "Rates are unchanged &amp; calm." in markup


@pytest.mark.parametrize(
    "palette",
    [
        {"speakers": ["#abc", "red; background: url(x)"], "unattributed": "#eee"},
        {"speakers": [], "unattributed": "#eee"},
        {"speakers": ["#abc"], "unattributed": "grey"},
    ],
)
def test_a_palette_with_anything_but_hex_colours_is_refused(tmp_path: Path, palette: dict) -> None:
    path = tmp_path / "palette.json"
    path.write_text(json.dumps(palette), encoding="utf-8")

    with pytest.raises(ValueError, match="hex colours"):
        load_palette(path)


def test_the_shared_palette_loads() -> None:
    palette = load_palette()

    assert palette.speakers == tuple(PALETTE["speakers"])
    assert palette.unattributed == PALETTE["unattributed"]


def test_a_processed_doc_renders_its_quotations(pipeline: Language) -> None:
    doc = pipeline(shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8"))

    elements = Elements(render(doc))

    marks = elements.with_class("qa-quote")
    assert len(marks) == len(doc._.quotes) == 4
    speakers = [s.id for s in doc._.attribution.speakers]
    assert [background(m) for m in marks] == [
        PALETTE["speakers"][speakers.index(q.record.speaker.entity_id)] for q in doc._.quotes
    ]
    assert "".join(elements.text) == doc.text
