"""The public Python package ``quote_attribution``: load once, attribute texts, typed records."""

from __future__ import annotations

import dataclasses
import inspect
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import quote_attribution
from app.engine.assets import CHECKOUT_MODELS_DIR
from quote_attribution import Attribution, Cue, Mention, Quote, QuoteAttributor, SpeakerRef
from tests.conftest import REPO_ROOT, shared_file
from tests.python_api.conftest import EXAMPLE

ARTICLES = [
    EXAMPLE,
    "The central bank left interest rates unchanged on Thursday.",
    '“It is done,” she said. "We will see," Mr. Kono told reporters.',
    "",
    "   \n\n  ",
]


def test_load_gives_the_engine_with_the_installed_lexicons(attributor: QuoteAttributor) -> None:
    assert isinstance(attributor, QuoteAttributor)
    assert attributor.model_name == quote_attribution.DEFAULT_MODEL
    assert "say" in attributor.lexicon.verbs


def test_attribute_returns_the_typed_records(attributor: QuoteAttributor) -> None:
    result = attributor.attribute(EXAMPLE)

    assert isinstance(result, Attribution)
    assert result.quotes == (
        Quote(
            id="q1",
            text="We will not close the bridge,",
            start=1,
            end=30,
            kind="direct",
            speaker=SpeakerRef(
                "s1", "Anne Hidalgo", Mention("Mayor Anne Hidalgo", 32, 50), "explicit"
            ),
            cue=Cue("said", "say", 51, 55),
            confidence=result.quotes[0].confidence,
        ),
    )
    assert 0 < result.quotes[0].confidence <= 1
    assert [(s.id, s.name, s.quote_ids) for s in result.speakers] == [
        ("s1", "Anne Hidalgo", ("q1",))
    ]
    assert result.meta == {
        "model": attributor.model_name,
        "model_version": attributor.model_version,
    }


def test_records_are_frozen(attributor: QuoteAttributor) -> None:
    quote = attributor.attribute(EXAMPLE).quotes[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        quote.text = "changed"  # type: ignore[misc]


def test_attribute_many_equals_attribute_one_by_one(attributor: QuoteAttributor) -> None:
    many = list(attributor.attribute_many(iter(ARTICLES), batch_size=2))

    assert many == [attributor.attribute(text) for text in ARTICLES]
    assert [len(r.quotes) for r in many] == [1, 0, 2, 0, 0]


def test_every_offset_slices_the_text(attributor: QuoteAttributor) -> None:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    result = attributor.attribute(text)

    assert len(result.quotes) == 4
    spans = [q for q in result.quotes]
    spans += [q.speaker.mention for q in result.quotes if q.speaker]
    spans += [q.cue for q in result.quotes if q.cue]
    spans += [m for s in result.speakers for m in s.mentions]
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_the_http_answer_is_the_python_records_field_by_field(
    attributor: QuoteAttributor, client: TestClient
) -> None:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    answer = client.post("/v1/quotes", json={"text": text}).json()

    # The records as JSON (tuples become arrays); the one renamed field is the speaker's id.
    records = json.loads(json.dumps(dataclasses.asdict(attributor.attribute(text))))
    for quote in records["quotes"]:
        if quote["speaker"] is not None:
            quote["speaker"]["id"] = quote["speaker"].pop("entity_id")
    assert len(answer["quotes"]) == 4
    assert answer["quotes"] == records["quotes"]
    assert answer["speakers"] == records["speakers"]
    assert records["meta"].items() <= answer["meta"].items()


def test_models_dir_selects_the_lexicons(tmp_path: Path) -> None:
    # Without "say" in the cue lexicon, "said" attributes nothing: the folder is the one read.
    shutil.copytree(CHECKOUT_MODELS_DIR, tmp_path, dirs_exist_ok=True)
    cues = tmp_path / "lexicons" / "cues.tsv"
    lines = cues.read_text(encoding="utf-8").splitlines(keepends=True)
    cues.write_text(
        "".join(line for line in lines if not line.startswith("say\t")), encoding="utf-8"
    )

    attributor = quote_attribution.load(models_dir=tmp_path)

    assert "say" not in attributor.lexicon.verbs
    assert attributor.attribute(EXAMPLE).quotes[0].cue is None


@pytest.mark.slow
def test_scorer_rules_is_the_rules_baseline(attributor: QuoteAttributor) -> None:
    rules = quote_attribution.load(scorer="rules")

    assert attributor.scorer is not None
    assert rules.scorer is None
    assert rules.attribute(EXAMPLE).quotes[0].speaker.name == "Anne Hidalgo"


def test_an_unknown_scorer_is_refused() -> None:
    with pytest.raises(ValueError, match="scorer"):
        quote_attribution.load(scorer="neural")


def test_a_missing_pipeline_is_an_os_error() -> None:
    with pytest.raises(OSError, match="no_such_pipeline"):
        quote_attribution.load("no_such_pipeline")


def test_in_a_checkout_the_lexicons_are_the_checkout_models_folder() -> None:
    assert quote_attribution.default_models_dir() == REPO_ROOT / "models"


def test_both_packages_are_typed() -> None:
    for package in ("app", "quote_attribution"):
        assert (REPO_ROOT / package / "py.typed").is_file()


# The public API's docstrings follow one style, Google's: a summary line, then ``Args:``
# naming every parameter and ``Returns:`` for what a function returns.
_PUBLIC_DUNDERS = {"__init__", "__call__"}


def _public_api() -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    for name in quote_attribution.__all__:
        obj = getattr(quote_attribution, name)
        if inspect.isfunction(obj):
            items.append((name, obj))
        elif inspect.isclass(obj):
            items.append((name, obj))
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr not in _PUBLIC_DUNDERS:
                    continue
                if attr == "__init__" and dataclasses.is_dataclass(obj):
                    continue  # generated from the fields, which the class docstring names
                if isinstance(member, (classmethod, staticmethod)):
                    member = member.__func__
                if inspect.isfunction(member) or isinstance(member, property):
                    items.append((f"{name}.{attr}", member))
    return items


def _missing_sections(obj: object) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    if not doc.strip():
        return ["a docstring"]
    if not inspect.isfunction(obj):
        return []
    missing = []
    params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    args = doc.split("Args:", 1)[1] if "Args:" in doc else ""
    missing += [f"Args: {p}" for p in params if f"\n    {p}:" not in f"\n{args}"]
    returns = inspect.signature(obj).return_annotation
    if obj.__name__ != "__init__" and returns not in ("None", None) and "Returns:" not in doc:
        missing.append("Returns:")
    return missing


@pytest.mark.parametrize("obj", [pytest.param(obj, id=name) for name, obj in _public_api()])
def test_public_api_has_google_style_docstrings(obj: object) -> None:
    assert _missing_sections(obj) == []
