#!/usr/bin/env bash
# Set up, migrate the database, load the sample data, print the demo logins and serve the app
# (with its background-job worker) on http://127.0.0.1:5000/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/coopledger init-db
.venv/bin/coopledger load-sample
exec .venv/bin/coopledger run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
