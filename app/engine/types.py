"""Result records of the attribution engine.

Small immutable records, in the spirit of textacy's ``DQTriple``: every span carries
Python string offsets (code points) into the text that was analysed, so that
``text[start:end] == span.text`` always holds. The HTTP layer converts these records
to its response schema field by field; it never re-derives anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuoteKind = Literal["direct", "partial", "indirect"]
"""``direct``: the whole reported content is inside the marks; ``partial``: a quoted
fragment embedded in otherwise reported speech; ``indirect``: the content of reported
speech without quotation marks (returned only when asked for)."""

Resolution = Literal["explicit", "pronoun", "alias", "nominal", "continuation"]
"""How the speaker was found: ``explicit`` a name in the attributing clause; ``pronoun``
he/she/they resolved to an entity; ``alias`` a shorter or titled form of a name
introduced earlier (``Mr. Trump``); ``nominal`` a description (``the minister``);
``continuation`` a quotation with no cue of its own that continues the previous
quotation's speaker."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of the text that refers to an entity (a name, a pronoun, a description)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cue:
    """The attribution cue: a speech verb (``said``) or phrase (``according to``)."""

    text: str
    lemma: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """The speaker of one quotation: the entity, and the mention that attributes it."""

    entity_id: str
    name: str
    mention: Mention
    resolution: Resolution


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: the words inside the marks, without the marks."""

    id: str
    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: SpeakerRef | None
    cue: Cue | None
    confidence: float


UnattributedReason = Literal["no_speaker", "title", "broken_marks"]
"""Why quote-marked words are no quotation of anyone: ``no_speaker`` nothing in the text
says who speaks them (scare quotes, terms, the name of a slogan, or a quotation whose
speaker the engine cannot find); ``title`` the title of a show, book or film; and
``broken_marks`` marks that do not pair, with no cue to vouch for the words between them."""


@dataclass(frozen=True, slots=True)
class Unattributed:
    """Words in quotation marks that the engine attributes to no one."""

    text: str
    start: int
    end: int
    reason: UnattributedReason


@dataclass(frozen=True, slots=True)
class Speaker:
    """An entity that speaks at least once: its fullest name and its coreference chain."""

    id: str
    name: str
    label: str
    mentions: tuple[Mention, ...]
    quote_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Everything the engine found in one article.

    ``quotes`` are who said what: every quotation with its speaker. Words in quotation
    marks that no one in the text is found to say are ``unattributed``, apart, so that a
    scare quote or a show's title never counts as somebody's quotation.
    """

    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    unattributed: tuple[Unattributed, ...] = ()
