#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; Playwright's own browsers are
# never downloaded).
#
#   chromium.sh path      prints the browser's path on stdout; installs it first when missing
#
# The browser is $CHROMIUM when set, else the first of chromium / chromium-browser on PATH. As root,
# a missing browser is installed from Debian (apt-get install chromium); otherwise the script fails
# and says how to install it.
set -euo pipefail

log() { printf 'chromium: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

find_browser() {
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

install_browser() {
    [[ $EUID -eq 0 ]] || die "no Chromium found; install one (Debian: apt-get install chromium)" \
        "or set CHROMIUM to its path"
    command -v apt-get >/dev/null || die "no Chromium found and no apt-get to install one"
    log "no Chromium found: installing Debian's chromium package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

cmd_path() {
    local browser
    if [[ -n "${CHROMIUM:-}" ]]; then
        [[ -x "$CHROMIUM" ]] || die "CHROMIUM=$CHROMIUM is not an executable"
        browser="$CHROMIUM"
    elif ! browser="$(find_browser)"; then
        install_browser
        browser="$(find_browser)" || die "chromium installed but not found on PATH"
    fi
    # A browser that cannot even print its version (missing libraries) fails here, not in a test.
    local version
    version="$("$browser" --version 2>&1)" || die "$browser does not run: $version"
    log "$(tail -n 1 <<<"$version") ($browser)"
    echo "$browser"
}

case "${1:-}" in
    path) cmd_path ;;
    -h | --help | help) sed -n '2,/^set -euo pipefail/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2 ;;
    *) sed -n '2,/^set -euo pipefail/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
