#!/usr/bin/env bash
# Start the service: ./scripts/serve.sh (QUOTES_HOST, QUOTES_PORT and the QUOTES_* settings apply).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv "."
exec .venv/bin/uvicorn app.main:app --host "${QUOTES_HOST:-127.0.0.1}" --port "${QUOTES_PORT:-8000}"
