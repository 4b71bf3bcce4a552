# Sourced by serve.sh and test.sh: cd to the repo root, then make sure .venv exists and has
# the project installed (editable) with the given extras. pip runs only when pyproject.toml
# changed since the last install, so a second start is instant; delete .venv to force it.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ensure_venv() {
    local spec="$1"  # "." or ".[test]"
    local python
    python="$(command -v python3.11 || command -v python3 || true)"
    if [[ -z "$python" ]]; then
        echo "error: Python 3.11 is needed (python3.11 or python3 on PATH)." >&2
        exit 1
    fi

    if [[ ! -x .venv/bin/python ]]; then
        echo "Creating .venv with $("$python" --version) ..." >&2
        if ! "$python" -m venv .venv; then
            rm -rf .venv
            echo "error: '$python -m venv' failed. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
            exit 1
        fi
    fi
    if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "error: .venv is not Python 3.11; delete it and make python3 a 3.11." >&2
        exit 1
    fi

    local stamp=".venv/.installed${spec//[^a-z]/_}"
    local want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        echo "Installing the project into .venv (pip install -e '$spec'); the first time takes a few minutes ..." >&2
        .venv/bin/python -m pip install --disable-pip-version-check --quiet -e "$spec"
        echo "$want" > "$stamp"
    fi
}
