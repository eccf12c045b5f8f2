#!/usr/bin/env bash
# Debian's Chromium for the webview's browser tests (playwright-core drives it; no browser download).
# Idempotent: does nothing when `chromium` is already on the PATH.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
command -v chromium >/dev/null
