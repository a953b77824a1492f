#!/usr/bin/env bash
# The project's own local Apache Kafka: KRaft, no Docker; one node (broker + controller) or a
# cluster of such nodes (--nodes 3: replication factor 3, min.insync.replicas=2).
#
#   local-kafka.sh fetch                      resolve the pinned jars from Maven Central (cached)
#   local-kafka.sh start [options]            format (first time only), start in the background, wait
#   local-kafka.sh stop  [--data-dir DIR] [--node ID]   SIGTERM, wait, then SIGKILL (all nodes, or one)
#   local-kafka.sh kill  [--data-dir DIR] --node ID     SIGKILL one node of a cluster (fault tests)
#   local-kafka.sh status [--data-dir DIR] [--node ID]  exit 0 when every node runs and answers
#
# start options (environment variable in brackets):
#   --nodes N               N nodes, each a broker and a KRaft controller (LOCAL_KAFKA_NODES,
#                           default 1); a cluster's node ID lives in DIR/node-ID with its own
#                           broker.log, and its nodes and ports are kept in DIR/cluster.nodes
#   --node ID               of an existing cluster, start only node ID again (after stop/kill);
#                           without it, start starts every node of the data dir that is not running
#   --port PORT             client listener on 127.0.0.1 (LOCAL_KAFKA_PORT, default 19092); a
#                           cluster: the first of N consecutive ports, or a list P1,P2,P3
#   --controller-port PORT  KRaft controller listener (LOCAL_KAFKA_CONTROLLER_PORT, default the port
#                           after the last client port); a cluster: first of N, or a list
#   --data-dir DIR          KRaft data, rendered config, pid file (LOCAL_KAFKA_DATA_DIR, default
#                           .var/kafka in the repository); an existing formatted dir is reused
#   --log-file FILE         broker output of one node (LOCAL_KAFKA_LOG_FILE, default DIR/broker.log)
#   --timeout SECONDS       how long to wait for the broker (LOCAL_KAFKA_START_TIMEOUT, default 90)
#   --watch-pid PID         stop the broker(s) when process PID ends (test sessions use their own pid)
#   --pki-dir DIR           certificates (LOCAL_KAFKA_PKI_DIR, default: those the data dir was started
#                           with, else .var/pki in the repository):
#                           ca.pem is the trust anchor, kafka.p12 the broker's identity,
#                           kafka.super-users its super users; created by deploy/pki/local_ca.py
#                           when missing (with PKI_PYTHON, default .venv/bin/python)
#
# The client listener is TLS with client certificates (mTLS) and the principal is the OIN in the
# certificate's subject serialNumber (User:<OIN>); ACLs decide the rest (deploy/kafka/server.properties).
# Clients need ca.pem plus their own <code>.pem/.key; `start` prints the bootstrap servers (comma-
# separated for a cluster) as its last line. The nodes of a cluster talk to each other (inter-broker
# and controller) over the same mTLS listeners, as the broker (User:kafka-broker, a super user).
#
# Other environment: MAATWERK_CACHE (jar cache root, default ~/.cache/maatwerk-hub), PYTHON (a
# python3 for the readiness probe, standard library only), JAVA (default java),
# LOCAL_KAFKA_JAVA_OPTS (extra JVM options), LOCAL_KAFKA_CDS=off (no class-data sharing archive:
# see "class-data sharing" below; the archive is kept beside the jars).
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

NODES="${LOCAL_KAFKA_NODES:-}"
NODE=""
PORT="${LOCAL_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${LOCAL_KAFKA_CONTROLLER_PORT:-}"
DATA_DIR="${LOCAL_KAFKA_DATA_DIR:-$REPO_ROOT/.var/kafka}"
LOG_FILE="${LOCAL_KAFKA_LOG_FILE:-}"
START_TIMEOUT="${LOCAL_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${LOCAL_KAFKA_STOP_TIMEOUT:-30}"
WATCH_PID=""
PKI_DIR="${LOCAL_KAFKA_PKI_DIR:-}"
PORT_GIVEN=""

# The nodes of this data dir: their ids, client and controller ports (one element per node).
NODE_IDS=()
CLIENT_PORTS=()
CONTROLLER_PORTS=()

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
            --nodes) NODES="${2:?--nodes needs a value}"; shift 2 ;;
            --node) NODE="${2:?--node needs a value}"; shift 2 ;;
            --port) PORT="${2:?--port needs a value}"; PORT_GIVEN=1; shift 2 ;;
            --controller-port) CONTROLLER_PORT="${2:?--controller-port needs a value}"; PORT_GIVEN=1; shift 2 ;;
            --data-dir) DATA_DIR="${2:?--data-dir needs a value}"; shift 2 ;;
            --log-file) LOG_FILE="${2:?--log-file needs a value}"; shift 2 ;;
            --timeout) START_TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
            --watch-pid) WATCH_PID="${2:?--watch-pid needs a value}"; shift 2 ;;
            --pki-dir) PKI_DIR="${2:?--pki-dir needs a value}"; shift 2 ;;
            -h | --help) usage 0 ;;
            *) log "unknown option: $1"; usage ;;
        esac
    done
    [[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
    DATA_DIR="$(realpath -m "$DATA_DIR")"
    # The certificates: given, else those the data dir was started with, else the default.
    [[ -n "$PKI_DIR" || ! -f "$DATA_DIR/pki-dir" ]] || PKI_DIR="$(<"$DATA_DIR/pki-dir")"
    PKI_DIR="${PKI_DIR:-$REPO_ROOT/.var/pki}"
    [[ "$PKI_DIR" == /* ]] || PKI_DIR="$PWD/$PKI_DIR"
    PKI_DIR="$(realpath -m "$PKI_DIR")"
    CLUSTER_FILE="$DATA_DIR/cluster.nodes"
    if [[ -f "$CLUSTER_FILE" ]]; then
        read_cluster_file
    else
        plan_nodes
    fi
    if [[ -n "$NODE" ]]; then
        [[ " ${NODE_IDS[*]} " == *" $NODE "* ]] || die "--node $NODE: the nodes are ${NODE_IDS[*]}"
    fi
}

# A comma-separated list of ports, or one port and the next ones: exactly $2 numbers.
port_list() {
    local value="$1" count="$2" name="$3" i
    local -a ports
    IFS=, read -r -a ports <<<"$value"
    for i in "${ports[@]}"; do [[ "$i" =~ ^[0-9]+$ ]] || die "$name must be numbers, got '$value'"; done
    if ((${#ports[@]} == 1)); then
        for ((i = 1; i < count; i++)); do ports+=($((ports[0] + i))); done
    fi
    ((${#ports[@]} == count)) || die "$name needs $count ports, got '$value'"
    echo "${ports[*]}"
}

# A new data dir: the nodes from --nodes, --port and --controller-port.
plan_nodes() {
    NODES="${NODES:-1}"
    [[ "$NODES" =~ ^[1-9]$ ]] || die "--nodes must be 1 to 9, got '$NODES'"
    local ports
    ports="$(port_list "$PORT" "$NODES" --port)"  # an error in it stops the script (set -e)
    read -r -a CLIENT_PORTS <<<"$ports"
    # One node: the controller on port+1 (as always); several: after the client ports.
    CONTROLLER_PORT="${CONTROLLER_PORT:-$((CLIENT_PORTS[NODES - 1] + 1))}"
    ports="$(port_list "$CONTROLLER_PORT" "$NODES" --controller-port)"
    read -r -a CONTROLLER_PORTS <<<"$ports"
    mapfile -t NODE_IDS < <(seq 1 "$NODES")
    local all
    all="$(printf '%s\n' "${CLIENT_PORTS[@]}" "${CONTROLLER_PORTS[@]}" | sort | uniq -d | xargs)"
    [[ -z "$all" ]] || die "--port and --controller-port must differ (twice: $all)"
}

# A cluster's data dir keeps its nodes and ports (the KRaft voter set records them).
read_cluster_file() {
    local id port controller
    NODE_IDS=() CLIENT_PORTS=() CONTROLLER_PORTS=()
    while read -r id port controller; do
        NODE_IDS+=("$id") CLIENT_PORTS+=("$port") CONTROLLER_PORTS+=("$controller")
    done <"$CLUSTER_FILE"
    if [[ -n "$NODES" && "$NODES" != "${#NODE_IDS[@]}" ]]; then
        die "$DATA_DIR holds a cluster of ${#NODE_IDS[@]} nodes, not $NODES: remove it first"
    fi
    if [[ -n "$PORT_GIVEN" ]]; then
        local wanted
        wanted="$(port_list "$PORT" "${#NODE_IDS[@]}" --port)"
        [[ "$wanted" == "${CLIENT_PORTS[*]}" ]] ||
            die "$DATA_DIR was formatted for ports ${CLIENT_PORTS[*]}: use those or remove it"
    fi
    NODES="${#NODE_IDS[@]}"
}

is_cluster() { ((${#NODE_IDS[@]} > 1)); }

# Select node $1 (its index in NODE_IDS): NODE_ID, NODE_DIR, PORT, CONTROLLER_PORT, PID_FILE,
# NODE_LOG. One node lives in the data dir itself (as it always did); a cluster's in node-<id>/.
select_node() {
    NODE_INDEX="$1"
    local index="$1"
    NODE_ID="${NODE_IDS[index]}"
    PORT="${CLIENT_PORTS[index]}"
    CONTROLLER_PORT="${CONTROLLER_PORTS[index]}"
    if is_cluster; then
        NODE_DIR="$DATA_DIR/node-$NODE_ID"
        NODE_LOG="$NODE_DIR/broker.log"
    else
        NODE_DIR="$DATA_DIR"
        NODE_LOG="${LOG_FILE:-$DATA_DIR/broker.log}"
    fi
    PID_FILE="$NODE_DIR/broker.pid"
}

# How log lines name the selected node.
node_name() { if is_cluster; then echo "node $NODE_ID"; else echo "broker"; fi; }

# The client port the selected node was rendered with (a running node listens there).
use_rendered_port() {
    local rendered=""
    [[ ! -f "$NODE_DIR/server.properties" ]] ||
        rendered="$(sed -n 's/^advertised.listeners=SSL:\/\/127.0.0.1:\([0-9]*\)$/\1/p' \
            "$NODE_DIR/server.properties")"
    PORT="${rendered:-$PORT}"
    CLIENT_PORTS[NODE_INDEX]="$PORT"
}

# The indexes of the nodes a command acts on: --node, else all.
selected_indexes() {
    local i
    for i in "${!NODE_IDS[@]}"; do
        [[ -n "$NODE" && "${NODE_IDS[i]}" != "$NODE" ]] || echo "$i"
    done
}

bootstrap_servers() {
    local IFS=,
    local -a addresses=("${CLIENT_PORTS[@]/#/127.0.0.1:}")
    echo "${addresses[*]}"
}

# The pid of the selected node if it is running, else nothing (a stale pid file is removed).
running_pid() {
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE")"
    local cmdline=""
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    fi
    if [[ "$cmdline" == *"$NODE_DIR/server.properties"* ]]; then
        echo "$pid"
    else
        rm -f "$PID_FILE"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The selected node answers a Metadata request that lists at least $1 brokers (default 1).
answers() {
    # As the broker itself: the probe's Metadata request must pass mTLS like any client's.
    "$PYTHON" "$SCRIPT_DIR/probe.py" --quiet --timeout 2 --cafile "$PKI_DIR/ca.pem" \
        --certfile "$PKI_DIR/kafka.pem" --keyfile "$PKI_DIR/kafka.key" \
        --brokers "${1:-1}" "127.0.0.1:$PORT"
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

# The KRaft quorum: one node finds itself; a cluster lists its voters (a static quorum).
quorum_setting() {
    if ! is_cluster; then
        echo "controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT"
        return
    fi
    local i voters=()
    for i in "${!NODE_IDS[@]}"; do voters+=("${NODE_IDS[i]}@127.0.0.1:${CONTROLLER_PORTS[i]}"); done
    local IFS=,
    echo "controller.quorum.voters=${voters[*]}"
}

render() {
    local template="$1" target="$2" text replication=1 min_isr=1
    if is_cluster; then
        replication=$((NODES < 3 ? NODES : 3))
        min_isr=$((replication - 1))
    fi
    text="$(<"$template")"
    text="${text//@NODE_ID@/$NODE_ID}"
    text="${text//@QUORUM@/$(quorum_setting)}"
    text="${text//@REPLICATION_FACTOR@/$replication}"
    text="${text//@MIN_ISR@/$min_isr}"
    text="${text//@PORT@/$PORT}"
    text="${text//@CONTROLLER_PORT@/$CONTROLLER_PORT}"
    text="${text//@LOG_DIRS@/$NODE_DIR/kraft}"
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

# ------------------------------------------------------------------------ class-data sharing
# Much of a JVM's start is loading and verifying classes: a broker loads about 8,000 of them. With
# the tests' options it took 3.8 s of CPU until it answered (at load 3; 5.2 s at load 18), 2.9 s
# (3.3 s) with them shared; its format 1.1 s, 0.6 s.
# Java's class-data sharing (CDS) maps them, verified once, from an archive. It is made once per
# Java and jar set: a broker started without it writes the classes it loads to a list
# (-XX:DumpLoadedClassList, as does its format), and once it answers a dump in the background
# (`java -Xshare:dump`, about 8 s of CPU, niced) makes the archive beside the jars; later JVMs map
# it (-XX:SharedArchiveFile). Its name holds a fingerprint of the Java and the jars, so another
# Java or other jars make another; a JVM that cannot use an archive loads its classes as before,
# silently (-Xshare:auto). LOCAL_KAFKA_CDS=off: no archive, no class lists.
readonly CDS_DIR="$KAFKA_HOME/cds"

# The archive for this Java and these jars (empty: no class-data sharing).
cds_archive() {
    [[ "${LOCAL_KAFKA_CDS:-on}" != off ]] || return 0
    local java_bin
    java_bin="$(readlink -f "$(command -v "$JAVA")")" || return 0
    local fingerprint
    fingerprint="$({
        echo "$java_bin"
        stat -c '%s %Y' "$java_bin" "$(dirname "$java_bin")/../lib/server/libjvm.so" 2>/dev/null
        stat -c '%n %s %Y' "$LIB_DIR"/*.jar
    } | md5sum | cut -c1-16)"
    echo "$CDS_DIR/kafka-$KAFKA_VERSION-$fingerprint.jsa"
}

# The class list a JVM of the selected node writes while there is no archive ($1: format, broker).
class_list() { echo "$NODE_DIR/$1.classes"; }

# Make the archive in the background from the selected node's class lists (its format's and its
# broker's so far), unless it exists or another start is making it. The broker's list grows while
# it runs: its last line may be half written, so it is left out.
dump_cds_archive_later() {
    local archive
    archive="$(cds_archive)"
    [[ -n "$archive" && ! -f "$archive" && -s "$(class_list broker)" ]] || return 0
    mkdir -p "$CDS_DIR"
    local list="$CDS_DIR/classes.$$"
    { cat "$(class_list format)" 2>/dev/null || true; sed '$d' "$(class_list broker)"; } |
        awk '!seen[$0]++' >"$list"
    setsid "$SCRIPT_DIR/local-kafka.sh" dump-cds "$list" "$archive" </dev/null >/dev/null 2>&1 &
}

# dump-cds LIST ARCHIVE (internal, of dump_cds_archive_later): the archive of the classes in LIST,
# unless another start makes it or made it; LIST is removed.
cmd_dump_cds() {
    local list="$1" archive="$2"
    local partial="$archive.$$"
    # shellcheck disable=SC2064 # the names are fixed now
    trap "rm -f '$list' '$partial'" EXIT
    exec 9>"$CDS_DIR/.dump.lock"
    flock -n 9 || return 0  # another start is making it
    [[ ! -f "$archive" ]] || return 0
    # No archive when it fails: the next start tries again.
    nice -n 10 "$JAVA" -Xshare:dump -XX:SharedClassListFile="$list" \
        -XX:SharedArchiveFile="$partial" -cp "$LIB_DIR/*" >"$CDS_DIR/dump.log" 2>&1 || return 0
    find "$CDS_DIR" -maxdepth 1 -name '*.jsa' -delete  # those of other Javas or jars
    mv "$partial" "$archive"
}

# The JVM of the selected node ($1: format or broker, for its class list).
java_cmd() {
    local -a opts=(-Xmx512m -Xms128m -XX:MaxGCPauseMillis=20
        -Djava.awt.headless=true "-Dlog4j2.configurationFile=$NODE_DIR/log4j2.properties")
    local archive
    archive="$(cds_archive)"
    if [[ -n "$archive" && -f "$archive" ]]; then
        opts+=("-XX:SharedArchiveFile=$archive")
    elif [[ -n "$archive" ]]; then
        opts+=("-XX:DumpLoadedClassList=$(class_list "$1")")
    fi
    # The format runs for a second: the quick compiler and the serial collector (1.0 s of CPU
    # with the defaults, 0.6 s with these).
    [[ "$1" != format ]] || opts+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
    # shellcheck disable=SC2206 # word splitting of extra JVM options is intended
    [[ -z "${LOCAL_KAFKA_JAVA_OPTS:-}" ]] || opts+=($LOCAL_KAFKA_JAVA_OPTS)
    printf '%s\n' "$JAVA" "${opts[@]}" -cp "$LIB_DIR/*"
}

# Format the selected node's KRaft directory unless it is; a cluster's nodes share one cluster id.
format_once() {
    local marker="$NODE_DIR/kraft/meta.properties"
    if [[ -f "$marker" ]]; then
        local formatted_port
        formatted_port="$(cat "$NODE_DIR/controller-port" 2>/dev/null || true)"
        if [[ -n "$formatted_port" && "$formatted_port" != "$CONTROLLER_PORT" ]]; then
            die "$NODE_DIR was formatted for controller port $formatted_port (the KRaft voter set" \
                "records it): use --controller-port $formatted_port or remove the directory"
        fi
        return 0
    fi
    local -a java
    mapfile -t java < <(java_cmd format)
    local cluster_id
    local -a mode=(--standalone)
    if is_cluster; then
        cluster_id="$(<"$DATA_DIR/cluster-id")"
        mode=()  # the voters are in the configuration (controller.quorum.voters)
    else
        cluster_id="$(random_cluster_id)"
    fi
    log "formatting $NODE_DIR/kraft (cluster $cluster_id, node $NODE_ID)"
    if ! "${java[@]}" kafka.tools.StorageTool format "${mode[@]}" -t "$cluster_id" \
        -c "$NODE_DIR/server.properties" >"$NODE_DIR/format.log" 2>&1; then
        cat "$NODE_DIR/format.log" >&2
        die "formatting the KRaft directory failed"
    fi
    echo "$CONTROLLER_PORT" >"$NODE_DIR/controller-port"
}

# Stop the whole data dir once process $WATCH_PID ends (a test session killed hard). One node:
# also ends when that node does; a cluster's watchdog outlives a node that is killed on purpose.
start_watchdog() {
    local broker_pid="$1"
    [[ -n "$WATCH_PID" ]] || return 0
    kill -0 "$WATCH_PID" 2>/dev/null || die "--watch-pid $WATCH_PID is not running"
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c '
        while kill -0 "$1" 2>/dev/null && { [[ -z "$2" ]] || kill -0 "$2" 2>/dev/null; }; do
            sleep 2
        done
        exec "$3" stop --data-dir "$4"
    ' watchdog "$WATCH_PID" "$broker_pid" "$SCRIPT_DIR/local-kafka.sh" "$DATA_DIR" \
        </dev/null >/dev/null 2>&1 &
}

# The selected node's config, rendered; formatting is left to format_once.
prepare_node() {
    port_in_use "$PORT" && die "port $PORT on 127.0.0.1 is already in use"
    port_in_use "$CONTROLLER_PORT" && die "port $CONTROLLER_PORT on 127.0.0.1 is already in use"
    mkdir -p "$NODE_DIR"
    render "$SCRIPT_DIR/server.properties" "$NODE_DIR/server.properties"
    cp "$SCRIPT_DIR/log4j2.properties" "$NODE_DIR/log4j2.properties"
}

# Launch the prepared, formatted node in the background; its pid in LAUNCHED_PID.
launch_node() {
    local -a java
    mapfile -t java < <(java_cmd broker)
    mkdir -p "$(dirname "$NODE_LOG")"
    printf '\n==== local-kafka start %s (node %s, port %s) ====\n' "$(date -Is)" "$NODE_ID" \
        "$PORT" >>"$NODE_LOG"
    rm -f "$PID_FILE"
    # setsid: the broker has its own session, so Ctrl-C in the terminal that started it (make run)
    # reaches the runner, which then stops the broker in order. The shell writes its own pid and
    # then becomes java, so the pid file holds the JVM's pid.
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' start-broker "$PID_FILE" \
        "${java[@]}" kafka.Kafka "$NODE_DIR/server.properties" </dev/null >>"$NODE_LOG" 2>&1 &
    local launcher=$!
    while [[ ! -s "$PID_FILE" ]] && kill -0 "$launcher" 2>/dev/null; do sleep 0.1; done
    LAUNCHED_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
    LAUNCHED_PID="${LAUNCHED_PID:-$launcher}"
}

cmd_start() {
    parse_options "$@"
    require_jars
    command -v "$JAVA" >/dev/null || die "Java ($JAVA) not found: Kafka $KAFKA_VERSION needs Java 17+"
    local index pid
    local -a todo=() pids=() log_starts=()
    for index in $(selected_indexes); do
        select_node "$index"
        pid="$(running_pid)"
        if [[ -z "$pid" ]]; then
            todo+=("$index")
            continue
        fi
        use_rendered_port
        if ! is_cluster && ! answers; then
            die "a broker from $DATA_DIR is running (pid $pid) but does not answer on 127.0.0.1:$PORT"
        fi
    done
    if ((${#todo[@]} == 0)); then
        log "already running: $(bootstrap_servers) ($DATA_DIR)"
        bootstrap_servers
        return 0
    fi

    mkdir -p "$DATA_DIR"
    ensure_pki
    echo "$PKI_DIR" >"$DATA_DIR/pki-dir"
    if is_cluster && [[ ! -f "$CLUSTER_FILE" ]]; then
        for index in "${!NODE_IDS[@]}"; do
            echo "${NODE_IDS[index]} ${CLIENT_PORTS[index]} ${CONTROLLER_PORTS[index]}"
        done >"$CLUSTER_FILE"
    fi
    local started=$SECONDS
    # Formatting starts a JVM per node: all at once (one cluster id, chosen first).
    ! is_cluster || [[ -f "$DATA_DIR/cluster-id" ]] || random_cluster_id >"$DATA_DIR/cluster-id"
    local -a formatting=()
    for index in "${todo[@]}"; do
        select_node "$index"
        prepare_node
        format_once &
        formatting+=($!)
    done
    for pid in "${formatting[@]}"; do
        wait "$pid" || die "formatting the KRaft directories failed"
    done
    # Every node first, then wait: a cluster's node answers only once a quorum of controllers runs.
    for index in "${todo[@]}"; do
        select_node "$index"
        local log_start=1
        [[ ! -f "$NODE_LOG" ]] || log_start=$(($(wc -l <"$NODE_LOG") + 1))
        log_starts+=("$log_start")
        launch_node
        pids+=("$LAUNCHED_PID")
    done
    # One watchdog per start of the whole data dir (not for one node started again).
    if [[ -z "$NODE" ]]; then
        if is_cluster; then start_watchdog ""; else start_watchdog "${pids[0]}"; fi
    fi

    # A whole cluster is up when each node sees all brokers (topics then get their full
    # replication factor); a node started again, when it answers.
    local want=1 deadline=$((SECONDS + START_TIMEOUT)) n
    [[ -n "$NODE" ]] || want="$NODES"
    for n in "${!todo[@]}"; do
        select_node "${todo[n]}"
        pid="${pids[n]}"
        # The probe (a Python process, about 0.1 s of CPU) only once the port takes connections:
        # until the JVM has bound it, a bash connect says no for free. A start of 70 s at load
        # 20-25 spent 5.0 s of CPU besides the broker's own (the format's JVM, the probes), now 3.1 s.
        until port_in_use "$PORT" && answers "$want"; do
            if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
                if kill -0 "$pid" 2>/dev/null; then
                    log "no answer from 127.0.0.1:$PORT after ${START_TIMEOUT}s"
                else
                    log "$(node_name) exited during start"
                fi
                log "last lines of $NODE_LOG:"
                tail -n "+${log_starts[n]}" "$NODE_LOG" | tail -n 40 >&2
                local k
                for k in "${!todo[@]}"; do
                    select_node "${todo[k]}"
                    stop_pid "${pids[k]}"
                done
                die "Kafka did not start"
            fi
            sleep 0.5
        done
        log "$(node_name) up on 127.0.0.1:$PORT (controller $CONTROLLER_PORT, pid $pid, log" \
            "$NODE_LOG)"
        ((n > 0)) || dump_cds_archive_later
    done
    log "Kafka $KAFKA_VERSION up on $(bootstrap_servers) (TLS, client certificates from $PKI_DIR;" \
        "data $DATA_DIR) after $((SECONDS - started))s"
    bootstrap_servers
}

# SIGTERM (or the signal $2), wait, SIGKILL after the stop timeout; removes the selected pid file.
stop_pid() {
    local pid="$1" signal="${2:-TERM}" waited=0
    kill "-$signal" "$pid" 2>/dev/null || true
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

# Stop the selected nodes (all by default) with signal $1: all signalled at once, then waited
# for, so the last nodes of a cluster do not wait for controllers already gone.
stop_nodes() {
    local signal="$1" index pid
    local -a indexes=() pids=()
    for index in $(selected_indexes); do
        select_node "$index"
        pid="$(running_pid)"
        if [[ -z "$pid" ]]; then
            log "$(node_name) not running ($NODE_DIR)"
            continue
        fi
        log "stopping $(node_name) (pid $pid, SIG$signal)"
        kill "-$signal" "$pid" 2>/dev/null || true
        indexes+=("$index") pids+=("$pid")
    done
    for index in "${!indexes[@]}"; do
        select_node "${indexes[index]}"
        stop_pid "${pids[index]}" "$signal"
    done
    ((${#pids[@]} == 0)) || log "stopped"
}

cmd_stop() {
    parse_options "$@"
    stop_nodes TERM
}

cmd_kill() {
    parse_options "$@"
    [[ -n "$NODE" ]] || die "kill needs --node ID (stop stops them all)"
    stop_nodes KILL
}

cmd_status() {
    # The ports to probe come from the data dir (rendered config, cluster file), not from --port.
    parse_options "$@"
    local index pid result=0
    for index in $(selected_indexes); do
        select_node "$index"
        local what="node $NODE_ID"
        is_cluster || what=""
        pid="$(running_pid)"
        if [[ -z "$pid" ]]; then
            echo "${what:+$what }stopped ($NODE_DIR)"
            ((result != 0)) || result=3
            continue
        fi
        use_rendered_port
        if answers; then
            echo "${what:+$what }running (pid $pid) on 127.0.0.1:$PORT, data $NODE_DIR"
        else
            echo "${what:+$what }running (pid $pid) but not answering on 127.0.0.1:$PORT"
            result=1
        fi
    done
    return "$result"
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
        kill) cmd_kill "$@" ;;
        dump-cds) cmd_dump_cds "$@" ;;
        -h | --help | help) usage 0 ;;
        *) log "unknown command: $command"; usage ;;
    esac
}

main "$@"
