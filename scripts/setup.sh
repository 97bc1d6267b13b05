#!/usr/bin/env bash
# Create .venv and install clearclaim with the pinned versions in requirements.lock.
# Safe to run again: an up-to-date environment is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.clearclaim-installed
wanted="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -c requirements.lock -e '.[dev]'
  echo "$wanted" > "$stamp"
fi
# byte-compile the package as a regular install does (an editable one does not),
# so a cold start does not compile it again each run
.venv/bin/python -m compileall -q src >/dev/null
