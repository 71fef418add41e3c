#!/usr/bin/env bash
# Set up with the test extras, then run ruff, mypy and the whole pytest suite (unit, web,
# browser) on SQLite and again on PostgreSQL.
#   COOPLEDGER_TEST_DATABASE_URL  PostgreSQL URL (default: the local server, database "test")
#   CI=true                       PostgreSQL and Chromium are required: missing means failure
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export COOPLEDGER_TEST_DATABASE_URL=${COOPLEDGER_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
export COOPLEDGER_CHROMIUM=${COOPLEDGER_CHROMIUM:-/usr/bin/chromium}

echo "== ruff";  .venv/bin/ruff check coopledger tests bench migrations
echo "== mypy";  .venv/bin/mypy
echo "== import contracts";  .venv/bin/lint-imports --no-cache
workers=${PYTEST_WORKERS:-2}
echo "== pytest on SQLite"
.venv/bin/pytest -p no:cacheprovider -n "$workers" --durations=25 --db=sqlite "$@"
if .venv/bin/python scripts/pgcheck.py "$COOPLEDGER_TEST_DATABASE_URL"; then
  echo "== pytest on PostgreSQL"
  # tests/unit touch no database and tests/browser test the pages in Chromium (their server
  # side is what tests/web test on both databases): they ran once above, on SQLite. With
  # arguments, run what was asked.
  if (($#)); then pg_args=("$@"); else pg_args=(tests/web); fi
  .venv/bin/pytest -p no:cacheprovider -n "$workers" --durations=25 --db=postgresql "${pg_args[@]}"
elif [[ ${CI:-} == true ]]; then
  echo "PostgreSQL is not reachable at $COOPLEDGER_TEST_DATABASE_URL; under CI that is a failure." >&2
  exit 1
else
  echo "WARNING: PostgreSQL not reachable at $COOPLEDGER_TEST_DATABASE_URL: the PostgreSQL run was skipped (CI would fail)." >&2
fi
