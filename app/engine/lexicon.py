"""Model assets as data: the lexicons in ``models/lexicons/`` (tab-separated, ``#`` comments).

Loaded once per process with the spaCy pipeline; the engine steps only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@dataclass(frozen=True, slots=True)
class CueEntry:
    """One attribution cue of the lexicon."""

    cue: str
    cls: str
    strength: float
    requires: tuple[str, str] | None = None
    """(dependency label, lower-cased word) the verb must govern: ``go`` needs ``prt=on``."""


def _cues(
    path: Path,
) -> tuple[dict[str, CueEntry], dict[tuple[str, ...], CueEntry], dict[str, CueEntry]]:
    """Verbs, phrases and nouns (class ``nominal``) of a cue file."""
    verbs: dict[str, CueEntry] = {}
    phrases: dict[tuple[str, ...], CueEntry] = {}
    nouns: dict[str, CueEntry] = {}
    for row in _rows(path):
        requires = None
        if len(row) > 3 and row[3]:
            dep, word = row[3].split("=")
            requires = (dep, word)
        entry = CueEntry(row[0], row[1], float(row[2]), requires)
        if " " in row[0]:
            phrases[tuple(row[0].split())] = entry
        elif entry.cls == "nominal":
            nouns.setdefault(row[0], entry)
        else:
            verbs.setdefault(row[0], entry)
    return verbs, phrases, nouns


REPORTED_CUES = "reported_cues.tsv"


@dataclass(frozen=True, slots=True)
class Lexicon:
    verbs: dict[str, CueEntry]
    phrases: dict[tuple[str, ...], CueEntry]
    titles: dict[str, str]
    """title word (lower case) -> gender ``m``/``f``/``-``"""
    roles: dict[str, str]
    """title word (lower case) -> the role word a later description uses (``sen.`` -> ``senator``)"""
    pronouns: dict[str, tuple[str, str]]
    """pronoun (lower case) -> (gender, number)"""
    first_names: dict[str, str]
    """given name (lower case) -> gender ``m``/``f``"""
    organisations: frozenset[str] = frozenset()
    """nouns that head a description of an organisation ("the ministry")"""
    reported: Lexicon | None = None
    """cues of reported speech alone (``reported_cues.tsv``), never of a quotation"""
    nouns: dict[str, CueEntry] = field(default_factory=dict)
    """nouns that name an utterance, as cues of class ``nominal``: here the speech nouns
    of ``speech_nouns.tsv`` ("her assertion that "...""), cues of quotations and reported
    speech alike; in ``reported``, the nominal cues of reported speech alone ("criticism of
    the deal")"""

    @classmethod
    def load(cls, models_dir: Path) -> Lexicon:
        folder = Path(models_dir) / "lexicons"
        verbs, phrases, _ = _cues(folder / "cues.tsv")
        reported = None
        if (folder / REPORTED_CUES).exists():
            only_verbs, only_phrases, nouns = _cues(folder / REPORTED_CUES)
            reported = cls(only_verbs, only_phrases, {}, {}, {}, {}, nouns=nouns)
        title_rows = _rows(folder / "titles.tsv")
        titles = {r[0]: r[1] for r in title_rows}
        roles = {r[0]: r[2] if len(r) > 2 else r[0].rstrip(".") for r in title_rows}
        pronouns = {r[0]: (r[1], r[2]) for r in _rows(folder / "pronouns.tsv")}
        first_names = {r[0]: r[1] for r in _rows(folder / "first_names.tsv")}
        organisations = frozenset(r[0] for r in _rows(folder / "organisations.tsv"))
        nouns = {
            r[0]: CueEntry(r[0], "nominal", float(r[1])) for r in _rows(folder / "speech_nouns.tsv")
        }
        return cls(
            verbs, phrases, titles, roles, pronouns, first_names, organisations, reported, nouns
        )
