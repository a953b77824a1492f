#!/usr/bin/env bash
# The project's own local Apache Kafka broker: KRaft, one node (broker + controller), no Docker.
#
#   local-kafka.sh fetch                      resolve the pinned jars from Maven Central (cached)
#   local-kafka.sh start [options]            format (first time only), start in the background, wait
#   local-kafka.sh stop  [--data-dir DIR]     SIGTERM, wait, then SIGKILL
#   local-kafka.sh status [--data-dir DIR]    exit 0 when running and answering
#
# start options (environment variable in brackets):
#   --port PORT             client listener on 127.0.0.1 (LOCAL_KAFKA_PORT, default 19092)
#   --controller-port PORT  KRaft controller listener (LOCAL_KAFKA_CONTROLLER_PORT, default port+1)
#   --data-dir DIR          KRaft data, rendered config, pid file (LOCAL_KAFKA_DATA_DIR, default
#                           .var/kafka in the repository); an existing formatted dir is reused
#   --log-file FILE         broker output (LOCAL_KAFKA_LOG_FILE, default DIR/broker.log)
#   --timeout SECONDS       how long to wait for the broker (LOCAL_KAFKA_START_TIMEOUT, default 90)
#   --watch-pid PID         stop the broker when process PID ends (test sessions use their own pid)
#   --pki-dir DIR           certificates (LOCAL_KAFKA_PKI_DIR, default .var/pki in the repository):
#                           ca.pem is the trust anchor, kafka.p12 the broker's identity,
#                           kafka.super-users its super users; created by deploy/pki/local_ca.py
#                           when missing (with PKI_PYTHON, default .venv/bin/python)
#
# The client listener is TLS with client certificates (mTLS) and the principal is the OIN in the
# certificate's subject serialNumber (User:<OIN>); ACLs decide the rest (deploy/kafka/server.properties).
# Clients need ca.pem plus their own <code>.pem/.key; `start` prints the bootstrap as its last line.
#
# Other environment: MAATWERK_CACHE (jar cache root, default ~/.cache/maatwerk-hub), PYTHON (a
# python3 for the readiness probe, standard library only), JAVA (default java),
# LOCAL_KAFKA_JAVA_OPTS (extra JVM options).
set -euo pipefail

readonly KAFKA_VERSION=4.1.1
readonly SCALA_VERSION=2.13
readonly LOG4J_VERSION=2.25.2

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly CACHE_ROOT="${MAATWERK_CACHE:-$HOME/.cache/maatwerk-hub}"
readonly KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
readonly LIB_DIR="$KAFKA_HOME/lib"
readonly FETCH_STAMP="$KAFKA_HOME/.fetched"
readonly PYTHON="${PYTHON:-python3}"
readonly JAVA="${JAVA:-java}"

log() { printf 'local-kafka: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

usage() {
    sed -n '2,/^set -euo pipefail/{/^set/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

# ---------------------------------------------------------------------------------------- fetch

fetch_coordinates() {
    printf '%s\n' \
        "org.apache.kafka:kafka_$SCALA_VERSION:$KAFKA_VERSION" \
        "org.apache.logging.log4j:log4j-slf4j-impl:$LOG4J_VERSION" \
        "org.apache.logging.log4j:log4j-core:$LOG4J_VERSION"
}

write_pom() {
    local pom="$1" group artifact version
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<project xmlns="http://maven.apache.org/POM/4.0.0">'
        echo '  <modelVersion>4.0.0</modelVersion>'
        echo '  <groupId>nl.maatwerk.local</groupId>'
        echo "  <artifactId>local-kafka</artifactId>"
        echo "  <version>$KAFKA_VERSION</version>"
        echo '  <packaging>pom</packaging>'
        echo '  <dependencies>'
        while IFS=: read -r group artifact version; do
            echo "    <dependency><groupId>$group</groupId><artifactId>$artifact</artifactId><version>$version</version></dependency>"
        done < <(fetch_coordinates)
        echo '  </dependencies>'
        echo '</project>'
    } >"$pom"
}

cmd_fetch() {
    [[ $# -eq 0 ]] || usage
    local wanted
    wanted="$(fetch_coordinates)"
    if [[ -f "$FETCH_STAMP" && "$(cat "$FETCH_STAMP")" == "$wanted" ]]; then
        log "jars already in $LIB_DIR"
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars"
    mkdir -p "$KAFKA_HOME"
    # One fetch at a time (parallel test sessions, make -j).
    exec 8>"$KAFKA_HOME/.fetch.lock"
    flock 8
    if [[ -f "$FETCH_STAMP" && "$(cat "$FETCH_STAMP")" == "$wanted" ]]; then
        log "jars already in $LIB_DIR"
        return 0
    fi
    log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $LIB_DIR"
    local build="$KAFKA_HOME/build"
    rm -rf "$build" "$LIB_DIR"
    mkdir -p "$build"
    write_pom "$build/pom.xml"
    if ! mvn -B -q -f "$build/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$build/lib" >"$build/mvn.log" 2>&1; then
        tail -n 40 "$build/mvn.log" >&2
        die "mvn dependency:copy-dependencies failed (full log: $build/mvn.log)"
    fi
    [[ -f "$build/lib/kafka_$SCALA_VERSION-$KAFKA_VERSION.jar" ]] || die "kafka jar missing after mvn"
    mv "$build/lib" "$LIB_DIR"
    rm -rf "$build"
    printf '%s\n' "$wanted" >"$FETCH_STAMP"
    log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
}

require_jars() {
    [[ -f "$FETCH_STAMP" ]] || die "Kafka jars not fetched yet: run '$0 fetch' (or 'make kafka-jars')"
}

# ------------------------------------------------------------------------------- start / stop

PORT="${LOCAL_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${LOCAL_KAFKA_CONTROLLER_PORT:-}"
DATA_DIR="${LOCAL_KAFKA_DATA_DIR:-$REPO_ROOT/.var/kafka}"
LOG_FILE="${LOCAL_KAFKA_LOG_FILE:-}"
START_TIMEOUT="${LOCAL_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${LOCAL_KAFKA_STOP_TIMEOUT:-30}"
WATCH_PID=""
PKI_DIR="${LOCAL_KAFKA_PKI_DIR:-$REPO_ROOT/.var/pki}"

# ssl.principal.mapping.rules. Java writes the subject in RFC 2253 form, where serialNumber has no
# keyword: 2.5.4.5=#1314 then the hex of the 20 ASCII digits (0x30..0x39) of the OIN. The first rule
# takes the 20 digits out of that hex, so the principal is User:<OIN>; it accepts PrintableString
# (0x13) and UTF8String (0x0c) values. The second names the broker (its certificate has no OIN). No
# DEFAULT rule: a certificate matching neither does not authenticate. No backslashes: the value goes
# through a .properties file.
principal_rules() {
    local digits="" replacement="" i
    for i in $(seq 1 20); do
        digits+="3([0-9])"
        replacement+="\$$i"
    done
    printf 'RULE:^(?:.*,)?2[.]5[.]4[.]5=#(?:13|0[cC])14%s(?:,.*)?$/%s/,RULE:^CN=(kafka-broker),O=maatwerk-hub,C=NL$/$1/' \
        "$digits" "$replacement"
}

parse_options() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --port) PORT="${2:?--port needs a value}"; shift 2 ;;
            --controller-port) CONTROLLER_PORT="${2:?--controller-port needs a value}"; shift 2 ;;
            --data-dir) DATA_DIR="${2:?--data-dir needs a value}"; shift 2 ;;
            --log-file) LOG_FILE="${2:?--log-file needs a value}"; shift 2 ;;
            --timeout) START_TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
            --watch-pid) WATCH_PID="${2:?--watch-pid needs a value}"; shift 2 ;;
            --pki-dir) PKI_DIR="${2:?--pki-dir needs a value}"; shift 2 ;;
            -h | --help) usage 0 ;;
            *) log "unknown option: $1"; usage ;;
        esac
    done
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$PORT'"
    CONTROLLER_PORT="${CONTROLLER_PORT:-$((PORT + 1))}"
    [[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "--controller-port must be a number"
    [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "--port and --controller-port must differ"
    [[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
    DATA_DIR="$(realpath -m "$DATA_DIR")"
    LOG_FILE="${LOG_FILE:-$DATA_DIR/broker.log}"
    [[ "$PKI_DIR" == /* ]] || PKI_DIR="$PWD/$PKI_DIR"
    PKI_DIR="$(realpath -m "$PKI_DIR")"
    PID_FILE="$DATA_DIR/broker.pid"
}

# The pid of our broker if it is running, else nothing (a stale pid file is removed).
running_pid() {
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE")"
    local cmdline=""
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    fi
    if [[ "$cmdline" == *"$DATA_DIR/server.properties"* ]]; then
        echo "$pid"
    else
        rm -f "$PID_FILE"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

answers() {
    # As the broker itself: the probe's Metadata request must pass mTLS like any client's.
    "$PYTHON" "$SCRIPT_DIR/probe.py" --quiet --timeout 2 --cafile "$PKI_DIR/ca.pem" \
        --certfile "$PKI_DIR/kafka.pem" --keyfile "$PKI_DIR/kafka.key" "127.0.0.1:$PORT"
}

# The local CA and the broker's identity, created when missing (idempotent: kept while valid).
ensure_pki() {
    local python="${PKI_PYTHON:-}"
    if [[ -z "$python" ]]; then
        python="$REPO_ROOT/.venv/bin/python"
        [[ -x "$python" ]] || python="$PYTHON"
    fi
    if ! "$python" "$REPO_ROOT/deploy/pki/local_ca.py" --dir "$PKI_DIR" >&2; then
        die "cannot create the certificates in $PKI_DIR (deploy/pki/local_ca.py needs the" \
            "project's virtualenv: make venv, or set PKI_PYTHON)"
    fi
    local file
    for file in ca.pem kafka.pem kafka.key kafka.p12 kafka.p12.password kafka.super-users; do
        [[ -f "$PKI_DIR/$file" ]] || die "$PKI_DIR/$file missing"
    done
}

render() {
    local template="$1" target="$2" text
    text="$(<"$template")"
    text="${text//@PORT@/$PORT}"
    text="${text//@CONTROLLER_PORT@/$CONTROLLER_PORT}"
    text="${text//@LOG_DIRS@/$DATA_DIR/kraft}"
    text="${text//@KEYSTORE@/$PKI_DIR/kafka.p12}"
    text="${text//@KEYSTORE_PASSWORD@/$(<"$PKI_DIR/kafka.p12.password")}"
    text="${text//@TRUSTSTORE@/$PKI_DIR/ca.pem}"
    text="${text//@SUPER_USERS@/$(<"$PKI_DIR/kafka.super-users")}"
    text="${text//@PRINCIPAL_RULES@/$(principal_rules)}"
    # It holds the keystore password: readable by its owner only.
    (umask 077 && printf '%s\n' "$text" >"$target")
}

random_cluster_id() {
    # What kafka-storage random-uuid prints: 16 random bytes, base64url without padding, never
    # starting with '-' (awkward on command lines). Saves one JVM start.
    local id
    while :; do
        id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
        [[ "$id" == -* ]] || break
    done
    echo "$id"
}

java_cmd() {
    local -a opts=(-Xmx512m -Xms128m -XX:MaxGCPauseMillis=20
        -Djava.awt.headless=true "-Dlog4j2.configurationFile=$DATA_DIR/log4j2.properties")
    # shellcheck disable=SC2206 # word splitting of extra JVM options is intended
    [[ -z "${LOCAL_KAFKA_JAVA_OPTS:-}" ]] || opts+=($LOCAL_KAFKA_JAVA_OPTS)
    printf '%s\n' "$JAVA" "${opts[@]}" -cp "$LIB_DIR/*"
}

format_once() {
    local marker="$DATA_DIR/kraft/meta.properties"
    if [[ -f "$marker" ]]; then
        local formatted_port
        formatted_port="$(cat "$DATA_DIR/controller-port" 2>/dev/null || true)"
        if [[ -n "$formatted_port" && "$formatted_port" != "$CONTROLLER_PORT" ]]; then
            die "$DATA_DIR was formatted for controller port $formatted_port (the KRaft voter set" \
                "records it): use --controller-port $formatted_port or remove the directory"
        fi
        return 0
    fi
    local -a java
    mapfile -t java < <(java_cmd)
    local cluster_id
    cluster_id="$(random_cluster_id)"
    log "formatting $DATA_DIR/kraft (cluster $cluster_id)"
    if ! "${java[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
        -c "$DATA_DIR/server.properties" >"$DATA_DIR/format.log" 2>&1; then
        cat "$DATA_DIR/format.log" >&2
        die "formatting the KRaft directory failed"
    fi
    echo "$CONTROLLER_PORT" >"$DATA_DIR/controller-port"
}

start_watchdog() {
    local broker_pid="$1"
    [[ -n "$WATCH_PID" ]] || return 0
    kill -0 "$WATCH_PID" 2>/dev/null || die "--watch-pid $WATCH_PID is not running"
    # Detached: stops the broker once the watched process is gone (a test session killed hard).
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c '
        while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done
        exec "$3" stop --data-dir "$4"
    ' watchdog "$WATCH_PID" "$broker_pid" "$SCRIPT_DIR/local-kafka.sh" "$DATA_DIR" \
        </dev/null >/dev/null 2>&1 &
}

cmd_start() {
    parse_options "$@"
    require_jars
    command -v "$JAVA" >/dev/null || die "Java ($JAVA) not found: Kafka $KAFKA_VERSION needs Java 17+"
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        if answers; then
            log "already running (pid $pid) on 127.0.0.1:$PORT"
            echo "127.0.0.1:$PORT"
            return 0
        fi
        die "a broker from $DATA_DIR is running (pid $pid) but does not answer on 127.0.0.1:$PORT"
    fi
    port_in_use "$PORT" && die "port $PORT on 127.0.0.1 is already in use"
    port_in_use "$CONTROLLER_PORT" && die "port $CONTROLLER_PORT on 127.0.0.1 is already in use"

    mkdir -p "$DATA_DIR"
    ensure_pki
    echo "$PKI_DIR" >"$DATA_DIR/pki-dir"
    render "$SCRIPT_DIR/server.properties" "$DATA_DIR/server.properties"
    cp "$SCRIPT_DIR/log4j2.properties" "$DATA_DIR/log4j2.properties"
    format_once

    local -a java
    mapfile -t java < <(java_cmd)
    mkdir -p "$(dirname "$LOG_FILE")"
    local log_start=1
    [[ ! -f "$LOG_FILE" ]] || log_start=$(($(wc -l <"$LOG_FILE") + 1))
    printf '\n==== local-kafka start %s (port %s) ====\n' "$(date -Is)" "$PORT" >>"$LOG_FILE"
    local started=$SECONDS
    # setsid: the broker has its own session, so Ctrl-C in the terminal that started it (make run)
    # reaches the runner, which then stops the broker in order. The shell writes its own pid and
    # then becomes java, so the pid file holds the JVM's pid.
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' start-broker "$PID_FILE" \
        "${java[@]}" kafka.Kafka "$DATA_DIR/server.properties" </dev/null >>"$LOG_FILE" 2>&1 &
    local launcher=$!
    local deadline=$((SECONDS + START_TIMEOUT))
    while [[ ! -s "$PID_FILE" ]] && kill -0 "$launcher" 2>/dev/null; do sleep 0.1; done
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] || pid="$launcher"
    start_watchdog "$pid"

    until answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "the broker exited during start; last lines of $LOG_FILE:"
            tail -n "+$log_start" "$LOG_FILE" | tail -n 40 >&2
            rm -f "$PID_FILE"
            die "broker did not start"
        fi
        if ((SECONDS >= deadline)); then
            log "no answer from 127.0.0.1:$PORT after ${START_TIMEOUT}s; last lines of $LOG_FILE:"
            tail -n "+$log_start" "$LOG_FILE" | tail -n 40 >&2
            stop_pid "$pid"
            die "broker did not start in time"
        fi
        sleep 0.5
    done
    log "Kafka $KAFKA_VERSION up on 127.0.0.1:$PORT (TLS, client certificates from $PKI_DIR;" \
        "controller $CONTROLLER_PORT, pid $pid, data $DATA_DIR, log $LOG_FILE)" \
        "after $((SECONDS - started))s"
    echo "127.0.0.1:$PORT"
}

stop_pid() {
    local pid="$1" waited=0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            log "still running after ${STOP_TIMEOUT}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
}

cmd_stop() {
    parse_options "$@"
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        log "not running ($DATA_DIR)"
        return 0
    fi
    log "stopping broker (pid $pid)"
    stop_pid "$pid"
    log "stopped"
}

cmd_status() {
    # The port to probe comes from the rendered config of the data dir, not from --port.
    parse_options "$@"
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        echo "stopped ($DATA_DIR)"
        return 3
    fi
    PORT="$(sed -n 's/^advertised.listeners=SSL:\/\/127.0.0.1:\([0-9]*\)$/\1/p' \
        "$DATA_DIR/server.properties")"
    PKI_DIR="$(cat "$DATA_DIR/pki-dir" 2>/dev/null || echo "$PKI_DIR")"
    if answers; then
        echo "running (pid $pid) on 127.0.0.1:$PORT, data $DATA_DIR"
    else
        echo "running (pid $pid) but not answering on 127.0.0.1:$PORT"
        return 1
    fi
}

main() {
    [[ $# -ge 1 ]] || usage
    local command="$1"
    shift
    case "$command" in
        fetch) cmd_fetch "$@" ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        -h | --help | help) usage 0 ;;
        *) log "unknown command: $command"; usage ;;
    esac
}

main "$@"
