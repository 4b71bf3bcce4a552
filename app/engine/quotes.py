"""Step 1: find quotations by pairing quotation marks in the raw text.

The scan works on characters, before and independently of any parse, one paragraph at a
time, so that one stray mark can never cost the rest of the article (textacy's
``direct_quotations`` gives up on the whole document when the marks don't balance; this
module loses at most the paragraph's own unbalanced quotation).

Which character is a mark, and which way it faces, follows the typographic rule used by
CommonMark for emphasis delimiters ("left-flanking" / "right-flanking"): a mark followed
by a word and preceded by a space opens; a mark preceded by a word and followed by a space
or punctuation closes. The glyph (“ or ”) only breaks ties, because real copy gets curly
quotes wrong (PolNeAR has ``”Mr. Trump embodies ...”``). A single mark between two
letters or digits (``it's``, ``’90s``) is an apostrophe, never a mark.

Conventions, each a newsroom one:

- Double marks (" “ ” „ « ») delimit quotations. Single marks (' ‘ ’) delimit a quotation
  only at the top level (headlines and some house styles use them for speech); inside a
  double-quoted passage they are the inner quotation and stay part of it.
- A quotation running over several paragraphs has an opening mark on each paragraph and a
  closing mark only on the last. Each paragraph's part is returned as its own quotation,
  linked to the previous part (``continues``), because that is how annotated corpora
  (PolNeAR) and editors count them, and because each part keeps exact offsets.
- An opening mark never closed in its paragraph (and not continued by the next one) yields
  a quotation to the end of the paragraph, flagged ``unbalanced``; a closing mark never
  opened yields one from the start of the paragraph. Both are scored lower later on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_AMBIGUOUS = '"'
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"
SINGLE_AMBIGUOUS = "'"
DOUBLE_MARKS = DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_AMBIGUOUS
SINGLE_MARKS = SINGLE_OPEN + SINGLE_CLOSE + SINGLE_AMBIGUOUS
ALL_MARKS = DOUBLE_MARKS + SINGLE_MARKS

# Characters that may stand right before an opening mark / right after a closing one.
_OPEN_CONTEXT = "([{—–-/:;,"
_CLOSE_CONTEXT = ".,;:!?)]}—–-/…"

_PARAGRAPH = re.compile(r"[^\n]+")

Direction = Literal["open", "close", "either"]


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation found by its marks: offsets of the words inside the marks."""

    start: int
    end: int
    open_mark: int | None
    """Offset of the opening mark, or None when it is missing (unbalanced)."""
    close_mark: int | None
    """Offset of the closing mark, or None when it is missing or the quotation continues."""
    paragraph: int
    """Index of the paragraph (a run of text between line breaks) holding the quotation."""
    style: Literal["double", "single"]
    continues: bool = False
    """True when the previous paragraph's quotation runs on into this one."""
    unbalanced: bool = False

    @property
    def outer_start(self) -> int:
        return self.open_mark if self.open_mark is not None else self.start

    @property
    def outer_end(self) -> int:
        return self.close_mark + 1 if self.close_mark is not None else self.end


@dataclass(frozen=True, slots=True)
class _Mark:
    pos: int
    char: str
    direction: Direction


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _direction(text: str, i: int, lo: int, hi: int) -> Direction | None:
    """Which way the mark at ``text[i]`` faces, or None when it is not a mark here."""
    ch = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    if ch in SINGLE_MARKS and _is_word(prev) and _is_word(nxt):
        return None  # apostrophe: it's, don't, rock'n'roll
    if ch in SINGLE_MARKS and nxt.isdigit() and (prev.isspace() or i == lo):
        return None  # elided century: ’90s, '16 campaign
    if ch == '"' and prev.isdigit() and not _is_word(nxt):
        return None  # inches: a 5'10" guard
    if prev.isspace() and nxt.isspace():
        return None  # a separator, as in breadcrumbs: Home » News » World
    prev_open = prev.isspace() or prev in _OPEN_CONTEXT or prev in ALL_MARKS
    next_close = nxt.isspace() or nxt in _CLOSE_CONTEXT or nxt in ALL_MARKS
    can_open = not nxt.isspace() and prev_open
    can_close = not prev.isspace() and next_close
    if ch in SINGLE_MARKS and can_close and not can_open and prev in "sS" and nxt.isspace():
        # Plural possessive (``the players' union``) or a closing mark: both face left;
        # the pairing step only accepts it as a closer when an opener is pending.
        return "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    if ch in DOUBLE_OPEN or ch in SINGLE_OPEN:
        return "open"
    if ch in DOUBLE_CLOSE or ch in SINGLE_CLOSE:
        return "close"
    return "either"


def _marks(text: str, lo: int, hi: int, chars: str) -> list[_Mark]:
    out = []
    for i in range(lo, hi):
        if text[i] in chars:
            d = _direction(text, i, lo, hi)
            if d is not None:
                out.append(_Mark(i, text[i], d))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True, slots=True)
class _Pair:
    open_mark: int | None
    close_mark: int | None
    start: int  # first offset inside the marks
    end: int  # offset after the last character inside the marks
    lost_closer: bool = False
    left_open: bool = False


def _pair_double(text: str, lo: int, hi: int) -> list[_Pair]:
    """Pair the double marks of one paragraph (``text[lo:hi]``), top level only."""
    pairs: list[_Pair] = []
    stack: list[int] = []
    for m in _marks(text, lo, hi, DOUBLE_MARKS):
        opens = m.direction == "open" or (m.direction == "either" and not stack)
        if opens:
            if len(stack) == 1 and m.char != '"' and _looks_unclosed(text, stack[0], m.pos):
                # Nested quotes in double marks are rare in news copy; a pending quotation
                # that already ended its sentence far more often just lost its closer.
                pairs.append(_Pair(stack[0], None, stack[0] + 1, m.pos, lost_closer=True))
                stack.clear()
            stack.append(m.pos)
        elif stack:
            start = stack.pop()
            if not stack:
                pairs.append(_Pair(start, m.pos, start + 1, m.pos))
        elif not pairs:
            # A closer with no opener: the quotation started with the paragraph.
            pairs.append(_Pair(None, m.pos, lo, m.pos, lost_closer=True))
    if stack:
        pairs.append(_Pair(stack[0], None, stack[0] + 1, hi, left_open=True))
    return pairs


def _looks_unclosed(text: str, open_pos: int, next_open: int) -> bool:
    between = text[open_pos + 1 : next_open].rstrip()
    return len(between.split()) >= 3 and between[-1:] in ".!?"


def _pair_single(text: str, lo: int, hi: int, taken: list[tuple[int, int]]) -> list[_Pair]:
    """Top-level single-mark quotations: marks outside every double-quoted passage."""
    pairs = []
    pending: int | None = None
    for m in _marks(text, lo, hi, SINGLE_MARKS):
        if any(a <= m.pos < b for a, b in taken):
            continue
        if pending is None:
            if m.direction in ("open", "either"):
                pending = m.pos
        elif m.direction in ("close", "either"):
            pairs.append(_Pair(pending, m.pos, pending + 1, m.pos))
            pending = None
    return pairs


def _first_opener(text: str, lo: int, hi: int) -> int | None:
    """Offset of the opening double mark that starts the paragraph, if it starts with one."""
    i = lo
    while i < hi and text[i].isspace():
        i += 1
    if i < hi and text[i] in DOUBLE_OPEN + DOUBLE_AMBIGUOUS and _direction(text, i, lo, hi) != "close":
        return i
    return None


def find_quotes(text: str) -> list[QuoteSpan]:
    """All quotations of ``text``, in order of their start offset."""
    spans: list[QuoteSpan] = []
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    carry = False  # the previous paragraph's quotation runs on into this one
    for p, (lo, hi) in enumerate(paragraphs):
        doubles = _pair_double(text, lo, hi)
        taken = [(q.open_mark if q.open_mark is not None else q.start, q.end + 1) for q in doubles]
        singles = _pair_single(text, lo, hi, taken)
        next_continues = p + 1 < len(paragraphs) and _first_opener(text, *paragraphs[p + 1]) is not None
        opener = _first_opener(text, lo, hi)
        left_open = False
        for pair in sorted(doubles + singles, key=lambda q: q.start):
            s, e = _strip(text, pair.start, pair.end)
            if e <= s:
                continue
            continues = carry and pair.open_mark is not None and pair.open_mark == opener
            runs_on = pair.left_open and next_continues
            left_open = left_open or runs_on
            spans.append(
                QuoteSpan(
                    start=s,
                    end=e,
                    open_mark=pair.open_mark,
                    close_mark=pair.close_mark,
                    paragraph=p,
                    style="single" if pair in singles else "double",
                    continues=continues,
                    unbalanced=pair.lost_closer or (pair.left_open and not runs_on),
                )
            )
        carry = left_open
    return spans


def mark_offsets(spans: list[QuoteSpan]) -> Iterator[int]:
    """Offsets of the marks that delimit the given quotations."""
    for q in spans:
        if q.open_mark is not None:
            yield q.open_mark
        if q.close_mark is not None:
            yield q.close_mark
