"""Step 5, confidence (``app.engine.confidence``): the ordering the priors must keep.

The numbers are hand-set priors that will be retuned; these tests pin only what the module
docstring promises about them (which attributions rank above which) and the 0..1 bounds.
"""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import QuoteAttributor
from app.engine.confidence import PATH_PRIOR, RESOLUTION_FACTOR, quote_prior, score
from app.engine.cues import CueMatch
from app.engine.lexicon import CueEntry
from app.engine.quotes import QuoteSpan
from app.engine.speakers import Finding, Path
from app.engine.types import Resolution

TEXT = 'Okafor said "we will not raise taxes this year" on Monday.'
SAID = CueMatch(1, 2, 1, CueEntry("say", "speech", 1.0))
CALLED = CueMatch(1, 2, 1, CueEntry("call", "evaluation", 0.75))


def span(text: str = TEXT, unbalanced: bool = False, style: str = "double") -> QuoteSpan:
    start = text.index('"') + 1
    end = text.index('"', start) if '"' in text[start:] else len(text)
    return QuoteSpan(
        start, end, start - 1, end, 0, style, unbalanced=unbalanced,  # type: ignore[arg-type]
        outer_start=start - 1, outer_end=end + 1,
    )  # fmt: skip


def confidence(
    path: Path,
    resolution: Resolution | None = "explicit",
    cue: CueMatch | None = SAID,
    quote: QuoteSpan | None = None,
    text: str = TEXT,
) -> float:
    return score(Finding(quote or span(text), "direct", path, cue), resolution, text)


def test_governing_beats_sentence_beats_paragraph() -> None:
    assert confidence("governing") > confidence("sentence") > confidence("paragraph")


@pytest.mark.parametrize("path", ["governing", "sentence", "paragraph", "according_to", "colon"])
def test_pronoun_scores_below_explicit_name(path: Path) -> None:
    assert confidence(path, "pronoun") < confidence(path, "explicit")


def test_name_beats_pronoun_beats_description() -> None:
    assert confidence("governing", "explicit") > confidence("governing", "pronoun")
    assert confidence("governing", "pronoun") > confidence("governing", "nominal")


def test_strong_cue_beats_weak_cue() -> None:
    assert confidence("governing", cue=SAID) > confidence("governing", cue=CALLED)


@pytest.mark.parametrize(
    ("source_path", "source_resolution"),
    [
        ("governing", "explicit"),
        ("governing", "pronoun"),
        ("according_to", "explicit"),
        ("colon", "explicit"),
        ("dash", "explicit"),
    ],
)
def test_continuation_scores_below_its_source(
    source_path: Path, source_resolution: Resolution
) -> None:
    cue = None if source_path == "dash" else SAID
    source = confidence(source_path, source_resolution, cue=cue)
    assert confidence("continuation", "continuation", cue=None) < source


def test_continuation_after_a_previous_paragraph_source_scores_below_it(
    attributor: QuoteAttributor,
) -> None:
    source, continuation = attributor.attribute(
        "Maria Lopez told the council on Monday that the budget was balanced.\n"
        '"Every department has made sacrifices."\n'
        '"Nobody was spared."'
    ).quotes
    assert continuation.speaker is not None and continuation.speaker.resolution == "continuation"
    assert continuation.confidence < source.confidence


def test_continuation_scores_below_its_source_end_to_end(attributor: QuoteAttributor) -> None:
    source, continuation = attributor.attribute(
        '"The ruling is wrong," Maria Lopez told reporters. "We will appeal."'
    ).quotes
    assert continuation.speaker is not None and continuation.speaker.resolution == "continuation"
    assert continuation.confidence < source.confidence


@pytest.mark.parametrize("path", ["none", "governing", "subject"])
def test_no_speaker_is_low(path: Path) -> None:
    assert confidence(path, None, cue=None) < 0.2


def test_quotation_without_speaker_is_listed_apart_end_to_end(
    attributor: QuoteAttributor,
) -> None:
    result = attributor.attribute('The council approved the budget. "It was a long night."')
    assert result.quotes == ()
    assert [(u.text, u.reason) for u in result.unattributed] == [
        ("It was a long night.", "no_speaker")
    ]


SHORT = 'He called it "a sham" today.'


@pytest.mark.parametrize(
    ("text", "has_cue", "unbalanced", "style", "expected"),
    [
        (TEXT, True, False, "double", 1.0),
        (TEXT, False, False, "double", 1.0),
        (SHORT, True, False, "double", 1.0),
        # A bare short phrase with no cue is more likely a title or a scare quote.
        (SHORT, False, False, "double", 0.5),
        # Marks that don't balance may have lost words.
        (TEXT, True, True, "double", 0.8),
        (TEXT, True, False, "single", 0.9),
    ],
)
def test_quote_prior(
    text: str, has_cue: bool, unbalanced: bool, style: str, expected: float
) -> None:
    quote = span(text, unbalanced=unbalanced, style=style)
    assert quote_prior(quote, text, has_cue) == pytest.approx(expected)


@given(
    path=st.sampled_from(get_args(Path)),
    resolution=st.sampled_from([None, *get_args(Resolution)]),
    strength=st.floats(0.0, 1.0),
    has_cue=st.booleans(),
    unbalanced=st.booleans(),
    style=st.sampled_from(["double", "single"]),
    words=st.integers(1, 12),
)
def test_confidence_is_between_0_and_1(
    path: Path,
    resolution: Resolution | None,
    strength: float,
    has_cue: bool,
    unbalanced: bool,
    style: str,
    words: int,
) -> None:
    text = 'He said "' + " ".join(["word"] * words) + '" today.'
    cue = CueMatch(1, 2, 1, CueEntry("say", "speech", strength)) if has_cue else None
    quote = span(text, unbalanced=unbalanced, style=style)
    assert 0.0 <= confidence(path, resolution, cue=cue, quote=quote, text=text) <= 1.0


def test_every_path_and_resolution_has_a_prior() -> None:
    assert set(PATH_PRIOR) == set(get_args(Path)) - {"none"}
    assert set(RESOLUTION_FACTOR) == set(get_args(Resolution))
