#!/usr/bin/env bash
# Run the tests: ./scripts/test.sh [pytest arguments], e.g. ./scripts/test.sh -m "not slow" -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv ".[test]"
exec .venv/bin/python -m pytest "$@"
