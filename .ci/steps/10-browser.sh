#!/usr/bin/env bash
# The page's browser tests (tests/web/) drive Debian's chromium headless through Playwright's
# Python package (its driver ships in the wheel; its own browser download cannot work here).
# Installs chromium and fonts with apt-get when they are missing; can be run by hand as root.
set -euo pipefail

packages=(chromium fonts-dejavu-core fonts-liberation)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "Installing ${missing[*]} ..." >&2
    started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
    echo "Installed in $((SECONDS - started)) s." >&2
fi

/usr/bin/chromium --version
