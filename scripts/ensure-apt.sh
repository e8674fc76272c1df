#!/usr/bin/env bash
# Installs a Debian package when its binary is missing: the browsers the tests drive cannot be
# downloaded any other way on these machines (npx playwright install fails).
#   bash scripts/ensure-apt.sh /usr/bin/chromium chromium
#   bash scripts/ensure-apt.sh /usr/bin/firefox-esr firefox-esr
set -euo pipefail
binary=$1
package=$2
if [ -x "$binary" ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$package is missing: install it with 'sudo apt-get install -y $package'." >&2
  exit 2
fi
echo "Installing Debian's $package…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "$package" >/dev/null
