"""Model assets (``models/lexicons/*.tsv``, loaded by ``app.engine.lexicon``): every row valid.

The files are edited by hand; these tests catch a stray space for a tab, a class or gender
outside the documented set, a strength out of range, and a cue listed twice (the loader
would silently keep the first).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.engine.assets import default_models_dir
from app.engine.lexicon import Lexicon

LEXICONS = default_models_dir() / "lexicons"
CUE_CLASSES = {
    "speech",
    "writing",
    "question",
    "assertion",
    "evaluation",
    "report",
    "thought",
    "stance",
    "phrase",
    "nominal",
}
REQUIRES_DEPS = {"prt", "dobj", "prep"}
CUE_FILES = ("cues.tsv", "reported_cues.tsv")


def rows(name: str) -> list[list[str]]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def test_every_lexicon_file_is_loaded() -> None:
    assert {p.name for p in Path(LEXICONS).glob("*.tsv")} == {
        "cues.tsv",
        "first_names.tsv",
        "organisations.tsv",
        "pronouns.tsv",
        "reported_cues.tsv",
        "speech_nouns.tsv",
        "titles.tsv",
    }


@pytest.mark.parametrize("row", rows("speech_nouns.tsv"), ids=lambda row: row[0])
def test_speech_noun_row(row: list[str]) -> None:
    noun, strength = row
    assert noun == noun.strip().lower() and noun.isalpha()
    assert 0.0 <= float(strength) <= 1.0


def test_speech_nouns_are_cues_of_class_nominal() -> None:
    lexicon = Lexicon.load(default_models_dir())
    assert len(lexicon.nouns) == len(rows("speech_nouns.tsv"))
    assert lexicon.nouns["assertion"].cls == "nominal"
    # A noun and a verb of the same form are two cues: "claim" the verb is an assertion.
    assert lexicon.verbs["claim"].cls == "assertion"


def test_a_nominal_cue_of_reported_speech_alone_is_no_speech_noun() -> None:
    assert (
        lexicon_nouns("reported_cues.tsv") & {row[0] for row in rows("speech_nouns.tsv")} == set()
    )


def lexicon_nouns(name: str) -> set[str]:
    return {row[0] for row in rows(name) if row[1] == "nominal"}


@pytest.mark.parametrize(
    "row", [row for name in CUE_FILES for row in rows(name)], ids=lambda row: row[0]
)
def test_cue_row(row: list[str]) -> None:
    assert len(row) in (3, 4)
    cue, cls, strength = row[:3]
    assert cue == cue.strip().lower() and cue
    assert cls in CUE_CLASSES
    assert 0.0 <= float(strength) <= 1.0
    # Multi-word cues are matched as word sequences: they and only they are phrases.
    assert (" " in cue) == (cls == "phrase")
    if len(row) == 4:
        dep, _, word = row[3].partition("=")
        assert dep in REQUIRES_DEPS and word == word.lower() and word.isalpha()


@pytest.mark.parametrize("name", CUE_FILES)
def test_no_cue_is_listed_twice(name: str) -> None:
    counts = Counter(row[0] for row in rows(name))
    assert [cue for cue, n in counts.items() if n > 1] == []


def test_a_cue_of_reported_speech_alone_is_no_cue_of_quotations() -> None:
    # The same lemma may be in both with different requirements ("point out" for
    # quotations, "point to" for reported speech) or as a noun ("claim"), never the same.
    def key(row: list[str]) -> tuple:
        return row[0], row[1] == "nominal", tuple(row[3:])

    quotation_cues = {key(row) for row in rows("cues.tsv")}
    reported_only = {key(row) for row in rows("reported_cues.tsv")}
    assert quotation_cues & reported_only == set()
    assert all(row[1] != "nominal" for row in rows("cues.tsv"))


@pytest.mark.parametrize(
    ("name", "width", "genders"),
    [
        ("titles.tsv", 3, {"m", "f", "-"}),
        ("first_names.tsv", 2, {"m", "f"}),
        ("pronouns.tsv", 3, {"m", "f", "n", "-"}),
    ],
)
def test_word_lists_have_lower_case_unique_words_and_documented_genders(
    name: str, width: int, genders: set[str]
) -> None:
    table = rows(name)
    assert all(len(row) == width for row in table)
    words = [row[0] for row in table]
    assert all(w == w.strip().lower() and w for w in words)
    assert [w for w, n in Counter(words).items() if n > 1] == []
    assert {row[1] for row in table} <= genders


def test_title_roles_are_plain_lower_case_words() -> None:
    roles = {row[0]: row[2] for row in rows("titles.tsv")}
    assert all(r and r == r.lower() and "." not in r for r in roles.values())
    assert roles["sen."] == "senator"


def test_pronoun_numbers_are_documented() -> None:
    assert {row[2] for row in rows("pronouns.tsv")} <= {"sg", "pl", "-"}


def test_loaded_lexicon_splits_verbs_and_phrases() -> None:
    lexicon = Lexicon.load(default_models_dir())
    assert len(lexicon.verbs) + len(lexicon.phrases) == len(rows("cues.tsv"))
    assert lexicon.verbs["say"].cls == "speech" and lexicon.verbs["say"].strength == 1.0
    assert lexicon.verbs["go"].requires == ("prt", "on")
    assert lexicon.verbs["put"].requires == ("dobj", "it")
    assert lexicon.phrases[("according", "to")].cls == "phrase"
    assert lexicon.titles["mrs."] == "f" and lexicon.pronouns["it"] == ("n", "sg")
    assert lexicon.first_names["maria"] == "f"
    assert lexicon.reported is not None
    reported = lexicon.reported
    assert len(reported.verbs) + len(reported.nouns) == len(rows("reported_cues.tsv"))
    assert reported.verbs["point"].requires == ("prep", "to")
    assert reported.nouns["support"].cls == "nominal" and "support" not in reported.verbs
    assert lexicon.nouns["claim"].cls == "nominal"  # a speech noun: a cue of both kinds
    assert "point" not in lexicon.reported.phrases and not lexicon.reported.titles
