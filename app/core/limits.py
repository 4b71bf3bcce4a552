"""Per-article limits, one place for every way in: the HTTP API and the command line.

Each check is pure (a text and the settings in, a problem or None out), so each front end
reports it in its own format: the API as a 422 problem, the command line as an error line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.config import Settings

_WORD_RUN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class TextLimitError:
    """Why a text is refused: a pydantic-style error ``type`` and a message for a person."""

    type: str
    """``string_too_long`` (over ``max_text_chars``) or ``word_too_long`` (a run without
    whitespace over ``max_word_chars``)."""
    msg: str


BLANK_TEXT = TextLimitError(
    "string_blank", "Text must contain at least one non-whitespace character"
)
"""Why a text with nothing but whitespace is refused (checked before the limits)."""


def check_blank(text: str) -> TextLimitError | None:
    """``BLANK_TEXT`` when ``text`` has no character but whitespace, else None. Checked on a
    stripped copy: the text itself is kept as sent, or offsets would shift."""
    return BLANK_TEXT if not text.strip() else None


def check_text_limits(text: str, settings: Settings) -> TextLimitError | None:
    """The first limit of ``settings`` that ``text`` breaks, or None when it keeps them all."""
    if len(text) > settings.max_text_chars:
        return TextLimitError(
            "string_too_long",
            f"Text should have at most {settings.max_text_chars} characters (got {len(text)})",
        )
    # spaCy's tokenizer takes time growing with the square of a word's length.
    longest = max((len(run) for run in _WORD_RUN.findall(text)), default=0)
    if longest > settings.max_word_chars:
        return TextLimitError(
            "word_too_long",
            f"Text should have no run of more than {settings.max_word_chars} "
            f"characters without whitespace (got one of {longest})",
        )
    return None
