#!/usr/bin/env bash
# Install the BigQuery emulator the tests start (local-bigquery 0.4.0) into .venv-bqemu.
#
# local-bigquery needs Python >= 3.13, so it gets its own venv from pyenv's 3.13.0. DuckDB is pinned
# to 1.5.5 (below local-bigquery's declared >= 2.0.0) because 1.5.5 ships its icu, ducklake and
# spatial extensions as wheels; tests/support/duckdb_offline_launch.py loads them without a download.
# Safe to re-run: an existing, complete venv is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-bqemu
EMULATOR=local-bigquery==0.4.0
DUCKDB=(duckdb==1.5.5 duckdb-extension-icu==1.5.5 duckdb-extension-ducklake==1.5.5 duckdb-extension-spatial==1.5.5)

installed() {
    "$VENV/bin/python" - "$@" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if all(version(name) == want for name, want in (s.split("==") for s in sys.argv[1:])) else 1)
PY
}

if [ -x "$VENV/bin/python" ] && installed "$EMULATOR" "${DUCKDB[@]}"; then
    echo "setup-bigquery-emulator: $VENV already has $EMULATOR and duckdb 1.5.5"
    exit 0
fi

# pyenv may be installed without being on PATH (a non-interactive CI shell): fall back to its usual root.
if command -v pyenv >/dev/null 2>&1; then
    PYENV_ROOT="$(pyenv root)"
fi
PYTHON="${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python"
if [ ! -x "$PYTHON" ]; then
    echo "setup-bigquery-emulator: $PYTHON is missing; local-bigquery needs Python 3.13 (pyenv install 3.13.0)" >&2
    exit 1
fi

# pip's output (index warnings, the expected duckdb>=2 conflict notice) is shown only when it fails.
pip_install() {
    local log
    log="$(mktemp)"
    if ! "$VENV/bin/pip" install -q --no-cache-dir "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "setup-bigquery-emulator: pip install $* failed" >&2
        exit 1
    fi
    rm -f "$log"
}

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# Two steps: local-bigquery first pulls duckdb 2.x, which the second step replaces with 1.5.5.
pip_install "$EMULATOR"
pip_install "${DUCKDB[@]}"
installed "$EMULATOR" "${DUCKDB[@]}" || { echo "setup-bigquery-emulator: install incomplete" >&2; exit 1; }
echo "setup-bigquery-emulator: installed $EMULATOR and duckdb 1.5.5 into $VENV"
