"""Stand-ins for the engine, so the HTTP layer is tested on its own."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef

MakeClient = Callable[..., TestClient]
"""The type of the ``make_client`` fixture (tests/api/conftest.py)."""


def finds_nothing(text: str) -> Attribution:
    return Attribution()


def one_quote_in_middle_third(text: str) -> Attribution:
    """A quote over the middle third of the text, its speaker before it and its cue after it."""
    third = len(text) // 3
    mention = Mention(text[:third], 0, third)
    quote = Quote(
        id="q1",
        text=text[third : 2 * third],
        start=third,
        end=2 * third,
        kind="direct",
        speaker=SpeakerRef("s1", mention.text, mention, "explicit"),
        cue=Cue(text[2 * third :], "say", 2 * third, len(text)),
        confidence=0.5,
    )
    speaker = Speaker("s1", mention.text, "PERSON", (mention,), ("q1",))
    return Attribution(quotes=(quote,), speakers=(speaker,))


class FakeAttributor:
    """Has the engine's interface; answers with ``attribute`` and remembers every text."""

    model_name = "fake_pipeline"
    model_version = "0.0.0"

    def __init__(self, attribute: Callable[[str], Attribution] = finds_nothing) -> None:
        self._attribute = attribute
        self.texts: list[str] = []

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        self.texts.append(text)
        return self._attribute(text)
