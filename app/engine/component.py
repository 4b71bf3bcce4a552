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
(``models_dir``, ``prepare_pipeline``); its lexicons are saved with the pipeline (in the
component's folder, ``lexicons/*.tsv``), so a saved pipeline is self-contained.

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
from app.engine.attributor import QuoteAttributor
from app.engine.lexicon import Lexicon
from app.engine.nlp import BOUNDARY_COMPONENT, _split_dashes
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef

COMPONENT = "quote_attributor"
LEXICON_FOLDER = "lexicons"

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
    return Attribution(tuple(quotes), speakers, dict(data["meta"]))


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
        prepare_pipeline: bool = True,
    ) -> None:
        """Set the component up; its lexicons load on first use.

        Args:
            nlp: The pipeline the component belongs to.
            name: The component's name in the pipeline.
            models_dir: Folder holding ``lexicons/``; ``None`` for the lexicons installed
                with the package.
            prepare_pipeline: Read news copy as the service does: add ``quote_boundaries``
                before the parser (paragraph breaks start sentences, closing quotation
                marks never do) and split attribution dashes off in the tokenizer.
        """
        self.name = name
        self.models_dir = models_dir
        self.prepare_pipeline = prepare_pipeline
        self._nlp = nlp
        self._attributor: QuoteAttributor | None = None
        self._lexicon_files: dict[str, bytes] = {}
        if prepare_pipeline:
            _prepare(nlp)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, models_dir={self.models_dir!r}, "
            f"prepare_pipeline={self.prepare_pipeline!r})"
        )

    @property
    def attributor(self) -> QuoteAttributor:
        """The engine over this pipeline, with the component's lexicons (loaded on first use)."""
        if self._attributor is None:
            self._use_lexicons(Path(self.models_dir) if self.models_dir else default_models_dir())
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
        """Save the lexicons in ``path/lexicons/`` (called by ``nlp.to_disk``).

        Args:
            path: The component's folder in the saved pipeline.
            exclude: Ignored; the component has only its lexicons to save.
        """
        self.attributor  # noqa: B018 (loads the lexicons if nothing did yet)
        folder = Path(path) / LEXICON_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self._lexicon_files.items():
            (folder / name).write_bytes(content)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = ()
    ) -> "QuoteAttributorComponent":
        """Load the lexicons saved in ``path/lexicons/`` (called by ``spacy.load``).

        A saved pipeline without them (saved with this component excluded) keeps the
        lexicons of the component's config.

        Args:
            path: The component's folder in the saved pipeline.
            exclude: Ignored; the component has only its lexicons to load.

        Returns:
            The component itself.
        """
        if (Path(path) / LEXICON_FOLDER).is_dir():
            self._use_lexicons(Path(path))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The lexicons as bytes (called by ``nlp.to_bytes``).

        Args:
            exclude: Ignored; the component has only its lexicons to save.

        Returns:
            The lexicon files, msgpack-encoded.
        """
        self.attributor  # noqa: B018 (loads the lexicons if nothing did yet)
        return srsly.msgpack_dumps({LEXICON_FOLDER: self._lexicon_files})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "QuoteAttributorComponent":
        """Load lexicons from ``to_bytes`` output (called by ``nlp.from_bytes``).

        Args:
            data: What ``to_bytes`` returned.
            exclude: Ignored; the component has only its lexicons to load.

        Returns:
            The component itself.
        """
        files: dict[str, bytes] = srsly.msgpack_loads(data)[LEXICON_FOLDER]
        with tempfile.TemporaryDirectory(prefix="quote_attributor-") as tmp:
            folder = Path(tmp) / LEXICON_FOLDER
            folder.mkdir()
            for name, content in files.items():
                (folder / Path(name).name).write_bytes(content)
            self._use_lexicons(Path(tmp))
        return self

    def _use_lexicons(self, models_dir: Path) -> None:
        folder = models_dir / LEXICON_FOLDER
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{self.name}: no {LEXICON_FOLDER}/ folder in {models_dir} (the component's "
                "models_dir); leave models_dir unset for the lexicons installed with the package"
            )
        lexicon = Lexicon.load(models_dir)
        self._lexicon_files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.tsv"))}
        self._attributor = QuoteAttributor(self._nlp, lexicon)


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
    default_config={"models_dir": None, "prepare_pipeline": True},
    requires=["token.dep", "token.head", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.quotes", "doc._.attribution"],
)
def make_quote_attributor(
    nlp: Language, name: str, models_dir: str | None, prepare_pipeline: bool
) -> QuoteAttributorComponent:
    """The ``quote_attributor`` factory, used by ``nlp.add_pipe`` and ``spacy.load``.

    Args:
        nlp: The pipeline to add the component to; English, with a parser and an NER.
        name: The component's name in the pipeline.
        models_dir: Folder holding ``lexicons/``; ``None`` for the installed lexicons.
        prepare_pipeline: Add ``quote_boundaries`` before the parser and split
            attribution dashes in the tokenizer, as the service does.

    Returns:
        The component.

    Raises:
        ValueError: ``nlp`` is not an English pipeline (the lexicons are English).
    """
    if nlp.lang != "en":
        raise ValueError(f"{COMPONENT} attributes English text; this pipeline is {nlp.lang!r}")
    return QuoteAttributorComponent(
        nlp, name, models_dir=models_dir, prepare_pipeline=prepare_pipeline
    )
