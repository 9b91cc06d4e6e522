#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the portal's browser tests (Playwright drives it; nothing is
# downloaded from Playwright's CDN). Prints the browser's path.
set -euo pipefail

find_browser() {
  for candidate in "${DOPPEL_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if browser=$(find_browser); then
  echo "$browser"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is not installed; run as root, or: sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium >&2
find_browser
