"""The README's settings table stays in step with the Settings class."""

from pathlib import Path

from app.core.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_documents_every_setting() -> None:
    readme = README.read_text(encoding="utf-8")

    missing = [
        f"QUOTES_{name.upper()}"
        for name in Settings.model_fields
        if f"`QUOTES_{name.upper()}`" not in readme
    ]
    assert not missing, f"add these to the settings table in README.md: {missing}"


def test_readme_keeps_the_accuracy_section() -> None:
    assert "\n## Accuracy\n" in README.read_text(encoding="utf-8")
