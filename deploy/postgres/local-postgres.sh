#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, on 127.0.0.1, with its own data directory.
#
#   local-postgres.sh start [--port PORT] [--data-dir DIR]   prints the SQLAlchemy URL on stdout
#   local-postgres.sh stop [--data-dir DIR]
#   local-postgres.sh status [--data-dir DIR]
#   local-postgres.sh url [--port PORT]
#
# Defaults: port 54329 (LOCAL_POSTGRES_PORT), data dir .var/postgres in the repository
# (LOCAL_POSTGRES_DATA_DIR). The server binaries are looked up under /usr/lib/postgresql/*/bin (the
# newest), then on PATH; as root, a missing server is installed from Debian (apt-get install
# postgresql) without the distribution's own cluster. PostgreSQL refuses to run as root, so as root
# the server runs as the 'postgres' system user and the data dir is handed to it (its parent
# directories must be traversable by that user).
#
# The database 'maatwerk' belongs to the role 'maatwerk' (password 'maatwerk', CREATEDB), reached
# over TCP with scram-sha-256. Durability is off (fsync, synchronous_commit, full_page_writes):
# this server is for tests, and is faster that way.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly DB_NAME=maatwerk DB_USER=maatwerk DB_PASSWORD=maatwerk
readonly SUPERUSER=postgres

PORT="${LOCAL_POSTGRES_PORT:-54329}"
DATA_DIR="${LOCAL_POSTGRES_DATA_DIR:-$REPO_ROOT/.var/postgres}"
START_TIMEOUT="${LOCAL_POSTGRES_START_TIMEOUT:-60}"
PG_BIN=""

log() { printf 'local-postgres: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

usage() {
    sed -n '2,/^set -euo pipefail/{/^set/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

parse_options() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --port) PORT="${2:?--port needs a value}"; shift 2 ;;
            --data-dir) DATA_DIR="${2:?--data-dir needs a value}"; shift 2 ;;
            --timeout) START_TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
            -h | --help) usage 0 ;;
            *) log "unknown option: $1"; usage ;;
        esac
    done
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$PORT'"
    [[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
    DATA_DIR="$(realpath -m "$DATA_DIR")"
    # Unix sockets are limited to 107 bytes: "$DATA_DIR/.s.PGSQL.$PORT" must fit.
    ((${#DATA_DIR} + 18 <= 107)) || die "data dir path too long for a unix socket: $DATA_DIR"
}

url() {
    echo "postgresql+asyncpg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
}

# ------------------------------------------------------------------------------------ binaries

server_bin_dir() {
    local dir
    # Debian's layout: /usr/lib/postgresql/<major>/bin, newest major first.
    while read -r dir; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -t/ -k5,5 -V -r)
    # Elsewhere (a source build, Homebrew, PGDG layouts on PATH).
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dir="$(dirname "$(realpath "$(command -v pg_ctl)")")"
        if [[ -x "$dir/initdb" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    fi
    return 1
}

install_server() {
    [[ $EUID -eq 0 ]] || die "no PostgreSQL server found; install one (Debian: apt-get install postgresql)"
    command -v apt-get >/dev/null || die "no PostgreSQL server found and no apt-get to install one"
    log "no PostgreSQL server found: installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Like the official postgres image: postgresql-common first, then switch off the distribution's
    # 'main' cluster, which would otherwise be created and started on port 5432.
    apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' \
        /etc/postgresql-common/createcluster.conf
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

find_binaries() {
    if ! PG_BIN="$(server_bin_dir)"; then
        install_server
        PG_BIN="$(server_bin_dir)" || die "PostgreSQL installed but no server binaries found"
    fi
}

# Run a server program as the owner of the data directory.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$SUPERUSER" -- "$@"
    else
        "$@"
    fi
}

prepare_owner() {
    [[ $EUID -eq 0 ]] || return 0
    if ! id -u "$SUPERUSER" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$SUPERUSER"
    fi
    mkdir -p "$DATA_DIR"
    chown "$SUPERUSER:" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    runuser -u "$SUPERUSER" -- test -w "$DATA_DIR" ||
        die "user $SUPERUSER cannot reach $DATA_DIR (a parent directory is not traversable);" \
            "use --data-dir under /tmp"
}

# ---------------------------------------------------------------------------------- commands

running_port() {
    # Line 4 of postmaster.pid is the port; an empty answer means "not running".
    if as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
        sed -n 4p "$DATA_DIR/postmaster.pid"
    fi
}

psql_super() {
    as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA_DIR" -p "$PORT" \
        -U "$SUPERUSER" -d postgres
}

ensure_database() {
    psql_super <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
}

cmd_start() {
    parse_options "$@"
    find_binaries
    prepare_owner
    mkdir -p "$DATA_DIR"
    local current
    current="$(running_port)"
    if [[ -n "$current" ]]; then
        [[ "$current" == "$PORT" ]] ||
            die "a server from $DATA_DIR already runs on port $current, not $PORT"
        log "already running on 127.0.0.1:$PORT ($DATA_DIR)"
    else
        if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
            log "initdb $DATA_DIR ($("$PG_BIN/postgres" --version))"
            local output
            output="$(as_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U "$SUPERUSER" --encoding=UTF8 \
                --locale=C --auth-local=trust --auth-host=scram-sha-256 2>&1)" || {
                printf '%s\n' "$output" >&2
                die "initdb failed"
            }
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            die "port $PORT on 127.0.0.1 is already in use"
        fi
        local options="-c listen_addresses=127.0.0.1 -c port=$PORT"
        options+=" -c unix_socket_directories='$DATA_DIR'"
        options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options+=" -c max_connections=200"
        log "starting on 127.0.0.1:$PORT"
        if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -o "$options" \
            -w -t "$START_TIMEOUT" start >/dev/null; then
            tail -n 30 "$DATA_DIR/server.log" >&2 || true
            die "PostgreSQL did not start"
        fi
    fi
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t "$START_TIMEOUT" ||
        die "PostgreSQL does not accept connections on 127.0.0.1:$PORT"
    ensure_database
    log "ready: $(url)"
    url
}

cmd_stop() {
    parse_options "$@"
    if [[ ! -f "$DATA_DIR/postmaster.pid" ]] || ! PG_BIN="$(server_bin_dir)" ||
        [[ -z "$(running_port)" ]]; then
        log "not running ($DATA_DIR)"
        return 0
    fi
    as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null ||
        as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 30 stop >/dev/null
    log "stopped ($DATA_DIR)"
}

cmd_status() {
    parse_options "$@"
    PG_BIN="$(server_bin_dir)" || {
        echo "no PostgreSQL server installed"
        return 3
    }
    local current
    current="$(running_port)"
    if [[ -z "$current" ]]; then
        echo "stopped ($DATA_DIR)"
        return 3
    fi
    PORT="$current"
    echo "running on 127.0.0.1:$PORT ($DATA_DIR): $(url)"
}

main() {
    [[ $# -ge 1 ]] || usage
    local command="$1"
    shift
    case "$command" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        url) parse_options "$@"; url ;;
        -h | --help | help) usage 0 ;;
        *) log "unknown command: $command"; usage ;;
    esac
}

main "$@"
