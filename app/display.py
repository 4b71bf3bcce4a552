"""An article's quotations as HTML, for notebooks: displaCy's entity view, for quote attribution.

``render`` highlights each quotation in its speaker's colour, with the speaker's name as
its label (displaCy's ``ent`` style), underlines the mention that names the speaker in the
same colour, and marks the cue. The colours are the web page's: one list,
``app/web/static/palette.json``, assigned in order of each speaker's first quotation
(``s1``, ``s2``, ...) and cycling, and one grey for quotations with no speaker.

The result is a ``str`` that Jupyter and IPython display as HTML (it has ``_repr_html_``),
so ``render(doc)`` as the last line of a cell shows the article.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from app.engine.types import Attribution, Quote

PALETTE_PATH = Path(__file__).resolve().parent / "web" / "static" / "palette.json"

_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")

_BOX = "padding: 0.2em 0.35em; margin: 0 0.1em; border-radius: 0.35em; line-height: 1; "
_BOX += "box-decoration-break: clone; -webkit-box-decoration-break: clone"
_LABEL = "font-size: 0.75em; font-weight: bold; margin-left: 0.5em; vertical-align: middle"
_CONTAINER = (
    "line-height: 2.5; white-space: pre-wrap; direction: ltr; max-width: 60em; "
    "font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif"
)


@dataclass(frozen=True, slots=True)
class Palette:
    """Speaker colours: ``speakers`` in order of first quotation, cycling; ``unattributed``."""

    speakers: tuple[str, ...]
    unattributed: str

    def colour(self, speaker_index: int | None) -> str:
        """The colour of the speaker at ``speaker_index`` (0 for ``s1``), or the grey for ``None``.

        Args:
            speaker_index: The speaker's position in ``Attribution.speakers``, or ``None``
                for a quotation with no speaker.

        Returns:
            A CSS hex colour.
        """
        if speaker_index is None:
            return self.unattributed
        return self.speakers[speaker_index % len(self.speakers)]


@lru_cache(maxsize=1)
def load_palette(path: Path = PALETTE_PATH) -> Palette:
    """Read the speaker palette shared with the web page.

    Args:
        path: The palette file; the web page's by default.

    Returns:
        The palette.

    Raises:
        ValueError: A colour is not a CSS hex colour (``#rgb`` or ``#rrggbb``), or there
            is no speaker colour.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    speakers = tuple(data["speakers"])
    unattributed = data["unattributed"]
    bad = [c for c in (*speakers, unattributed) if not _COLOUR.fullmatch(str(c))]
    if bad or not speakers:
        raise ValueError(f"{path}: expected hex colours and at least one speaker colour, got {bad}")
    return Palette(speakers, unattributed)


class QuotesHTML(str):
    """HTML markup: a plain ``str`` that Jupyter and IPython show rendered."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class _Markup:
    start: int
    end: int
    rank: int  # 0 for a quotation, 1 for what sits inside or beside one
    open: str
    close: str


def render(
    source: Doc | Attribution,
    text: str | None = None,
    *,
    page: bool = False,
) -> QuotesHTML:
    """HTML of an article with its quotations highlighted in their speakers' colours.

    Args:
        source: A ``Doc`` processed by the ``quote_attributor`` component, or the
            ``Attribution`` that ``QuoteAttributor.attribute`` returned.
        text: The article the ``Attribution`` was computed on; leave it out for a ``Doc``.
        page: Return a whole HTML page (to save to a file) instead of a fragment.

    Returns:
        The HTML: one ``<mark class="qa-quote">`` per quotation, in text order.

    Raises:
        ValueError: ``source`` is a ``Doc`` the component has not processed, or an
            ``Attribution`` without its ``text``, or ``text`` is not the one the
            attribution's offsets point into.
    """
    if isinstance(source, Doc):
        if text is not None:
            raise ValueError("pass text only with an Attribution: a Doc has its own")
        attribution = source._.attribution
        if attribution is None:
            raise ValueError(
                "this Doc has no quotations: process it with a pipeline that has the "
                "quote_attributor component (nlp.add_pipe('quote_attributor'))"
            )
        text = source.text
    else:
        if text is None:
            raise ValueError("pass the article's text: an Attribution holds only offsets")
        attribution = source
    for quote in attribution.quotes:
        if text[quote.start : quote.end] != quote.text:
            raise ValueError(
                f"quotation {quote.id} is not at {quote.start}:{quote.end} of this text: "
                "pass the text the attribution was computed on"
            )
    body = (
        f'<div class="quote-attribution" style="{_CONTAINER}">'
        f"{_markup(text, attribution, load_palette())}</div>"
    )
    if page:
        body = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Quotations</title>\n</head>\n"
            f'<body style="margin: 2em">\n{body}\n</body>\n</html>\n'
        )
    return QuotesHTML(body)


def _markup(text: str, attribution: Attribution, palette: Palette) -> str:
    speaker_index = {s.id: k for k, s in enumerate(attribution.speakers)}
    marks: dict[tuple[int, int, int], _Markup] = {}

    def inline(start: int, end: int, opening: str) -> None:
        # A mention or cue shared by several quotations (continuations) is marked once.
        if start < end:
            marks.setdefault((start, end, 1), _Markup(start, end, 1, opening, "</span>"))

    for quote in attribution.quotes:
        ref = quote.speaker
        colour = palette.colour(speaker_index.get(ref.entity_id) if ref else None)
        label = html.escape(ref.name if ref else "no speaker")
        marks[(quote.start, quote.end, 0)] = _Markup(
            quote.start,
            quote.end,
            0,
            f'<mark class="qa-quote" data-quote-id="{html.escape(quote.id)}"'
            f'{_data("speaker-id", ref.entity_id if ref else None)} title="{_title(quote)}"'
            f' style="background: {colour}; color: #000; {_BOX}">',
            f'<span class="qa-label" style="{_LABEL}">{label}</span></mark>',
        )
        if ref is not None:
            inline(
                ref.mention.start,
                ref.mention.end,
                f'<span class="qa-speaker"{_data("speaker-id", ref.entity_id)} style="'
                f'border-bottom: 0.2em solid {colour}; font-weight: bold">',
            )
        if quote.cue is not None:
            inline(
                quote.cue.start,
                quote.cue.end,
                f'<span class="qa-cue" title="cue: {html.escape(quote.cue.lemma)}" '
                'style="font-style: italic; text-decoration: underline dotted">',
            )

    # A quotation is always shown; a mention or cue that is neither inside one quotation
    # nor clear of all of them would split it, so it goes unmarked.
    quotes = [(q.start, q.end) for q in attribution.quotes]
    shown = [
        m
        for m in marks.values()
        if m.rank == 0
        or all(m.end <= qs or qe <= m.start or qs <= m.start and m.end <= qe for qs, qe in quotes)
    ]

    out: list[str] = []
    pos = 0
    open_ends: list[tuple[int, str]] = []  # (end, closing tag) of the elements open now

    def close_until(offset: int) -> None:
        nonlocal pos
        while open_ends and open_ends[-1][0] <= offset:
            end, closing = open_ends.pop()
            out.append(html.escape(text[pos:end]))
            out.append(closing)
            pos = end

    for mark in sorted(shown, key=lambda m: (m.start, -m.end, m.rank)):
        close_until(mark.start)
        if open_ends and mark.end > open_ends[-1][0]:
            continue  # a mention and a cue that overlap: HTML cannot nest them
        out.append(html.escape(text[pos : mark.start]))
        out.append(mark.open)
        open_ends.append((mark.end, mark.close))
        pos = mark.start
    close_until(len(text))
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _data(name: str, value: str | None) -> str:
    return "" if value is None else f' data-{name}="{html.escape(value)}"'


def _title(quote: Quote) -> str:
    """The tooltip of a quotation: who, how the speaker was found, the cue, the confidence."""
    parts = [quote.id, quote.kind]
    if quote.speaker is not None:
        parts.append(f"{quote.speaker.name} ({quote.speaker.resolution})")
    if quote.cue is not None:
        parts.append(f"cue: {quote.cue.text}")
    parts.append(f"confidence {quote.confidence:.2f}")
    return html.escape(" · ".join(parts))
