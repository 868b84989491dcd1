#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the end-to-end tests; never downloads a browser build.
# Uses $CHROMIUM_PATH when set, else /usr/bin/chromium. Installs the Debian package when missing and
# running as root; otherwise fails with one line that says how to install it.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
  echo "CHROMIUM_PATH is set to '$CHROMIUM_PATH', which is not an executable: point it at Chromium or unset it." >&2
  exit 1
fi

if [ -x /usr/bin/chromium ]; then exit 0; fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at /usr/bin/chromium: installing Debian's chromium package…" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    if [ -x /usr/bin/chromium ]; then exit 0; fi
  fi
  echo "Installing Chromium with 'apt-get install -y chromium' failed: see the apt output above." >&2
  exit 1
fi

echo "Chromium not found at /usr/bin/chromium: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH), then run the tests again." >&2
exit 1
