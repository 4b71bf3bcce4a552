"""Where the engine's model assets (the lexicons and their model card) are on this machine.

There is one copy of them, ``models/`` at the root of the checkout. A wheel ships that
folder inside the package as ``app/models/`` (a ``package-dir`` mapping in
``pyproject.toml``), because a non-editable install has no checkout to look in. Code that
needs the assets asks ``default_models_dir()`` instead of building a path from
``__file__``, so the same code works from a checkout, an editable install and a wheel.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The ``app`` package folder: in ``site-packages`` for a wheel, in the checkout otherwise."""

INSTALLED_MODELS_DIR = _PACKAGE_DIR / "models"
"""Where a wheel install puts ``models/``."""

CHECKOUT_MODELS_DIR = _PACKAGE_DIR.parent / "models"
"""``models/`` at the root of the checkout (source tree and editable installs)."""


def default_models_dir() -> Path:
    """The folder of the engine's model assets that this installation ships.

    Returns:
        ``app/models/`` beside the code in a wheel install, else ``models/`` at the root
        of the checkout the code runs from.

    Raises:
        FileNotFoundError: Neither folder holds the lexicons (a broken install).
    """
    for folder in (INSTALLED_MODELS_DIR, CHECKOUT_MODELS_DIR):
        if (folder / "lexicons").is_dir():
            return folder
    raise FileNotFoundError(
        f"The engine's lexicons are in neither {INSTALLED_MODELS_DIR} (wheel install) nor "
        f"{CHECKOUT_MODELS_DIR} (checkout); reinstall the package or pass models_dir."
    )
