#!/usr/bin/env bash
# The README's test command: sets up .venv and runs the whole suite.
set -euo pipefail
./scripts/test.sh
