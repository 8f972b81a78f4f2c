#!/usr/bin/env bash
# Makes sure a Chromium the e2e tests can drive is installed: Debian's package, never a browser download.
# CHROMIUM_PATH overrides the browser (default /usr/bin/chromium).
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file. Point it at a Chromium or unset it to use Debian's /usr/bin/chromium." >&2
  exit 1
fi
echo "Chromium is missing: installing Debian's chromium package (apt-get install -y chromium)…" >&2
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "Cannot install Chromium: this needs root. Run this once, then run the tests again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Cannot install Chromium: apt-get is not available. Install a Chromium and set CHROMIUM_PATH to it." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq chromium >/dev/null
[ -x "$browser" ] || { echo "apt-get finished but $browser is still missing." >&2; exit 1; }
echo "Chromium installed: $("$browser" --version 2>/dev/null | tail -n 1)" >&2
