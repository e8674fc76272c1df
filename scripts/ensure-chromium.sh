#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing (the only browser that can be had on these
# machines: npx playwright install cannot download one). Used by npm start and .ci/run.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
  exit 2
fi
echo "Installing Debian's chromium (about a minute)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
