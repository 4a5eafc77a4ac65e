#!/usr/bin/env bash
# Local infrastructure, no Docker needed: a real Apache Kafka broker (KRaft,
# jars from Maven Central) and Debian's PostgreSQL, both on loopback.
#
#   scripts/infra.sh up       start what is not running, wait until ready, print env lines
#   scripts/infra.sh down     stop the broker and the Postgres cluster (--purge: drop data too)
#   scripts/infra.sh status   one line per component; exit 1 unless both are up
#   scripts/infra.sh env      print KAFKA_BROKERS=… and DATABASE_URL=…
#
# KAFKA_BROKERS / DATABASE_URL already set: that component is used as is and
# nothing is started for it. Progress goes to stderr, env lines to stdout.
# Environment: HOOKSTREAM_CACHE (jars, data, logs; default ~/.cache/hookstream),
# KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), PGPORT (5432),
# INFRA_TIMEOUT (seconds to wait for readiness, 120).
set -euo pipefail

KAFKA_VERSION=3.9.1
# The logging backend Kafka 3.9's own distribution ships (the POM leaves it out).
RELOAD4J_VERSION=1.2.25
SLF4J_VERSION=1.7.36

CACHE="${HOOKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hookstream}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
# One data/log dir per port, so a second broker can run beside the first.
KAFKA_STATE="$CACHE/kafka-state-$KAFKA_PORT"
KAFKA_LOG="$KAFKA_STATE/kafka.log"
KAFKA_PID="$KAFKA_STATE/kafka.pid"
PG_DB=hookstream
PG_USER=hookstream
PG_PASSWORD=hookstream
TIMEOUT="${INFRA_TIMEOUT:-120}"

say() { printf '[infra] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- Kafka

fetch_kafka_jars() {
  [[ -f "$KAFKA_HOME/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn is needed to fetch Kafka's jars from Maven Central"
  command -v java >/dev/null || die "java (17+) is needed to run Kafka"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hookstream.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>$RELOAD4J_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  local out
  if ! out=$(cd "$KAFKA_HOME" && mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" 2>&1); then
    printf '%s\n' "$out" | tail -30 >&2
    die "mvn could not fetch Kafka's jars"
  fi
  touch "$KAFKA_HOME/.complete"
}

write_kafka_config() {
  mkdir -p "$KAFKA_STATE/data"
  cat >"$KAFKA_STATE/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_STATE/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Single node: let consumer groups form at once instead of waiting 3 s.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.cleaner.enable=true
log.retention.hours=168
log.segment.bytes=104857600
EOF
  cat >"$KAFKA_STATE/log4j.properties" <<EOF
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
}

KAFKA_JVM_OPTS=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$KAFKA_STATE/log4j.properties" -cp "$KAFKA_HOME/libs/*")
kafka_java() { java "${KAFKA_JVM_OPTS[@]}" "$@"; }

format_kafka_storage() {
  [[ -f "$KAFKA_STATE/data/meta.properties" ]] && return 0
  say "formatting Kafka storage in $KAFKA_STATE/data"
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_STATE/server.properties" --ignore-formatted >>"$KAFKA_LOG" 2>&1 \
    || { tail -20 "$KAFKA_LOG" >&2; die "Kafka storage format failed (log: $KAFKA_LOG)"; }
}

kafka_pid() {
  [[ -f "$KAFKA_PID" ]] || return 1
  local pid
  pid=$(cat "$KAFKA_PID")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_for_kafka() {
  local deadline=$((SECONDS + TIMEOUT))
  until port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_LOG" 2>/dev/null; do
    if ! kafka_pid >/dev/null; then
      tail -30 "$KAFKA_LOG" >&2 || true
      die "Kafka exited while starting (log: $KAFKA_LOG)"
    fi
    if ((SECONDS > deadline)); then
      tail -30 "$KAFKA_LOG" >&2 || true
      die "Kafka was not ready within ${TIMEOUT}s (log: $KAFKA_LOG)"
    fi
    sleep 0.5
  done
}

kafka_up() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    say "Kafka: using KAFKA_BROKERS=$KAFKA_BROKERS"
    return 0
  fi
  if kafka_pid >/dev/null; then
    say "Kafka: running (pid $(kafka_pid)) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    say "Kafka: something already listens on 127.0.0.1:$KAFKA_PORT; using it"
    return 0
  fi
  fetch_kafka_jars
  write_kafka_config
  format_kafka_storage
  say "Kafka: starting on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_LOG)"
  : >"$KAFKA_LOG"
  # setsid: the broker outlives the shell (and the test run) that started it.
  setsid java "${KAFKA_JVM_OPTS[@]}" kafka.Kafka "$KAFKA_STATE/server.properties" >>"$KAFKA_LOG" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID"
  local started=$SECONDS
  wait_for_kafka
  say "Kafka: ready in $((SECONDS - started))s"
}

kafka_down() {
  local pid
  if pid=$(kafka_pid); then
    say "Kafka: stopping (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$KAFKA_PID"
}

# ---------------------------------------------------------------- Postgres

as_postgres() { runuser -u postgres -- "$@"; }

install_postgres() {
  command -v pg_ctlcluster >/dev/null && command -v pg_lsclusters >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and we are not root: install the postgresql package, or set DATABASE_URL"
  say "installing PostgreSQL (apt-get)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# Prints "<version> <port> <status>" of the cluster to use, creating one if none exists.
pg_cluster() {
  local line
  # Debian's own cluster is "main"; prefer it over any other on the machine.
  line=$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main"' | head -1)
  [[ -n "$line" ]] || line=$(pg_lsclusters --no-header 2>/dev/null | head -1)
  if [[ -z "$line" ]]; then
    local version
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
    [[ -n "$version" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
    say "creating PostgreSQL cluster $version/main"
    pg_createcluster "$version" main -p "${PGPORT:-5432}" >&2
    line=$(pg_lsclusters --no-header | head -1)
  fi
  awk '{print $1, $3, $4}' <<<"$line"
}

pg_port() { pg_cluster | awk '{print $2}'; }

postgres_up() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    say "Postgres: using DATABASE_URL"
    return 0
  fi
  install_postgres
  local version port status
  read -r version port status <<<"$(pg_cluster)"
  if [[ "$status" != online* ]]; then
    say "Postgres: starting cluster $version/main on port $port"
    pg_ctlcluster "$version" main start >&2 || die "Postgres did not start (log: /var/log/postgresql/postgresql-$version-main.log)"
  fi
  local deadline=$((SECONDS + TIMEOUT))
  until pg_isready -q -h 127.0.0.1 -p "$port"; do
    ((SECONDS > deadline)) && die "Postgres was not ready within ${TIMEOUT}s (log: /var/log/postgresql/postgresql-$version-main.log)"
    sleep 0.5
  done
  as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  PGPASSWORD=$PG_PASSWORD psql -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d "$PG_DB" -c 'select 1' >/dev/null \
    || die "cannot log in to Postgres as $PG_USER over TCP (check pg_hba.conf)"
  say "Postgres: ready on 127.0.0.1:$port"
}

postgres_down() {
  command -v pg_lsclusters >/dev/null || return 0
  local version port status
  read -r version port status <<<"$(pg_cluster)"
  if [[ "$status" == online* ]]; then
    say "Postgres: stopping cluster $version/main"
    pg_ctlcluster "$version" main stop >&2
  fi
}

# ---------------------------------------------------------------- commands

print_env() {
  echo "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
  if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "DATABASE_URL=$DATABASE_URL"
  else
    local port=5432
    command -v pg_lsclusters >/dev/null && port=$(pg_port)
    echo "DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
  fi
}

status() {
  local ok=0
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    echo "kafka     external  $KAFKA_BROKERS"
  elif port_open "$KAFKA_PORT"; then
    echo "kafka     running   127.0.0.1:$KAFKA_PORT  pid $(kafka_pid || echo '?')  log $KAFKA_LOG"
  else
    echo "kafka     stopped   127.0.0.1:$KAFKA_PORT  log $KAFKA_LOG"
    ok=1
  fi
  if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "postgres  external  (DATABASE_URL)"
  elif command -v pg_lsclusters >/dev/null && pg_isready -q -h 127.0.0.1 -p "$(pg_port)"; then
    echo "postgres  running   127.0.0.1:$(pg_port)"
  else
    echo "postgres  stopped"
    ok=1
  fi
  return $ok
}

case "${1:-}" in
  up)
    kafka_up
    postgres_up
    print_env
    ;;
  down)
    [[ -n "${KAFKA_BROKERS:-}" ]] || kafka_down
    [[ -n "${DATABASE_URL:-}" ]] || postgres_down
    if [[ "${2:-}" == "--purge" ]]; then
      say "removing Kafka data ($KAFKA_STATE)"
      rm -rf "$KAFKA_STATE"
    fi
    ;;
  status) status ;;
  env) print_env ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
