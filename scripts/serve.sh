#!/usr/bin/env bash
# Start the service: ./scripts/serve.sh (QUOTES_HOST, QUOTES_PORT, QUOTES_WORKERS and the other
# QUOTES_* settings apply; see the README's Operations section).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv "."
exec .venv/bin/python -m app.server
