#!/usr/bin/env bash
# Debian's Chromium, for npm start, the e2e tests and the check runner (CHROMIUM_PATH overrides).
exec bash "$(dirname "$0")/ensure-apt.sh" "${CHROMIUM_PATH:-/usr/bin/chromium}" chromium
