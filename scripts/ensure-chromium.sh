#!/usr/bin/env bash
# Makes sure Debian's chromium is installed, for the headless home-page check. Installs it with apt
# when run as root (some 130 packages: that is why the check is its own make target); otherwise
# says what to run.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium with apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium >&2
    exit 0
fi
echo "error: chromium is missing: sudo apt-get install -y chromium" >&2
exit 1
