#!/usr/bin/env bash
# Debian's Firefox ESR, for the Firefox e2e suite (FIREFOX_PATH overrides).
exec bash "$(dirname "$0")/ensure-apt.sh" "${FIREFOX_PATH:-/usr/bin/firefox-esr}" firefox-esr
