#!/usr/bin/env python3
"""Write the OpenAPI schema the app serves to openapi.yaml at the repo root.

Run it after changing a route or a schema: ``.venv/bin/python scripts/export_openapi.py``.
tests/api/test_openapi.py fails while the checked-in file differs from the served schema.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
OPENAPI_PATH = REPO_ROOT / "openapi.yaml"


def render(schema: dict[str, Any]) -> str:
    # Keys keep the order FastAPI generates them in (deterministic, and it reads top-down:
    # info, paths, components); allow_unicode keeps the examples readable.
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)


def main() -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from app.main import app

    OPENAPI_PATH.write_text(render(app.openapi()), encoding="utf-8")
    print(f"wrote {OPENAPI_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
