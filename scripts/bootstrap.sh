#!/usr/bin/env bash
# Set up everything coopledger needs, idempotently: apt packages that are absent, a .venv with
# the package (and with --test its test extras), compiled translations.
#   scripts/bootstrap.sh          run-time needs (CJK font, HarfBuzz subsetting for WeasyPrint)
#   scripts/bootstrap.sh --test   plus Chromium, poppler-utils and the test extras
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bootstrap: $*" >&2; exit 1; }
mode=${1:-}

# --- apt: only packages that are not installed yet -----------------------------------------
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
[[ $mode == --test ]] && pkgs+=(poppler-utils chromium)
python3 -c 'import ensurepip, venv' 2>/dev/null || pkgs+=(python3-venv)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || fail "missing system packages (${missing[*]}) and no apt-get to install them; install them by hand."
  SUDO=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || fail "need root or sudo to install: ${missing[*]}"
    SUDO=(sudo)
  fi
  echo "bootstrap: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq || fail "apt-get update failed (network or mirror problem)"
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || fail "apt-get could not install: ${missing[*]}"
fi

# --- Python: a venv with the package; pip runs only when pyproject.toml changed ------------
command -v python3 >/dev/null || fail "python3 (3.11 or newer) is required"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || fail "Python 3.11 or newer is required"
[[ -x .venv/bin/python ]] || python3 -m venv .venv || fail "could not create .venv"
extras=""; [[ $mode == --test ]] && extras="[test]"
base=".venv/.installed-$(cat pyproject.toml setup.py | sha256sum | cut -c1-16)"
stamp="$base${extras:+-test}"
# an install with the test extras serves the run as well (no reinstall between make test and run)
if [[ ! -f $stamp && ! ( -z $extras && -f $base-test ) ]]; then
  echo "bootstrap: installing coopledger${extras} into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  if ! .venv/bin/python -m pip install -e ".${extras}" >.venv/pip.log 2>&1; then
    grep -v "^WARNING: Location" .venv/pip.log | tail -25 >&2
    fail "pip could not install the package (the last lines of .venv/pip.log are above)"
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# --- translations: compile the catalogs when a .po is newer than its .mo -------------------
for po in coopledger/translations/*/LC_MESSAGES/messages.po; do
  [[ -f $po ]] || continue
  mo=${po%.po}.mo
  if [[ ! -f $mo || $po -nt $mo ]]; then
    .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null || fail "could not compile $po"
  fi
done
