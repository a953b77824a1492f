#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; Playwright's own browsers are
# never downloaded).
#
#   chromium.sh path      prints the browser's path on stdout; installs it first when missing
#                         (calls at once take turns: one installs, the others wait and find it)
#
# The browser is $CHROMIUM when set, else the first of chromium / chromium-browser on PATH. As root,
# a missing browser is installed from Debian (apt-get install chromium): a system package, and the
# script says so on stderr, with why, before it installs anything. Otherwise the script fails and
# says how to install it.
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
    # Said before anything changes: this installs a system package (and its dependencies) on
    # the machine, for every user, not something inside the project's folder.
    log "no Chromium found (not on PATH, CHROMIUM not set)."
    log "about to INSTALL A SYSTEM PACKAGE: Debian's 'chromium' (apt-get update, then"
    log "  apt-get install --no-install-recommends chromium), about 100 MB with its libraries,"
    log "  because the browser tests drive a real headless Chromium (Playwright never downloads"
    log "  a browser of its own). To avoid it: install a Chromium yourself, or set CHROMIUM."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
    log "installed Debian's chromium package"
}

LOCK="${TMPDIR:-/tmp}/maatwerk-chromium.lock"
# Calls at once take turns (flock): `make test` starts one in the background as the run begins,
# so that an install overlaps the first tests, and the browser tests' own call waits for it and
# then finds the browser, instead of a second apt-get finding dpkg's lock taken.

cmd_path() {
    local browser
    if [[ -n "${CHROMIUM:-}" ]]; then
        [[ -x "$CHROMIUM" ]] || die "CHROMIUM=$CHROMIUM is not an executable"
        browser="$CHROMIUM"
    elif ! browser="$(find_browser)"; then
        exec 9>"$LOCK"
        flock 9
        if ! browser="$(find_browser)"; then
            install_browser
            browser="$(find_browser)" || die "chromium installed but not found on PATH"
        fi
        exec 9>&-
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
