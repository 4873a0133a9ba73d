#!/usr/bin/env bash
# The topology of docker/compose.yaml without containers (there is no Docker engine where this project
# is built and tested): a Kafka broker from kafka-dev, a PostgreSQL cluster from Debian's binaries, and
# the replicas of both service groups as JVMs on loopback, each with ports of its own. The replicas read
# the same docker/config/*.yaml as the containers; only host-specific keys are laid over them with --set.
#
#   docker/native.sh up [--dir DIR] [--checkout N] [--payment N] [--kafka HOST:PORT]
#                       [--store-url JDBC_URL [--payment-store-url JDBC_URL] --store-user USER]
#                       [--prefix TOPIC_PREFIX] [--set KEY=VALUE]... [--timeout SECONDS]
#   docker/native.sh status [--dir DIR]
#   docker/native.sh kill REPLICA [--dir DIR]
#   docker/native.sh down [--dir DIR]
#
# status exits 0 when every process of the topology is alive, else 1. down exits 0 when every replica it
# stopped did so gracefully within 60 s of SIGTERM (one already dead, killed say, is reported, not an
# error) and the broker and PostgreSQL it started stopped. Each replica's JVM options: NATIVE_JAVA_OPTS
# (default -Xms64m -Xmx512m); an external store's password: SWITCHBOARD_STORE_PASSWORD.
#
# Build first: ./mvnw -B package -DskipTests (verticles/target/switchboard.jar, kafka-dev/target/lib).
# Everything lives in DIR (default target/native-topology): topology.env (what runs where, read by
# status/kill/down and by the tests' NativeTopology), secrets.env (the generated tokens, mode 600),
# logs/, kafka/ and postgres/ (kept across down/up; remove DIR for a fresh start).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/verticles/target/switchboard.jar"
KAFKA_LIB="$ROOT/kafka-dev/target/lib"
CONFIG_DIR="$ROOT/docker/config"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# extra JVM options of each replica (the broker has its own, below)
read -r -a REPLICA_JAVA_OPTS <<<"${NATIVE_JAVA_OPTS:--Xms64m -Xmx512m}"
STORE_USER_DEFAULT=switchboard    # the store.user of docker/config/*.yaml, the cluster's superuser here
STOP_TIMEOUT=60                   # seconds a replica may take to stop after SIGTERM (its hook allows 30)

DIR="$ROOT/target/native-topology"
TOPOLOGY=""
PORT=""
TAKEN_PORTS=" "

usage() {
  printf 'usage:\n'
  sed -n '7,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

say() {
  printf 'native.sh: %s\n' "$*"
}

die() {
  printf 'native.sh: %s\n' "$*" >&2
  exit 1
}

# --- the topology file: key=value lines, written as things start ---------------------------------

set_dir() {
  if [[ "${2:-}" == create ]]; then
    mkdir -p "$1"
  fi
  [[ -d "$1" ]] || die "no topology in $1 (no such directory)"
  DIR=$(cd "$1" && pwd)
  TOPOLOGY="$DIR/topology.env"
}

record() {
  printf '%s=%s\n' "$1" "$2" >>"$TOPOLOGY"
}

get() {
  awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); found = 1; exit }
                   END { if (!found) exit 1 }' "$TOPOLOGY"
}

require_topology() {
  [[ -f "$TOPOLOGY" ]] || die "no topology in $DIR (docker/native.sh up --dir $DIR starts one)"
}

replicas() {
  local list
  list=$(get replicas 2>/dev/null) || return 0
  printf '%s\n' "${list//,/ }"
}

# --- processes -------------------------------------------------------------------------------------

# Whether PID is alive and its command line contains MARK (a recycled pid is not ours).
alive() {
  local pid=$1 mark=$2 cmdline
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$mark"* ]]
}

replica_alive() {
  alive "$(get "replica.$1.pid" 2>/dev/null || true)" "instance.id=$1 "
}

kafka_alive() {
  alive "$(get kafka.pid 2>/dev/null || true)" "LocalKafka"
}

# Starts a command in a session of its own (a closed terminal or Ctrl-C here does not reach it), its
# output to LOG; sets LAUNCHED to its pid.
launch() {
  local log=$1 pidfile
  shift
  pidfile=$(mktemp "$DIR/.pid.XXXXXX")
  # shellcheck disable=SC2016 # $$ and $0 are the child shell's
  setsid bash -c 'echo "$$" >"$0" && exec "$@"' "$pidfile" "$@" </dev/null >"$log" 2>&1 &
  local waited=0
  until [[ -s "$pidfile" ]]; do
    ((waited++ < 600)) || die "could not start $1 (no pid within 30 s)"
    sleep 0.05
  done
  LAUNCHED=$(<"$pidfile")
  rm -f "$pidfile"
}

# Waits up to SECONDS for PID (with MARK in its command line) to be gone; fails if it is not.
wait_gone() {
  local pid=$1 seconds=$2 mark=$3
  local deadline=$((SECONDS + seconds))
  while alive "$pid" "$mark"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Sends SIGNAL to PID and waits up to SECONDS for it to be gone; fails if it is not.
signal_and_wait() {
  kill "-$2" "$1" 2>/dev/null || true
  wait_gone "$1" "$3" "$4"
}

# --- ports -----------------------------------------------------------------------------------------

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Sets PORT to a free loopback port below the ephemeral range (so that no outgoing connection or port-0
# listener takes it before its replica binds it), one not handed out before in this run.
free_port() {
  local low=32768 used candidate
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  fi
  ((low > 12000)) || low=32768
  used=" $(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); printf "%s ", a[n] }')"
  for _ in $(seq 500); do
    candidate=$((low - 10000 + RANDOM % 10000))
    [[ "$used$TAKEN_PORTS" == *" $candidate "* ]] && continue
    port_open "$candidate" && continue
    TAKEN_PORTS+="$candidate "
    PORT=$candidate
    return 0
  done
  die "no free port found below $low"
}

# The HTTP status of GET PATH on 127.0.0.1:PORT, or 000.
http_status() {
  local port=$1 path=$2
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
    read -r -t 5 _ status _ <&3 || exit 1
    printf '%s\n' "$status"
  ) 2>/dev/null || printf '000\n'
}

# --- PostgreSQL ------------------------------------------------------------------------------------

postgres_bin() {
  local bin best="" best_version=0 version
  for bin in /usr/lib/postgresql/*/bin; do
    [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]] || continue
    version=$(basename "$(dirname "$bin")")
    [[ "$version" =~ ^[0-9]+$ ]] || continue
    if ((version > best_version)); then
      best=$bin
      best_version=$version
    fi
  done
  [[ -n "$best" ]] || return 1
  printf '%s\n' "$best"
}

# Runs a PostgreSQL binary as the postgres user when this runs as root (initdb refuses root).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin home data port
  bin=$(postgres_bin) || die "no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql, or pass --store-url"
  home="$DIR/postgres"
  data="$home/data"
  mkdir -p "$home"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$home"
    runuser -u postgres -- test -w "$home" \
      || die "the postgres user cannot write $home (a parent directory closed to it?): use --dir under /tmp"
  fi
  chmod 700 "$home"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    say "PostgreSQL: initdb in $data"
    as_postgres "$bin/initdb" -D "$data" -A trust -U "$STORE_USER_DEFAULT" -E UTF8 --no-instructions \
      >"$home/initdb.log" 2>&1 || die "initdb failed; see $home/initdb.log"
  fi
  free_port
  port=$PORT
  record postgres.owned true
  record postgres.bin "$bin"
  record postgres.data "$data"
  record postgres.port "$port"
  record postgres.log "$home/server.log"
  # trust on loopback only (initdb -A trust: local and 127.0.0.1/::1); no Unix socket
  as_postgres "$bin/pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start \
    >"$home/pg_ctl.log" 2>&1 || die "PostgreSQL did not start; see $home/server.log"
  local database
  for database in checkout payment; do
    if [[ -z $("$bin/psql" -h 127.0.0.1 -p "$port" -U "$STORE_USER_DEFAULT" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$STORE_USER_DEFAULT" "$database" \
        || die "creating the database $database failed"
    fi
  done
  STORE_URL="jdbc:postgresql://127.0.0.1:$port/checkout"
  PAYMENT_STORE_URL="jdbc:postgresql://127.0.0.1:$port/payment"
  say "PostgreSQL on 127.0.0.1:$port (databases checkout, payment; user $STORE_USER_DEFAULT, trust on loopback)"
}

stop_postgres() {
  local bin data
  bin=$(get postgres.bin) && data=$(get postgres.data) || return 0
  [[ -f "$data/postmaster.pid" ]] || return 0
  if as_postgres "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >>"$(dirname "$data")/pg_ctl.log" 2>&1; then
    say "PostgreSQL stopped"
  else
    say "PostgreSQL did not stop; see $(get postgres.log)"
    return 1
  fi
}

# --- Kafka -----------------------------------------------------------------------------------------

start_kafka() {
  local timeout=$1 log="$DIR/logs/kafka.log" port
  [[ -d "$KAFKA_LIB" ]] || die "no $KAFKA_LIB: build it with ./mvnw -B package -DskipTests (or pass --kafka)"
  free_port
  port=$PORT
  mkdir -p "$DIR/kafka"
  launch "$log" "$JAVA" -Xms128m -Xmx512m -XX:+UseSerialGC -cp "$KAFKA_LIB/*" \
    dev.switchboard.kafkadev.LocalKafka --port "$port" --dir "$DIR/kafka"
  record kafka.owned true
  record kafka.pid "$LAUNCHED"
  record kafka.log "$log"
  local deadline=$((SECONDS + timeout))
  until grep -q '^LOCAL-KAFKA-READY ' "$log" 2>/dev/null; do
    kafka_alive || die "the Kafka broker exited before it was ready; see $log"
    ((SECONDS < deadline)) || die "the Kafka broker was not ready within ${timeout}s; see $log"
    sleep 0.2
  done
  KAFKA="127.0.0.1:$port"
  say "Kafka broker on $KAFKA (pid $LAUNCHED)"
}

# --- replicas --------------------------------------------------------------------------------------

# A token of 48 hex digits.
token() {
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

# The generated tokens: made on the first up, kept in DIR/secrets.env (mode 600).
load_secrets() {
  local file="$DIR/secrets.env"
  if [[ ! -s "$file" ]]; then
    (
      umask 077
      printf 'management.token=%s\ninternal.token=%s\n' "$(token)" "$(token)" >"$file"
    )
  fi
  chmod 600 "$file"
  MANAGEMENT_TOKEN=$(sed -n 's/^management\.token=//p' "$file")
  INTERNAL_TOKEN=$(sed -n 's/^internal\.token=//p' "$file")
  [[ -n "$MANAGEMENT_TOKEN" && -n "$INTERNAL_TOKEN" ]] || die "$file lacks management.token or internal.token"
}

# Starts replica GROUP-N (GROUP is checkout or payment) with ports of its own; does not wait.
start_replica() {
  local group=$1 n=$2 grpc http internal store_url secrets
  local id="$group-$n"
  free_port
  grpc=$PORT
  free_port
  http=$PORT
  free_port
  internal=$PORT
  store_url=$STORE_URL
  [[ "$group" == payment ]] && store_url=$PAYMENT_STORE_URL
  local args=(serve --config "$CONFIG_DIR/$group.yaml"
    --set "instance.id=$id"
    --set grpc.host=127.0.0.1 --set "grpc.port=$grpc"
    --set http.host=127.0.0.1 --set "http.port=$http"
    --set internal.host=127.0.0.1 --set "internal.port=$internal"
    --set "kafka.bootstrap.servers=$KAFKA"
    --set "store.url=$store_url" --set "store.user=$STORE_USER")
  if [[ "$group" == checkout ]]; then
    args+=(--set "operations.payment.charge.target=$PAYMENT_TARGETS"
      --set "operations.payment.refund.target=$PAYMENT_TARGETS")
  fi
  if [[ -n "$PREFIX" ]]; then
    # every topic under the prefix, the bridge's too: topologies sharing a broker share nothing
    args+=(--set "topics.prefix=$PREFIX" --set "bridge.topic=$PREFIX.orders.v1"
      --set "bridge.commandTopic=$PREFIX.orders.commands.v1" --set "bridge.replyTopic=$PREFIX.orders.replies.v1")
  fi
  local setting
  for setting in "${EXTRA_SETTINGS[@]}"; do
    args+=(--set "$setting")
  done
  # the secrets travel in the environment, as in compose: never on a command line that ps shows
  secrets="management.token=$MANAGEMENT_TOKEN;internal.token=$INTERNAL_TOKEN"
  [[ -n "${SWITCHBOARD_STORE_PASSWORD:-}" ]] && secrets+=";store.password=$SWITCHBOARD_STORE_PASSWORD"
  local log="$DIR/logs/$id.log"
  SWITCHBOARD_SET="$secrets" launch "$log" "$JAVA" "${REPLICA_JAVA_OPTS[@]}" -jar "$JAR" "${args[@]}"
  record "replica.$id.group" "$group"
  record "replica.$id.pid" "$LAUNCHED"
  record "replica.$id.grpc" "$grpc"
  record "replica.$id.http" "$http"
  record "replica.$id.internal" "$internal"
  record "replica.$id.log" "$log"
}

# Waits until replica ID logged that it is ready and its /ready answers 200.
await_replica() {
  local id=$1 deadline=$((SECONDS + $2)) log http
  log=$(get "replica.$id.log")
  http=$(get "replica.$id.http")
  until grep -q "switchboard ready: instance $id," "$log" 2>/dev/null && [[ $(http_status "$http" /ready) == 200 ]]; do
    replica_alive "$id" || die "$id exited before it was ready; see $log"
    ((SECONDS < deadline)) || die "$id was not ready within ${2}s; see $log"
    sleep 0.3
  done
  say "$id ready (pid $(get "replica.$id.pid"))"
}

# --- commands --------------------------------------------------------------------------------------

UP_DONE=0

up_failed() {
  local code=$?
  trap - EXIT
  if ((UP_DONE == 0)); then
    say "up failed: stopping what it started" >&2
    stop_all >&2 || true
    exit $((code == 0 ? 1 : code))
  fi
}

cmd_up() {
  local checkout=2 payment=2 timeout=120 dir="$DIR"
  KAFKA="" STORE_URL="" PAYMENT_STORE_URL="" STORE_USER="" PREFIX=""
  EXTRA_SETTINGS=()
  while (($#)); do
    [[ $# -ge 2 || "$1" != --* ]] || die "up: $1 needs a value"
    case $1 in
      --dir) dir=$2; shift 2 ;;
      --checkout) checkout=$2; shift 2 ;;
      --payment) payment=$2; shift 2 ;;
      --kafka) KAFKA=$2; shift 2 ;;
      --store-url) STORE_URL=$2; shift 2 ;;
      --payment-store-url) PAYMENT_STORE_URL=$2; shift 2 ;;
      --store-user) STORE_USER=$2; shift 2 ;;
      --prefix) PREFIX=$2; shift 2 ;;
      --set) EXTRA_SETTINGS+=("$2"); shift 2 ;;
      --timeout) timeout=$2; shift 2 ;;
      *) usage >&2; die "up: unknown option $1" ;;
    esac
  done
  [[ "$checkout" =~ ^[0-9]+$ && "$payment" =~ ^[0-9]+$ && "$timeout" =~ ^[0-9]+$ ]] \
    || die "up: --checkout, --payment and --timeout take whole numbers"
  ((checkout >= 1 && checkout <= 9 && payment >= 1 && payment <= 9)) \
    || die "up: 1 to 9 replicas of each group (checkout needs a payment replica to charge)"
  [[ -z "$PAYMENT_STORE_URL" || -n "$STORE_URL" ]] || die "up: --payment-store-url goes with --store-url"
  [[ -f "$JAR" ]] || die "no $JAR: build it with ./mvnw -B package -DskipTests"
  command -v "$JAVA" >/dev/null || die "no java ($JAVA): install a JDK 17 or set JAVA_HOME"
  [[ "${SWITCHBOARD_STORE_PASSWORD:-}" != *";"* ]] || die "SWITCHBOARD_STORE_PASSWORD must not contain ';'"

  set_dir "$dir" create
  if [[ -f "$TOPOLOGY" ]] && running_any; then
    die "a topology is running in $DIR (docker/native.sh status --dir $DIR); stop it with docker/native.sh down --dir $DIR"
  fi
  mkdir -p "$DIR/logs"
  : >"$TOPOLOGY"
  record started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  record dir "$DIR"
  trap up_failed EXIT
  trap 'exit 130' INT TERM

  load_secrets
  record secrets "$DIR/secrets.env"
  if [[ -n "$KAFKA" ]]; then
    record kafka.owned false
  else
    start_kafka "$timeout"
  fi
  record kafka.bootstrap "$KAFKA"
  if [[ -n "$STORE_URL" ]]; then
    record postgres.owned false
    PAYMENT_STORE_URL=${PAYMENT_STORE_URL:-$STORE_URL}
  else
    start_postgres
  fi
  STORE_USER=${STORE_USER:-$STORE_USER_DEFAULT}
  record store.url.checkout "$STORE_URL"
  record store.url.payment "$PAYMENT_STORE_URL"
  record store.user "$STORE_USER"
  record topics.prefix "$PREFIX"

  local ids=() i
  for ((i = 1; i <= checkout; i++)); do ids+=("checkout-$i"); done
  for ((i = 1; i <= payment; i++)); do ids+=("payment-$i"); done
  record replicas "$(IFS=,; printf '%s' "${ids[*]}")"

  # payment first: the checkout replicas call it at its replicas' internal listeners
  PAYMENT_TARGETS=""
  for ((i = 1; i <= payment; i++)); do
    start_replica payment "$i"
    PAYMENT_TARGETS+="${PAYMENT_TARGETS:+,}127.0.0.1:$(get "replica.payment-$i.internal")"
  done
  for ((i = 1; i <= payment; i++)); do await_replica "payment-$i" "$timeout"; done
  for ((i = 1; i <= checkout; i++)); do start_replica checkout "$i"; done
  for ((i = 1; i <= checkout; i++)); do await_replica "checkout-$i" "$timeout"; done
  record ready "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  UP_DONE=1
  trap - EXIT INT TERM

  print_table
  local first_grpc first_http
  first_grpc=$(get replica.checkout-1.grpc)
  first_http=$(get replica.checkout-1.http)
  cat <<EOF

Place an order:  node clients/node/place-and-watch.js --target 127.0.0.1:$first_grpc   (once: cd clients/node && npm ci)
Which replica:   curl -s http://127.0.0.1:$first_http/instance
Tokens:          $DIR/secrets.env (management.token ${MANAGEMENT_TOKEN:0:4}…, mode 600)
Topology:        $TOPOLOGY
Stop:            docker/native.sh down --dir $DIR
EOF
}

# Whether any process of the topology in DIR is alive.
running_any() {
  local id
  for id in $(replicas); do
    replica_alive "$id" && return 0
  done
  [[ $(get kafka.owned 2>/dev/null) == true ]] && kafka_alive && return 0
  postgres_running && return 0
  return 1
}

postgres_running() {
  local bin data
  [[ $(get postgres.owned 2>/dev/null) == true ]] || return 1
  bin=$(get postgres.bin) && data=$(get postgres.data) || return 1
  as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

print_table() {
  local id state
  printf '\n%-12s %-8s %-8s %-6s %-11s %-9s %s\n' REPLICA STATE PID GRPC MANAGEMENT INTERNAL LOG
  for id in $(replicas); do
    state=dead
    replica_alive "$id" && state=running
    printf '%-12s %-8s %-8s %-6s %-11s %-9s %s\n' "$id" "$state" "$(get "replica.$id.pid")" \
      "$(get "replica.$id.grpc")" "$(get "replica.$id.http")" "$(get "replica.$id.internal")" "$(get "replica.$id.log")"
  done
  if [[ $(get kafka.owned) == true ]]; then
    state=dead
    kafka_alive && state=running
    printf '%-12s %-8s %-8s %-27s %s\n' kafka "$state" "$(get kafka.pid)" "$(get kafka.bootstrap)" "$(get kafka.log)"
  else
    printf '%-12s %-8s %-8s %-27s %s\n' kafka given - "$(get kafka.bootstrap)" "(not started here)"
  fi
  if [[ $(get postgres.owned) == true ]]; then
    state=dead
    postgres_running && state=running
    printf '%-12s %-8s %-8s %-27s %s\n' postgres "$state" - "127.0.0.1:$(get postgres.port)" "$(get postgres.log)"
  else
    printf '%-12s %-8s %-8s %-27s %s\n' postgres given - "$(get store.url.checkout)" "(not started here)"
  fi
}

cmd_status() {
  parse_dir_only "$@"
  require_topology
  print_table
  local id
  for id in $(replicas); do
    replica_alive "$id" || return 1
  done
  if [[ $(get kafka.owned) == true ]]; then kafka_alive || return 1; fi
  if [[ $(get postgres.owned) == true ]]; then postgres_running || return 1; fi
}

cmd_kill() {
  local replica=""
  while (($#)); do
    [[ $# -ge 2 || "$1" != --dir ]] || die "kill: --dir needs a value"
    case $1 in
      --dir) set_dir "$2"; shift 2 ;;
      -*) die "kill: unknown option $1" ;;
      *) [[ -z "$replica" ]] || die "kill: one replica at a time"; replica=$1; shift ;;
    esac
  done
  [[ -n "$TOPOLOGY" ]] || set_dir "$DIR"
  [[ -n "$replica" ]] || die "kill: which replica? ($(get replicas 2>/dev/null || true))"
  require_topology
  get "replica.$replica.pid" >/dev/null || die "kill: no replica $replica in $DIR ($(get replicas 2>/dev/null || true))"
  local pid
  pid=$(get "replica.$replica.pid")
  replica_alive "$replica" || die "kill: $replica (pid $pid) is not running"
  signal_and_wait "$pid" KILL 30 "instance.id=$replica " || die "kill: $replica (pid $pid) still runs after SIGKILL"
  say "$replica (pid $pid) killed with SIGKILL"
}

# SIGTERM to every replica at once (each shuts down gracefully: NOT_SERVING, drain, close), then the
# broker and PostgreSQL if up started them. Returns non-zero if anything did not stop cleanly.
stop_all() {
  local clean=0 id pid log pids=()
  for id in $(replicas); do
    if replica_alive "$id"; then
      kill -TERM "$(get "replica.$id.pid")" 2>/dev/null || true
      pids+=("$id")
    fi
  done
  for id in "${pids[@]}"; do
    pid=$(get "replica.$id.pid")
    log=$(get "replica.$id.log")
    if ! wait_gone "$pid" "$STOP_TIMEOUT" "instance.id=$id "; then
      signal_and_wait "$pid" KILL 30 "instance.id=$id " || true
      say "$id (pid $pid) did not stop within ${STOP_TIMEOUT}s of SIGTERM: killed; see $log"
      clean=1
    elif grep -q 'shutdown did not finish cleanly' "$log" 2>/dev/null; then
      say "$id (pid $pid) stopped, but its shutdown did not finish cleanly; see $log"
      clean=1
    else
      say "$id (pid $pid) stopped"
    fi
  done
  if [[ $(get kafka.owned 2>/dev/null) == true ]] && kafka_alive; then
    pid=$(get kafka.pid)
    if signal_and_wait "$pid" TERM 60 LocalKafka; then
      say "Kafka broker (pid $pid) stopped"
    else
      signal_and_wait "$pid" KILL 30 LocalKafka || true
      say "Kafka broker (pid $pid) did not stop within 60s of SIGTERM: killed; see $(get kafka.log)"
      clean=1
    fi
  fi
  if [[ $(get postgres.owned 2>/dev/null) == true ]]; then
    stop_postgres || clean=1
  fi
  return "$clean"
}

cmd_down() {
  parse_dir_only "$@"
  require_topology
  local id
  for id in $(replicas); do
    replica_alive "$id" || say "$id was not running"
  done
  if stop_all; then
    record stopped "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    say "all stopped; logs in $DIR/logs"
  else
    die "not everything stopped cleanly (see above)"
  fi
}

parse_dir_only() {
  while (($#)); do
    [[ $# -ge 2 || "$1" != --dir ]] || die "--dir needs a value"
    case $1 in
      --dir) set_dir "$2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -n "$TOPOLOGY" ]] || set_dir "$DIR"
}

main() {
  (($#)) || { usage >&2; exit 2; }
  local command=$1
  shift
  case $command in
    up) cmd_up "$@" ;;
    status) cmd_status "$@" ;;
    kill) cmd_kill "$@" ;;
    down) cmd_down "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
