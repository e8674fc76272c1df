#!/usr/bin/env bash
# Installs Debian's Firefox ESR when it is missing: the Firefox e2e suite (test/e2e/firefox.test.ts)
# drives /usr/bin/firefox-esr over WebDriver BiDi. There is no geckodriver package, and none is
# needed. For .ci/run, next to scripts/ensure-chromium.sh.
set -euo pipefail
if [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Firefox is missing: install it with 'sudo apt-get install -y firefox-esr' (or set FIREFOX_PATH)." >&2
  exit 2
fi
echo "Installing Debian's firefox-esr (about 20 s)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq firefox-esr >/dev/null
