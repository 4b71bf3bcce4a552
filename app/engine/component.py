"""The engine as a spaCy pipeline component: ``nlp.add_pipe("quote_attributor")``.

Added after the parser and the NER of any English pipeline, it attributes the quotations
of every ``Doc`` and leaves the results on two ``Doc`` extensions:

- ``doc._.quotes``: one ``DocQuote`` per quotation, with spaCy spans for the quoted
  words, the cue and the speaker mention, and the engine's record of it;
- ``doc._.attribution``: the ``Attribution`` record, the very value
  ``QuoteAttributor.attribute`` returns for the same text (and the HTTP API serves).

The package advertises the factory through the ``spacy_factories`` entry point, so a
pipeline saved with ``nlp.to_disk`` loads with ``spacy.load`` in any environment where the
package is installed, without importing it first. The component's settings are its config
(``models_dir``, ``scorer``, ``prepare_pipeline``); its model assets (the lexicons and the
learned speaker scorer, every file of ``models/``) are saved with the pipeline, in the
component's folder, so a saved pipeline is self-contained.

Results are kept in ``doc.user_data`` as plain data (dicts, lists, strings, numbers) and the
extensions are getters that build the records and spans from it. So a ``Doc`` keeps its
quotations through ``doc.to_bytes``, ``DocBin(store_user_data=True)`` and
``nlp.pipe(..., n_process=2)``, which all serialise ``user_data`` with msgpack.
"""

# No ``from __future__ import annotations`` here: spaCy validates a factory's config
# against the factory's signature, and needs the annotations as real types.

import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from app.engine.assets import default_models_dir
from app.engine.attributor import QuoteAttributor, person_roles
from app.engine.lexicon import Lexicon
from app.engine.nlp import BOUNDARY_COMPONENT, _split_dashes
from app.engine.scorer import SCORER_FILE, SpeakerScorer
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef, Unattributed

COMPONENT = "quote_attributor"
LEXICON_FOLDER = "lexicons"
SCORERS = ("learned", "rules")

QUOTE_LABEL = "QUOTE"
CUE_LABEL = "CUE"
SPEAKER_LABEL = "SPEAKER"

QUOTE_SPANS = "quote_spans"
"""The extension where ``quote_boundaries`` leaves the quotation marks it paired."""

_DATA_KEY = "quote_attributor.attribution"
"""Where the component keeps a ``Doc``'s attribution, as plain data, in ``doc.user_data``."""


@dataclass(frozen=True, slots=True)
class DocQuote:
    """One quotation of a ``Doc``: spans for its words, cue and speaker, and its record.

    Spans cover whole tokens: a quotation whose first or last character is inside a token
    takes the whole token. The exact character offsets are in ``record``.

    Attributes:
        quote: The quoted words, without the quotation marks (label ``QUOTE``).
        cue: The speech verb or phrase that attributes the quotation (label ``CUE``), or
            ``None``.
        speaker: The mention that attributes the quotation (label ``SPEAKER``): a name, a
            pronoun or a description; for a continuation, the previous quotation's. Its
            entity is ``record.speaker``. ``None`` when no speaker was found.
        record: The engine's record: id, offsets, kind, speaker entity and how it was
            resolved, cue lemma, confidence.
    """

    quote: Span
    cue: Span | None
    speaker: Span | None
    record: Quote


def _span(doc: Doc, start: int, end: int, label: str) -> Span:
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:
        raise ValueError(f"offsets {start}:{end} are outside the Doc ({len(doc.text)} characters)")
    return span


def _to_data(attribution: Attribution) -> dict[str, Any]:
    """The attribution as dicts, lists, strings and numbers (what msgpack can store)."""
    return asdict(attribution)


def _mention(data: dict[str, Any]) -> Mention:
    return Mention(**data)


def _from_data(data: dict[str, Any]) -> Attribution:
    """Rebuild the records from ``_to_data``'s output, also after a msgpack round trip
    (which turns tuples into lists)."""
    quotes = []
    for q in data["quotes"]:
        ref = q["speaker"]
        speaker = None
        if ref is not None:
            speaker = SpeakerRef(**{**ref, "mention": _mention(ref["mention"])})
        cue = Cue(**q["cue"]) if q["cue"] is not None else None
        quotes.append(Quote(**{**q, "speaker": speaker, "cue": cue}))
    speakers = tuple(
        Speaker(
            **{
                **s,
                "mentions": tuple(_mention(m) for m in s["mentions"]),
                "quote_ids": tuple(s["quote_ids"]),
            }
        )
        for s in data["speakers"]
    )
    unattributed = tuple(Unattributed(**u) for u in data.get("unattributed", ()))
    return Attribution(tuple(quotes), speakers, dict(data["meta"]), unattributed)


def _get_attribution(doc: Doc) -> Attribution | None:
    data = doc.user_data.get(_DATA_KEY)
    return None if data is None else _from_data(data)


def _get_quotes(doc: Doc) -> tuple[DocQuote, ...]:
    attribution = _get_attribution(doc)
    if attribution is None:
        return ()
    return tuple(
        DocQuote(
            quote=_span(doc, q.start, q.end, QUOTE_LABEL),
            cue=_span(doc, q.cue.start, q.cue.end, CUE_LABEL) if q.cue else None,
            speaker=(
                _span(doc, q.speaker.mention.start, q.speaker.mention.end, SPEAKER_LABEL)
                if q.speaker
                else None
            ),
            record=q,
        )
        for q in attribution.quotes
    )


if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", getter=_get_quotes)
if not Doc.has_extension("attribution"):
    Doc.set_extension("attribution", getter=_get_attribution)


class QuoteAttributorComponent:
    """The ``quote_attributor`` pipeline component: attributes the quotations of each ``Doc``.

    Create it with ``nlp.add_pipe("quote_attributor")``, after the parser and the NER.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = COMPONENT,
        *,
        models_dir: str | None = None,
        scorer: str = "learned",
        prepare_pipeline: bool = True,
    ) -> None:
        """Set the component up; its model assets load on first use.

        Args:
            nlp: The pipeline the component belongs to.
            name: The component's name in the pipeline.
            models_dir: Folder of the engine's model assets (``lexicons/``, the learned
                scorer); ``None`` for the ones installed with the package.
            scorer: ``"learned"`` chooses speakers and confidences with the learned,
                calibrated scorer, as the service does; ``"rules"`` with the rules alone.
            prepare_pipeline: Read news copy as the service does: add ``quote_boundaries``
                before the parser (paragraph breaks start sentences, closing quotation
                marks never do) and split attribution dashes off in the tokenizer.

        Raises:
            ValueError: ``scorer`` is neither ``"learned"`` nor ``"rules"``.
        """
        if scorer not in SCORERS:
            raise ValueError(f"scorer must be one of {SCORERS}, not {scorer!r}")
        self.name = name
        self.models_dir = models_dir
        self.scorer = scorer
        self.prepare_pipeline = prepare_pipeline
        self._nlp = nlp
        self._attributor: QuoteAttributor | None = None
        self._assets: dict[str, bytes] = {}
        if prepare_pipeline:
            _prepare(nlp)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, models_dir={self.models_dir!r}, "
            f"scorer={self.scorer!r}, prepare_pipeline={self.prepare_pipeline!r})"
        )

    @property
    def attributor(self) -> QuoteAttributor:
        """The engine over this pipeline, with the component's model assets (loaded on first use)."""
        if self._attributor is None:
            self._use_assets(Path(self.models_dir) if self.models_dir else default_models_dir())
        assert self._attributor is not None
        return self._attributor

    def __call__(self, doc: Doc) -> Doc:
        """Attribute the quotations of ``doc`` and store them on its extensions.

        Args:
            doc: A ``Doc`` that the parser and the NER have annotated.

        Returns:
            The same ``doc``, with ``doc._.quotes`` and ``doc._.attribution`` set.

        Raises:
            ValueError: ``doc`` has no dependency parse or no entity annotation (the
                component runs before the parser or the NER, or they are disabled).
        """
        missing = [what for what, attr in _REQUIRED if not doc.has_annotation(attr)]
        if missing:
            raise ValueError(
                f"{self.name} needs {' and '.join(missing)} on the Doc: add it after the "
                f"parser and the NER, e.g. nlp.add_pipe({COMPONENT!r}, last=True) "
                f"(this pipeline runs {', '.join(self._nlp.pipe_names)})"
            )
        doc.user_data[_DATA_KEY] = _to_data(self.attributor.attribute_doc(doc))
        # quote_boundaries leaves the engine's quotation records on the Doc for this step.
        # They are not plain data, so msgpack (doc.to_bytes, DocBin, nlp.pipe with
        # n_process > 1) cannot store them: drop them now that they are used.
        if Doc.has_extension(QUOTE_SPANS):
            doc._.set(QUOTE_SPANS, None)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the model assets in ``path``, laid out as ``models/`` (called by ``nlp.to_disk``).

        Args:
            path: The component's folder in the saved pipeline.
            exclude: Ignored; the component has only its model assets to save.
        """
        self.attributor  # noqa: B018 (loads the assets if nothing did yet)
        for name, content in self._assets.items():
            target = Path(path) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = ()
    ) -> "QuoteAttributorComponent":
        """Load the model assets saved in ``path`` (called by ``spacy.load``).

        A saved pipeline without them (saved with this component excluded) keeps the
        assets of the component's config.

        Args:
            path: The component's folder in the saved pipeline.
            exclude: Ignored; the component has only its model assets to load.

        Returns:
            The component itself.
        """
        if (Path(path) / LEXICON_FOLDER).is_dir():
            self._use_assets(Path(path))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The model assets as bytes (called by ``nlp.to_bytes``).

        Args:
            exclude: Ignored; the component has only its model assets to save.

        Returns:
            The asset files by relative path, msgpack-encoded.
        """
        self.attributor  # noqa: B018 (loads the assets if nothing did yet)
        return srsly.msgpack_dumps({"assets": self._assets})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "QuoteAttributorComponent":
        """Load model assets from ``to_bytes`` output (called by ``nlp.from_bytes``).

        Args:
            data: What ``to_bytes`` returned.
            exclude: Ignored; the component has only its model assets to load.

        Returns:
            The component itself.
        """
        assets: dict[str, bytes] = srsly.msgpack_loads(data)["assets"]
        with tempfile.TemporaryDirectory(prefix="quote_attributor-") as tmp:
            for name, content in assets.items():
                target = Path(tmp, name).resolve()
                if not target.is_relative_to(Path(tmp).resolve()):
                    raise ValueError(f"{self.name}: asset path {name!r} leaves its folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            self._use_assets(Path(tmp))
        return self

    def _use_assets(self, models_dir: Path) -> None:
        """Load the engine's assets from ``models_dir`` as ``QuoteAttributor.load`` does, and
        keep a copy of every file there for ``to_disk``/``to_bytes``."""
        if not (models_dir / LEXICON_FOLDER).is_dir():
            raise FileNotFoundError(
                f"{self.name}: no {LEXICON_FOLDER}/ folder in {models_dir} (the component's "
                "models_dir); leave models_dir unset for the assets installed with the package"
            )
        lexicon = Lexicon.load(models_dir)
        learned = None
        if self.scorer == "learned":
            learned = SpeakerScorer.load(models_dir / SCORER_FILE, roles=person_roles(lexicon))
        # Every file of the folder is an asset, except hidden files and caches.
        rels = [p.relative_to(models_dir) for p in sorted(models_dir.rglob("*")) if p.is_file()]
        self._assets = {
            rel.as_posix(): (models_dir / rel).read_bytes()
            for rel in rels
            if not any(part.startswith((".", "__")) for part in rel.parts)
        }
        self._attributor = QuoteAttributor(self._nlp, lexicon, learned)


_REQUIRED = (("a dependency parse", "DEP"), ("named entities", "ENT_IOB"))


def _prepare(nlp: Language) -> None:
    """Make ``nlp`` read news copy as the engine's own pipeline does (``load_pipeline``)."""
    if isinstance(nlp.tokenizer, Tokenizer):  # not a wrapper's own tokenizer (spacy-stanza)
        _split_dashes(nlp)
    if BOUNDARY_COMPONENT in nlp.component_names:
        return
    parsers = [n for n in nlp.component_names if "token.dep" in nlp.get_pipe_meta(n).assigns]
    if not parsers:
        warnings.warn(
            f"{COMPONENT}: no parser component to put {BOUNDARY_COMPONENT} before, so "
            "sentence boundaries are left as they are (quotations are still found)",
            stacklevel=2,
        )
        return
    nlp.add_pipe(BOUNDARY_COMPONENT, before=parsers[0])


@Language.factory(
    COMPONENT,
    default_config={"models_dir": None, "scorer": "learned", "prepare_pipeline": True},
    requires=["token.dep", "token.head", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.quotes", "doc._.attribution"],
)
def make_quote_attributor(
    nlp: Language, name: str, models_dir: str | None, scorer: str, prepare_pipeline: bool
) -> QuoteAttributorComponent:
    """The ``quote_attributor`` factory, used by ``nlp.add_pipe`` and ``spacy.load``.

    Args:
        nlp: The pipeline to add the component to; English, with a parser and an NER.
        name: The component's name in the pipeline.
        models_dir: Folder of the engine's model assets; ``None`` for the installed ones.
        scorer: ``"learned"`` (the service's) or ``"rules"``: how speakers are chosen.
        prepare_pipeline: Add ``quote_boundaries`` before the parser and split
            attribution dashes in the tokenizer, as the service does.

    Returns:
        The component.

    Raises:
        ValueError: ``nlp`` is not an English pipeline (the lexicons are English), or
            ``scorer`` is unknown.
    """
    if nlp.lang != "en":
        raise ValueError(f"{COMPONENT} attributes English text; this pipeline is {nlp.lang!r}")
    return QuoteAttributorComponent(
        nlp, name, models_dir=models_dir, scorer=scorer, prepare_pipeline=prepare_pipeline
    )
