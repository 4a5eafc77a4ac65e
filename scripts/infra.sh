#!/usr/bin/env bash
# Local infrastructure without Docker: a real Apache Kafka 3.9.1 broker (KRaft,
# jars fetched from Maven Central with mvn) and Debian's PostgreSQL, on loopback.
#
# Usage:
#   scripts/infra.sh up            start what is not running, wait until ready, print env lines
#   scripts/infra.sh down          stop our Kafka broker and the Postgres cluster (data kept)
#   scripts/infra.sh down --purge  ... and delete Kafka's data and drop the hookstream database
#   scripts/infra.sh status        one line per component; exit 0 only if both are up
#   scripts/infra.sh env           print KAFKA_BROKERS=... and DATABASE_URL=... (KEY=value lines)
#   ... --brokers N                each of the above with a local N-broker Kafka cluster (N >= 2)
#                                  in place of the single broker, which is left alone
#
# The local broker has three client listeners: PLAINTEXT on KAFKA_PORT (no
# authentication, a super user: tests and tools), SASL_SSL on KAFKA_PORT+2
# (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; users admin, guest and one per
# service, passwords made on first start) and SSL on KAFKA_PORT+3 (mTLS: a
# client certificate signed by the local CA is required). `env` also prints
# HOOKSTREAM_KAFKA_SASL_SSL_BROKERS, HOOKSTREAM_KAFKA_SSL_BROKERS and
# HOOKSTREAM_KAFKA_SECRETS, the directory of ca.pem, client.{pem,key} and
# <user>.password. ACLs are enforced (StandardAuthorizer): only admin and the
# PLAINTEXT/controller principal (ANONYMOUS) may do anything without a grant.
#
#   eval "$(scripts/infra.sh up)"  # typical use; progress goes to stderr, env lines to stdout
#
# If KAFKA_BROKERS (or DATABASE_URL) is already set, that component is used as
# is: never started or stopped here.
#
# A cluster (--brokers N) has N KRaft nodes, each controller and broker, with
# PLAINTEXT listeners only, on KAFKA_CLUSTER_PORT.. (19192..) and controllers on
# KAFKA_CLUSTER_CONTROLLER_PORT.. (KAFKA_CLUSTER_PORT+100..). From 3 brokers on,
# topics default to 3 replicas and min.insync.replicas 2, as in production (2
# and 1 with 2 brokers). `up` starts the nodes that are not running (a killed
# node comes back with its data) and prints HOOKSTREAM_KAFKA_CLUSTER_STATE, the
# directory of node-<i>/{server.properties,data/,kafka.log,kafka.pid}.
#
#   eval "$(scripts/infra.sh up --brokers 3)"  # then start the services as usual
#
# Environment:
#   HOOKSTREAM_CACHE       jars, Kafka config/data/log (default ${XDG_CACHE_HOME:-~/.cache}/hookstream)
#   KAFKA_PORT             broker port (9092); KAFKA_CONTROLLER_PORT: KRaft controller port (9093)
#   KAFKA_SASL_SSL_PORT    SASL_SSL listener (KAFKA_PORT+2); KAFKA_SSL_PORT: mTLS listener (KAFKA_PORT+3)
#   PGPORT                 port of the Postgres cluster to pick or create (5432)
#   KAFKA_CLUSTER_PORT     first node's port of a --brokers cluster (19192); KAFKA_CLUSTER_CONTROLLER_PORT
#                          its first controller port (KAFKA_CLUSTER_PORT+100)
#   INFRA_TIMEOUT          seconds to wait for readiness (120)
#   <SCHEMA>_DATABASE_PASSWORD  password of a service's role, e.g. GATEWAY_DATABASE_PASSWORD
#                          (default: the role's name, hookstream_gateway); letters, digits, . _ ~ -
#
# Postgres: the database hookstream, owned by the role hookstream (DATABASE_URL: tests and
# operators). Each service with state connects as its own role, which owns its schema and
# reads no other: `up` prints GATEWAY_DATABASE_URL, WORKFLOW_CONFIG_DATABASE_URL,
# EVENT_INGEST_DATABASE_URL and PROJECTION_DATABASE_URL.
# Files: <cache>/kafka-3.9.1/{pom.xml,libs/} (jars, shared); <cache>/kafka/{server.properties,
# log4j.properties,data/,kafka.log,kafka.pid,secrets/}; a broker on another KAFKA_PORT uses
# <cache>/kafka-state-<port>/, a cluster <cache>/kafka-cluster-<KAFKA_CLUSTER_PORT>/. A running
# broker whose configuration changed is restarted.
set -euo pipefail

KAFKA_VERSION=3.9.1
# Kafka's POM leaves the logging backend out; these are the versions the 3.9.x
# binary distribution ships in libs/ (slf4j-api 1.7.36 is what the POM pulls in).
RELOAD4J_VERSION=1.2.25
SLF4J_VERSION=1.7.36
# Pinned so the jar fetch does not depend on the installed Maven's default.
DEPENDENCY_PLUGIN_VERSION=3.8.1

CACHE="${HOOKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hookstream}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-$((KAFKA_PORT + 3))}"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
# A broker on another port (e.g. a test's private second broker) gets its own state.
if [[ "$KAFKA_PORT" == 9092 ]]; then KAFKA_STATE="$CACHE/kafka"; else KAFKA_STATE="$CACHE/kafka-state-$KAFKA_PORT"; fi
KAFKA_CONFIG="$KAFKA_STATE/server.properties"
KAFKA_LOG="$KAFKA_STATE/kafka.log"
KAFKA_PID_FILE="$KAFKA_STATE/kafka.pid"
# CA, broker and client certificates, and one password file per SASL user.
KAFKA_SECRETS="$KAFKA_STATE/secrets"
# SASL users: admin is a super user, guest has no grants (for tests of
# refusals), and each service gets its own principal for ACLs.
KAFKA_USERS=(admin guest gateway workflow-config event-ingest matcher delivery projection)
PG_PORT_WANTED="${PGPORT:-5432}"
PG_DB=hookstream
PG_USER=hookstream
PG_PASSWORD=hookstream
# The schema of each service that keeps state; its role is hookstream_<schema>, its
# URL <SCHEMA>_DATABASE_URL (each service's config names its own; libs/shared/persistence's
# service-roles test checks the roles).
PG_SERVICE_SCHEMAS=(gateway workflow_config event_ingest projection)
TIMEOUT="${INFRA_TIMEOUT:-120}"
KAFKA_CLUSTER_PORT="${KAFKA_CLUSTER_PORT:-19192}"
KAFKA_CLUSTER_CONTROLLER_PORT="${KAFKA_CLUSTER_CONTROLLER_PORT:-$((KAFKA_CLUSTER_PORT + 100))}"
KAFKA_CLUSTER_STATE="$CACHE/kafka-cluster-$KAFKA_CLUSTER_PORT"
# Set from the command line: --brokers N (1: the single broker) and --purge.
BROKERS=1
PURGE=no

say() { printf '[infra] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

usage() {
  # The comment block at the top of this file is the usage text.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
}

# Seconds since the epoch with sub-second precision, for "ready in" messages.
now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Runs "$@" holding an exclusive lock, so parallel test runs calling `up` do
# not start two brokers. One lock per broker port and one for Postgres, so a
# test's second broker never waits for the main one. Lock fd 9 must not leak
# into the daemons we start (they would hold the lock forever): see `9>&-`.
with_lock() {
  local name=$1
  shift
  mkdir -p "$CACHE"
  (
    flock -w "$TIMEOUT" 9 || die "another infra.sh still holds $CACHE/.lock-$name after ${TIMEOUT}s"
    "$@"
  ) 9>"$CACHE/.lock-$name"
}

# ---------------------------------------------------------------- Kafka wire probes

# Sends one Kafka request (api key, version, body as hex; correlation id 1,
# client id "infra") and prints the first $5 bytes of the reply as hex.
kafka_call() {
  local host=$1 port=$2 api_key=$3 api_version=$4 body_hex=$5 reply_bytes=$6 req_hex
  req_hex=$(printf '%04x%04x000000010005696e667261%s' "$api_key" "$api_version" "$body_hex")
  req_hex=$(printf '%08x%s' $((${#req_hex} / 2)) "$req_hex")
  # shellcheck disable=SC2016,SC2001 # the inner script expands its own arguments; sed turns hex into \xHH escapes
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "%b" "$2" >&3
    head -c "$3" <&3 | od -An -v -tx1 | tr -d " \n"' \
    "$host" "$port" "$(sed 's/../\\x&/g' <<<"$req_hex")" "$reply_bytes" 2>/dev/null
}

# True if host:port speaks Kafka: ApiVersions (key 18) v0 comes back with our
# correlation id. Brokers answer ApiVersions whatever versions they support.
kafka_answers() {
  local reply
  reply=$(kafka_call "$1" "$2" 18 0 "" 8) || return 1
  [[ "$reply" =~ ^[0-9a-f]{8}00000001$ ]]
}

# True once the group coordinator serves: FindCoordinator (key 10) v0 returns
# error 0. The first call makes the broker create __consumer_offsets, so the
# first consumer group of a test joins at once instead of retrying.
kafka_coordinator_ready() {
  local port=${1:-$KAFKA_PORT} reply
  reply=$(kafka_call 127.0.0.1 "$port" 10 0 "000c696e6672612d7761726d7570" 10) || return 1 # "infra-warmup"
  [[ "$reply" =~ ^[0-9a-f]{8}000000010000$ ]]
}

# First host:port of a comma-separated broker list, as "host port".
first_broker() {
  local first=${1%%,*}
  printf '%s %s\n' "${first%:*}" "${first##*:}"
}

# ---------------------------------------------------------------- Kafka

# Prints the pid of the broker we started (or of the cluster node whose pid
# file is $1), if that process is still a Kafka broker (a stale pid file, or a
# pid reused by another process, does not count).
kafka_pid() {
  local file=${1:-$KAFKA_PID_FILE} pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

write_kafka_pom() {
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by hookstream scripts/infra.sh: only used to download Kafka's runtime jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hookstream.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>$RELOAD4J_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>$DEPENDENCY_PLUGIN_VERSION</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
EOF
}

# Kafka's jars from Maven Central (no tarball download); skipped once complete.
fetch_kafka_jars() {
  [[ -f "$KAFKA_HOME/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn is needed to fetch Kafka's jars from Maven Central"
  write_kafka_pom
  say "Kafka: downloading Kafka $KAFKA_VERSION jars from Maven Central with mvn (first run only, ~45 MB)..."
  local started jar
  started=$(now)
  # A partial libs/ from an interrupted run must not mix with the fresh copy.
  rm -rf "$KAFKA_LIBS"
  if ! (cd "$KAFKA_HOME" && mvn -q -B dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime) >"$KAFKA_HOME/mvn.log" 2>&1; then
    grep -E '\[ERROR\]' "$KAFKA_HOME/mvn.log" | head -20 >&2 || tail -30 "$KAFKA_HOME/mvn.log" >&2
    die "mvn could not fetch Kafka's jars (full output: $KAFKA_HOME/mvn.log)"
  fi
  for jar in "kafka_2.13-$KAFKA_VERSION.jar" "reload4j-$RELOAD4J_VERSION.jar" "slf4j-reload4j-$SLF4J_VERSION.jar"; do
    [[ -f "$KAFKA_LIBS/$jar" ]] || die "mvn finished but $KAFKA_LIBS/$jar is missing (see $KAFKA_HOME/mvn.log)"
  done
  touch "$KAFKA_HOME/.complete"
  say "Kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS ($(elapsed_since "$started")s)"
}

# Certificates for the TLS listeners, made once with openssl: a local CA, a
# broker certificate for localhost and 127.0.0.1, and a client certificate for
# mTLS. Keys are PKCS#8 PEM, which Kafka reads without a keystore.
ensure_kafka_certificates() {
  [[ -f "$KAFKA_SECRETS/.certificates-complete" ]] && return 0
  command -v openssl >/dev/null || die "openssl is needed to make the Kafka listeners' certificates"
  say "Kafka: making a local CA and certificates in $KAFKA_SECRETS"
  mkdir -p "$KAFKA_SECRETS"
  chmod 700 "$KAFKA_SECRETS"
  local out
  # umask: the keys are for this user only.
  out=$({
    umask 077
    cd "$KAFKA_SECRETS" \
      && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj '/CN=hookstream local Kafka CA' \
      && openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj '/CN=localhost' \
      && openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 3650 \
        -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
      && openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj '/CN=hookstream-client' \
      && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 3650 \
        -extfile <(printf 'extendedKeyUsage=clientAuth\n') \
      && cat broker.key broker.pem >broker-keystore.pem \
      && rm -f broker.csr client.csr
  } 2>&1) || { printf '%s\n' "$out" >&2; die "Kafka: openssl could not make the certificates"; }
  touch "$KAFKA_SECRETS/.certificates-complete"
}

# One random password per SASL user, kept in <secrets>/<user>.password (a
# service reads its own with KAFKA_SASL_PASSWORD_FILE).
ensure_kafka_passwords() {
  local user file
  mkdir -p "$KAFKA_SECRETS"
  for user in "${KAFKA_USERS[@]}"; do
    file="$KAFKA_SECRETS/$user.password"
    [[ -s "$file" ]] && continue
    (umask 077 && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$file")
  done
}

kafka_password() { cat "$KAFKA_SECRETS/$1.password"; }

# PLAIN checks passwords against the listener's JAAS line; SCRAM against
# credentials stored in the KRaft metadata (see ensure_kafka_scram_users).
plain_jaas_config() {
  local user line="org.apache.kafka.common.security.plain.PlainLoginModule required"
  for user in "${KAFKA_USERS[@]}"; do line+=" user_$user=\"$(kafka_password "$user")\""; done
  printf '%s;' "$line"
}

kafka_config_text() {
  cat <<EOF
# Generated by hookstream scripts/infra.sh (rewritten on every start; a running
# broker is restarted when this text changes).
# Single-node KRaft: this one process is both controller and broker.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
# TLS: one broker certificate for both TLS listeners; the SSL listener
# requires a client certificate signed by the local CA (mTLS), and its CN is
# the principal.
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_SECRETS/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_SECRETS/ca.pem
listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.principal.mapping.rules=RULE:^CN=([^,]+)\$/\$1/,DEFAULT
# SASL: PLAIN users are listed here, SCRAM users live in the metadata log.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=$(plain_jaas_config)
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# ACLs: PLAINTEXT and the controller listener authenticate nobody, so their
# principal ANONYMOUS is a super user (the plain listener works as before);
# every other user but admin needs a grant.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$KAFKA_STATE/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# Few offsets partitions: they are all created on the first group lookup.
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Tests need consumer groups to form at once, not after the default 3 s delay.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# We rely on a compacted topic.
log.cleaner.enable=true
EOF
}

# True when the broker's config file is not what this script writes now: a
# broker started by an older version of this script (no TLS listeners), or
# with other ports or users.
kafka_config_changed() {
  [[ "$(kafka_config_text)" != "$(cat "$KAFKA_CONFIG" 2>/dev/null)" ]]
}

write_kafka_config() {
  mkdir -p "$KAFKA_STATE/data"
  kafka_config_text >"$KAFKA_CONFIG"
  chmod 600 "$KAFKA_CONFIG" # it holds the PLAIN passwords
  write_kafka_log4j "$KAFKA_STATE"
}

# log4j.properties (the broker's) and tools-log4j.properties (kafka_tool's) in $1.
write_kafka_log4j() {
  local dir=$1
  # The broker logs INFO to stdout, which goes to kafka.log.
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
# Per-request and per-partition state logs are noise on a dev broker.
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  # The storage tool would otherwise mix INFO lines into its output.
  cat >"$dir/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

kafka_tool() {
  java -cp "$KAFKA_LIBS/*" "-Dlog4j.configuration=file:$KAFKA_STATE/tools-log4j.properties" "$@"
}

# What the SCRAM credentials in the metadata log were made from: users and
# their passwords. Kept in the data dir, so it goes when the data goes.
kafka_scram_marker() { printf '%s' "$KAFKA_STATE/data/.hookstream-scram-users"; }
scram_users_digest() {
  local user
  for user in "${KAFKA_USERS[@]}"; do printf '%s:%s\n' "$user" "$(kafka_password "$user")"; done | sha256sum | cut -d' ' -f1
}

# KRaft refuses to start on an unformatted log dir; format it once, with the
# SCRAM users in the first metadata records.
format_kafka_storage() {
  [[ -f "$KAFKA_STATE/data/meta.properties" ]] && return 0
  say "Kafka: formatting storage in $KAFKA_STATE/data"
  local cluster_id out user password scram=()
  cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  [[ -n "$cluster_id" ]] || die "Kafka: the storage tool could not generate a cluster id (are the jars in $KAFKA_LIBS complete?)"
  for user in "${KAFKA_USERS[@]}"; do
    password=$(kafka_password "$user")
    scram+=(--add-scram "SCRAM-SHA-256=[name=$user,password=$password]" --add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
  done
  out=$(kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" --ignore-formatted "${scram[@]}" 2>&1) \
    || { printf '%s\n' "$out" >&2; die "Kafka: storage format failed"; }
  scram_users_digest >"$(kafka_scram_marker)"
}

# A data dir formatted before the SASL listener existed (or users whose
# passwords changed) gets its SCRAM credentials from the running broker: one
# call per user and mechanism, since the broker refuses a user twice in one
# request (once per machine, about 2 s each).
ensure_kafka_scram_users() {
  [[ "$(cat "$(kafka_scram_marker)" 2>/dev/null)" == "$(scram_users_digest)" ]] && return 0
  say "Kafka: storing the SCRAM credentials of ${#KAFKA_USERS[@]} users"
  local user mechanism out
  for user in "${KAFKA_USERS[@]}"; do
    for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
      out=$(kafka_tool kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --alter --entity-type users --entity-name "$user" \
        --add-config "$mechanism=[password=$(kafka_password "$user")]" 2>&1) \
        || { printf '%s\n' "$out" >&2; die "Kafka: could not store the $mechanism credentials of $user"; }
    done
  done
  scram_users_digest >"$(kafka_scram_marker)"
}

show_log_and_die() {
  local component=$1 log=$2 reason=$3
  say "$component: $reason. Last 30 lines of $log:"
  tail -n 30 "$log" >&2 2>/dev/null || true
  die "$component: $reason (log: $log)"
}

# Ready = startup finished (KafkaRaftServer logs "Kafka Server started" once
# controller and broker are up), the listener answers Kafka requests, and the
# group coordinator is available.
wait_for_kafka() {
  local deadline=$((SECONDS + TIMEOUT))
  until grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null \
    && kafka_answers 127.0.0.1 "$KAFKA_PORT" && kafka_coordinator_ready; do
    kafka_pid >/dev/null || show_log_and_die Kafka "$KAFKA_LOG" "the broker process exited during startup"
    ((SECONDS < deadline)) || show_log_and_die Kafka "$KAFKA_LOG" "not ready within ${TIMEOUT}s"
    sleep 0.2
  done
}

# Starts a broker JVM from config $2, logging to $3, its pid in $4, with the
# log4j.properties of dir $1 and the heap flags that follow; returns once the
# pid file is written, so a wait can tell "starting" from "died".
spawn_kafka() {
  local dir=$1 config=$2 log=$3 pid_file=$4 tries=50
  shift 4
  rm -f "$pid_file"
  # setsid + nohup: the broker outlives the shell (and test run) that started it.
  # The inner shell writes its own pid and then execs java, so the pid is the JVM's.
  # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
    java "$@" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$dir/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$config" >"$log" 2>&1 </dev/null 9>&- &
  until [[ -s "$pid_file" ]]; do
    ((--tries > 0)) || die "Kafka: the broker process did not start (log: $log)"
    sleep 0.1
  done
}

start_kafka() {
  command -v java >/dev/null || die "java (17) is needed to run Kafka"
  fetch_kafka_jars
  ensure_kafka_certificates
  ensure_kafka_passwords
  write_kafka_config
  format_kafka_storage
  if port_open 127.0.0.1 "$KAFKA_CONTROLLER_PORT"; then
    die "Kafka: controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken by another process (set KAFKA_CONTROLLER_PORT)"
  fi
  # Keep the previous run's log: it tells why that broker died.
  if [[ -f "$KAFKA_LOG" ]]; then mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"; fi
  rm -f "$KAFKA_PID_FILE"
  say "Kafka: starting broker on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_LOG)"
  local started
  started=$(now)
  spawn_kafka "$KAFKA_STATE" "$KAFKA_CONFIG" "$KAFKA_LOG" "$KAFKA_PID_FILE" -Xms256m -Xmx768m
  wait_for_kafka
  ensure_kafka_scram_users
  say "Kafka: ready on 127.0.0.1:$KAFKA_PORT, SASL_SSL :$KAFKA_SASL_SSL_PORT, mTLS :$KAFKA_SSL_PORT (pid $(kafka_pid)) in $(elapsed_since "$started")s"
}

# Restarts our broker when its configuration is not what this script writes
# now (e.g. it was started before the TLS listeners existed). Other clients
# of the broker see a restart of a few seconds.
kafka_upgrade_if_changed() {
  ensure_kafka_certificates
  ensure_kafka_passwords
  kafka_config_changed || return 1
  say "Kafka: the broker's configuration changed; restarting it"
  kafka_down
  start_kafka
}

kafka_up() {
  local pid
  if pid=$(kafka_pid); then
    kafka_upgrade_if_changed && return 0
    wait_for_kafka # it may still be starting
    ensure_kafka_scram_users
    say "Kafka: already running on 127.0.0.1:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  if [[ -f "$KAFKA_PID_FILE" ]]; then
    say "Kafka: pid file is stale (pid $(<"$KAFKA_PID_FILE") is gone); restarting the broker"
    rm -f "$KAFKA_PID_FILE"
  fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    kafka_answers 127.0.0.1 "$KAFKA_PORT" \
      || die "Kafka: 127.0.0.1:$KAFKA_PORT is taken by something that does not speak Kafka (set KAFKA_PORT)"
    say "Kafka: a broker we did not start answers on 127.0.0.1:$KAFKA_PORT; using it"
    return 0
  fi
  start_kafka
}

kafka_down() {
  local pid
  if pid=$(kafka_pid); then
    say "Kafka: stopping broker (pid $pid)"
    kill -TERM "$pid"
    # A controlled shutdown takes a few seconds; don't wait forever.
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "Kafka: broker did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  elif port_open 127.0.0.1 "$KAFKA_PORT"; then
    say "Kafka: the broker on 127.0.0.1:$KAFKA_PORT was not started by infra.sh; leaving it running"
  else
    say "Kafka: not running"
  fi
  rm -f "$KAFKA_PID_FILE"
}

kafka_purge() {
  say "Kafka: deleting $KAFKA_STATE"
  rm -rf "$KAFKA_STATE"
}

kafka_status() {
  local host port pid=""
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    read -r host port <<<"$(first_broker "$KAFKA_BROKERS")"
    if kafka_answers "$host" "$port"; then
      echo "kafka     running  $KAFKA_BROKERS  (external, from KAFKA_BROKERS)"
      return 0
    fi
    echo "kafka     stopped  $KAFKA_BROKERS  (external, from KAFKA_BROKERS; not answering)"
    return 1
  fi
  pid=$(kafka_pid) || pid=""
  if kafka_answers 127.0.0.1 "$KAFKA_PORT"; then
    if [[ -n "$pid" ]]; then
      echo "kafka     running  127.0.0.1:$KAFKA_PORT  SASL_SSL :$KAFKA_SASL_SSL_PORT  mTLS :$KAFKA_SSL_PORT  pid $pid  log $KAFKA_LOG"
    else
      echo "kafka     running  127.0.0.1:$KAFKA_PORT  (not started by infra.sh)"
    fi
  elif [[ -n "$pid" ]]; then
    echo "kafka     starting 127.0.0.1:$KAFKA_PORT  pid $pid  log $KAFKA_LOG"
    return 1
  else
    echo "kafka     stopped  127.0.0.1:$KAFKA_PORT  log $KAFKA_LOG"
    return 1
  fi
}

# ---------------------------------------------------------------- Kafka cluster

# `--brokers N` (N >= 2): N KRaft nodes on loopback, each controller and
# broker at once, PLAINTEXT only, with the replication a production cluster
# has (see cluster_config_text). The single broker above is not touched.

cluster_node_dir() { printf '%s/node-%s' "$KAFKA_CLUSTER_STATE" "$1"; }
cluster_node_port() { printf '%s' $((KAFKA_CLUSTER_PORT + $1 - 1)); }
cluster_controller_port() { printf '%s' $((KAFKA_CLUSTER_CONTROLLER_PORT + $1 - 1)); }
cluster_node_pid() { kafka_pid "$(cluster_node_dir "$1")/kafka.pid"; }

cluster_brokers() {
  local i list=()
  for ((i = 1; i <= BROKERS; i++)); do list+=("127.0.0.1:$(cluster_node_port "$i")"); done
  (IFS=,; printf '%s' "${list[*]}")
}

# Replicas and min.insync.replicas every topic gets by default: 3 and 2 from
# three brokers on (a write survives one broker down), 2 and 1 with two.
cluster_replication_factor() { printf '%s' $((BROKERS < 3 ? BROKERS : 3)); }
cluster_min_insync() { printf '%s' $(($(cluster_replication_factor) - 1)); }

cluster_config_text() {
  local node=$1 i voters=() rf min_isr
  for ((i = 1; i <= BROKERS; i++)); do voters+=("$i@127.0.0.1:$(cluster_controller_port "$i")"); done
  rf=$(cluster_replication_factor)
  min_isr=$(cluster_min_insync)
  cat <<EOF
# Generated by hookstream scripts/infra.sh --brokers $BROKERS (rewritten on every
# start; a running node is restarted when this text changes).
# Node $node of $BROKERS: controller (a KRaft voter) and broker in one process.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(IFS=,; printf '%s' "${voters[*]}")
listeners=PLAINTEXT://127.0.0.1:$(cluster_node_port "$node"),CONTROLLER://127.0.0.1:$(cluster_controller_port "$node")
advertised.listeners=PLAINTEXT://127.0.0.1:$(cluster_node_port "$node")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$(cluster_node_dir "$node")/data
num.partitions=3
# What a production cluster sets: topics created without a replication factor
# get $rf replicas, and an acks=all write needs $min_isr of them in sync.
default.replication.factor=$rf
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$min_isr
# Never elect a replica that missed writes: that would lose acknowledged messages.
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.cleaner.enable=true
EOF
}

# The state on disk belongs to one cluster size (its voters are in every
# node's metadata log): another size starts from fresh state.
cluster_prepare_state() {
  local marker="$KAFKA_CLUSTER_STATE/brokers" i
  if [[ -f "$marker" && "$(<"$marker")" != "$BROKERS" ]]; then
    for ((i = 1; i <= $(<"$marker"); i++)); do
      if cluster_node_pid "$i" >/dev/null; then
        die "Kafka: a cluster of $(<"$marker") brokers runs on these ports; stop it first (infra.sh down --brokers $(<"$marker"))"
      fi
    done
    say "Kafka: the state in $KAFKA_CLUSTER_STATE is of a $(<"$marker")-broker cluster; starting afresh"
    rm -rf "$KAFKA_CLUSTER_STATE"
  fi
  mkdir -p "$KAFKA_CLUSTER_STATE"
  printf '%s\n' "$BROKERS" >"$marker"
  write_kafka_log4j "$KAFKA_CLUSTER_STATE"
  if [[ ! -s "$KAFKA_CLUSTER_STATE/cluster-id" ]]; then
    KAFKA_STATE=$KAFKA_CLUSTER_STATE kafka_tool kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 >"$KAFKA_CLUSTER_STATE/cluster-id"
    [[ -s "$KAFKA_CLUSTER_STATE/cluster-id" ]] || die "Kafka: the storage tool could not generate a cluster id (are the jars in $KAFKA_LIBS complete?)"
  fi
}

# Writes node $1's config and formats its log dir once (all nodes share the cluster id).
cluster_prepare_node() {
  local node=$1 dir out
  dir=$(cluster_node_dir "$node")
  mkdir -p "$dir/data"
  cluster_config_text "$node" >"$dir/server.properties"
  [[ -f "$dir/data/meta.properties" ]] && return 0
  out=$(KAFKA_STATE=$KAFKA_CLUSTER_STATE kafka_tool kafka.tools.StorageTool format -t "$(<"$KAFKA_CLUSTER_STATE/cluster-id")" \
    -c "$dir/server.properties" --ignore-formatted 2>&1) || { printf '%s\n' "$out" >&2; die "Kafka: formatting node $node failed"; }
}

cluster_start_node() {
  local node=$1 dir port
  dir=$(cluster_node_dir "$node")
  for port in "$(cluster_node_port "$node")" "$(cluster_controller_port "$node")"; do
    if port_open 127.0.0.1 "$port"; then
      die "Kafka: 127.0.0.1:$port is taken by another process (set KAFKA_CLUSTER_PORT, KAFKA_CLUSTER_CONTROLLER_PORT)"
    fi
  done
  if [[ -f "$dir/kafka.log" ]]; then mv -f "$dir/kafka.log" "$dir/kafka.log.1"; fi
  say "Kafka: starting node $node on 127.0.0.1:$(cluster_node_port "$node") (log: $dir/kafka.log)"
  spawn_kafka "$KAFKA_CLUSTER_STATE" "$dir/server.properties" "$dir/kafka.log" "$dir/kafka.pid" -Xms128m -Xmx512m
}

cluster_stop_nodes() {
  local node pid pids=() deadline=$((SECONDS + 30))
  for node in "$@"; do
    if pid=$(cluster_node_pid "$node"); then
      say "Kafka: stopping node $node (pid $pid)"
      pids+=("$pid")
    fi
    rm -f "$(cluster_node_dir "$node")/kafka.pid"
  done
  ((${#pids[@]} > 0)) || return 0
  # All at once: a node stopping alone waits for a quorum its peers would leave.
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "Kafka: pid $pid did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# Ready = every node started and answers, and the group coordinator serves
# (its __consumer_offsets needs as many live brokers as it has replicas).
wait_for_cluster() {
  local deadline=$((SECONDS + TIMEOUT)) node dir ready
  for (( ; ; )); do
    ready=yes
    for ((node = 1; node <= BROKERS; node++)); do
      dir=$(cluster_node_dir "$node")
      cluster_node_pid "$node" >/dev/null || show_log_and_die Kafka "$dir/kafka.log" "node $node exited during startup"
      if ! grep -q 'Kafka Server started' "$dir/kafka.log" 2>/dev/null || ! kafka_answers 127.0.0.1 "$(cluster_node_port "$node")"; then
        ready=no
      fi
    done
    if [[ "$ready" == yes ]] && kafka_coordinator_ready "$(cluster_node_port 1)"; then return 0; fi
    ((SECONDS < deadline)) || show_log_and_die Kafka "$(cluster_node_dir 1)/kafka.log" "the $BROKERS-broker cluster was not ready within ${TIMEOUT}s"
    sleep 0.5
  done
}

# Starts the nodes that are not running (a node a test killed comes back
# with its data), restarts those whose configuration changed, then waits.
cluster_up() {
  command -v java >/dev/null || die "java (17) is needed to run Kafka"
  fetch_kafka_jars
  cluster_prepare_state
  local node started changed=() missing=()
  started=$(now)
  for ((node = 1; node <= BROKERS; node++)); do
    if cluster_node_pid "$node" >/dev/null; then
      [[ "$(cluster_config_text "$node")" == "$(cat "$(cluster_node_dir "$node")/server.properties" 2>/dev/null)" ]] || changed+=("$node")
    else
      missing+=("$node")
    fi
  done
  if ((${#changed[@]} > 0)); then
    say "Kafka: the configuration of node(s) ${changed[*]} changed; restarting them"
    cluster_stop_nodes "${changed[@]}"
    missing+=("${changed[@]}")
  fi
  if ((${#missing[@]} > 0)); then
    # Formatting runs a JVM per node: in parallel.
    local formats=()
    for node in "${missing[@]}"; do
      cluster_prepare_node "$node" &
      formats+=($!)
    done
    for node in "${formats[@]}"; do wait "$node" || die "Kafka: preparing the cluster's nodes failed"; done
    for node in "${missing[@]}"; do cluster_start_node "$node"; done
  fi
  wait_for_cluster
  if ((${#missing[@]} > 0)); then
    say "Kafka: $BROKERS-broker cluster ready on $(cluster_brokers) in $(elapsed_since "$started")s"
  else
    say "Kafka: $BROKERS-broker cluster already running on $(cluster_brokers)"
  fi
}

cluster_down() {
  local node nodes=()
  for ((node = 1; node <= BROKERS; node++)); do nodes+=("$node"); done
  cluster_stop_nodes "${nodes[@]}"
  if [[ "$PURGE" == yes ]]; then
    say "Kafka: deleting $KAFKA_CLUSTER_STATE"
    rm -rf "$KAFKA_CLUSTER_STATE"
  fi
}

cluster_status() {
  local node pid port log rc=0
  for ((node = 1; node <= BROKERS; node++)); do
    port=$(cluster_node_port "$node")
    log="$(cluster_node_dir "$node")/kafka.log"
    pid=$(cluster_node_pid "$node") || pid=""
    if [[ -n "$pid" ]] && kafka_answers 127.0.0.1 "$port"; then
      echo "kafka-$node   running  127.0.0.1:$port  pid $pid  log $log"
    elif [[ -n "$pid" ]]; then
      echo "kafka-$node   starting 127.0.0.1:$port  pid $pid  log $log"
      rc=1
    else
      echo "kafka-$node   stopped  127.0.0.1:$port  log $log"
      rc=1
    fi
  done
  return "$rc"
}

# ---------------------------------------------------------------- Postgres

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

postgres_installed() {
  command -v pg_ctlcluster >/dev/null && command -v pg_lsclusters >/dev/null \
    && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

install_postgres() {
  postgres_installed && return 0
  [[ $(id -u) -eq 0 ]] \
    || die "PostgreSQL is not installed and we are not root: run 'sudo apt-get install postgresql', or set DATABASE_URL"
  say "Postgres: installing the postgresql package with apt-get (first run only)..."
  local out
  out=$(apt-get update 2>&1) || { printf '%s\n' "$out" | tail -20 >&2; die "apt-get update failed"; }
  # 9>&-: the package scripts may start the server, which must not hold our lock.
  out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql 2>&1 9>&-) \
    || { printf '%s\n' "$out" | tail -20 >&2; die "apt-get install postgresql failed"; }
  postgres_installed || die "postgresql is installed, but pg_ctlcluster or the server binaries are still missing"
}

# Prints "<version> <name> <port> <status> <log file>" of our cluster: the one
# on PGPORT if there is one, else the first one listed.
pg_cluster_info() {
  pg_lsclusters --no-header 2>/dev/null | awk -v want="$PG_PORT_WANTED" '
    { log_file = (NF >= 7 ? $7 : "/var/log/postgresql/postgresql-" $1 "-" $2 ".log")
      line = $1 " " $2 " " $3 " " $4 " " log_file
      if (first == "") first = line
      if ($3 == want) { print line; found = 1; exit } }
    END { if (!found && first != "") print first }'
}

ensure_pg_cluster() {
  [[ -n "$(pg_cluster_info)" ]] && return 0
  local version out
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
  say "Postgres: no cluster exists; creating $version/main on port $PG_PORT_WANTED"
  out=$(pg_createcluster "$version" main -p "$PG_PORT_WANTED" 2>&1 9>&-) \
    || { printf '%s\n' "$out" >&2; die "pg_createcluster $version main failed"; }
}

wait_for_postgres() {
  local port=$1 log=$2 deadline=$((SECONDS + TIMEOUT))
  until pg_isready -q -h 127.0.0.1 -p "$port"; do
    ((SECONDS < deadline)) || show_log_and_die Postgres "$log" "not accepting connections on 127.0.0.1:$port within ${TIMEOUT}s"
    sleep 0.2
  done
}

start_pg_cluster() {
  local version=$1 name=$2 port=$3 log=$4
  say "Postgres: starting cluster $version/$name on 127.0.0.1:$port (log: $log)"
  # 9>&-: the server must not inherit (and hold) our lock.
  pg_ctlcluster "$version" "$name" start >&2 9>&- \
    || show_log_and_die Postgres "$log" "pg_ctlcluster $version $name start failed"
  wait_for_postgres "$port" "$log"
}

pg_login_works() {
  PGPASSWORD=$3 psql -X -q -h 127.0.0.1 -p "$1" -U "$2" -d "$PG_DB" -c 'select 1' >/dev/null 2>&1
}

pg_service_role() { printf 'hookstream_%s' "$1"; }

# A service role's password: <SCHEMA>_DATABASE_PASSWORD, else the role's name (local development).
pg_service_password() {
  local variable="${1^^}_DATABASE_PASSWORD" password
  password=${!variable:-$(pg_service_role "$1")}
  # It goes into a URL and a psql literal as is: keep it to characters neither has to escape.
  [[ "$password" =~ ^[A-Za-z0-9._~-]+$ ]] || die "$variable: use letters, digits, . _ ~ - only"
  printf '%s' "$password"
}

# Role and database, idempotently; the password is (re)set so a login always works.
ensure_pg_role_and_db() {
  local port=$1
  as_postgres psql -X -q -p "$port" -v ON_ERROR_STOP=1 >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER;
  END IF;
END \$\$;
-- CREATEDB: tests create throwaway databases.
ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
}

# One role per service: it may connect and create schemas (a test run or a
# side-by-side deployment gets prefixed ones, owned by the role that made
# them), and it owns its own schema; it is granted nothing else, so it cannot
# read another service's. The database owner is a member of every service
# role, so tests and operators can read and drop any schema.
ensure_pg_service_roles() {
  local port=$1 schema password sql=$'SET client_min_messages TO warning;\n'
  for schema in "${PG_SERVICE_SCHEMAS[@]}"; do
    password=$(pg_service_password "$schema")
    sql+="\\set role $(pg_service_role "$schema")
\\set schema $schema
\\set password $password
"
    sql+=$(cat <<'SQL'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), :'role')\gexec
SELECT format('GRANT %I TO %I', :'role', pg_get_userbyid(d.datdba)) FROM pg_database d WHERE d.datname = current_database()\gexec
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"role";
-- A schema made before the roles existed passes to its service, tables with it.
SELECT format('ALTER SCHEMA %I OWNER TO %I', :'schema', :'role')
  FROM pg_namespace WHERE nspname = :'schema' AND pg_get_userbyid(nspowner) <> :'role'\gexec
SELECT format('ALTER TABLE %I.%I OWNER TO %I', :'schema', c.relname, :'role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'schema' AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> :'role'\gexec
SQL
)
    sql+=$'\n'
  done
  as_postgres psql -X -q -p "$port" -d "$PG_DB" -v ON_ERROR_STOP=1 >/dev/null <<<"$sql"
}

# Debian's pg_hba.conf allows password logins from 127.0.0.1; if a customised
# one does not, put a rule for our roles first and reload.
ensure_pg_password_login() {
  local version=$1 name=$2 port=$3 hba roles=$PG_USER schema
  for schema in "${PG_SERVICE_SCHEMAS[@]}"; do roles+=",$(pg_service_role "$schema")"; done
  schema=${PG_SERVICE_SCHEMAS[0]}
  pg_login_works "$port" "$PG_USER" "$PG_PASSWORD" \
    && pg_login_works "$port" "$(pg_service_role "$schema")" "$(pg_service_password "$schema")" && return 0
  hba=$(as_postgres psql -X -At -p "$port" -c 'show hba_file')
  say "Postgres: password login over TCP failed; allowing $roles from 127.0.0.1 in $hba"
  sed -i "0,/^[[:space:]]*[^#[:space:]]/s//host all $roles 127.0.0.1\/32 md5\n&/" "$hba"
  pg_ctlcluster "$version" "$name" reload >&2 9>&-
  pg_login_works "$port" "$PG_USER" "$PG_PASSWORD" \
    || die "Postgres: cannot log in as $PG_USER over TCP (PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p $port -U $PG_USER -d $PG_DB)"
}

postgres_up() {
  install_postgres
  ensure_pg_cluster
  local version name port status log started
  read -r version name port status log <<<"$(pg_cluster_info)"
  [[ "$port" == "$PG_PORT_WANTED" ]] || say "Postgres: no cluster on port $PG_PORT_WANTED; using $version/$name on port $port"
  started=$(now)
  if [[ "$status" == online* ]]; then
    wait_for_postgres "$port" "$log"
  else
    start_pg_cluster "$version" "$name" "$port" "$log"
  fi
  ensure_pg_role_and_db "$port"
  ensure_pg_service_roles "$port"
  ensure_pg_password_login "$version" "$name" "$port"
  say "Postgres: ready on 127.0.0.1:$port (cluster $version/$name, database $PG_DB) in $(elapsed_since "$started")s"
}

drop_pg_database() {
  local version=$1 port=$2 force=""
  # WITH (FORCE) (PostgreSQL 13+) ends leftover sessions instead of failing.
  if ((${version%%.*} >= 13)); then force=" WITH (FORCE)"; fi
  say "Postgres: dropping database $PG_DB"
  as_postgres psql -X -q -p "$port" -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB$force" >/dev/null
}

postgres_down() {
  local purge=$1 version name port status log
  postgres_installed || { say "Postgres: not installed"; return 0; }
  read -r version name port status log <<<"$(pg_cluster_info)"
  [[ -n "$version" ]] || { say "Postgres: no cluster"; return 0; }
  if [[ "$purge" == yes ]]; then
    # Dropping needs a running server.
    if [[ "$status" != online* ]]; then start_pg_cluster "$version" "$name" "$port" "$log"; fi
    drop_pg_database "$version" "$port"
    status=online
  fi
  if [[ "$status" == online* ]]; then
    say "Postgres: stopping cluster $version/$name"
    pg_ctlcluster "$version" "$name" stop >&2 9>&-
  else
    say "Postgres: cluster $version/$name is not running"
  fi
}

postgres_status() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    if pg_isready -q -d "$DATABASE_URL"; then
      echo "postgres  running  (external, from DATABASE_URL)"
      return 0
    fi
    echo "postgres  stopped  (external, from DATABASE_URL; not answering)"
    return 1
  fi
  local version name port status log
  if ! postgres_installed || [[ -z "$(pg_cluster_info)" ]]; then
    echo "postgres  stopped  127.0.0.1:$PG_PORT_WANTED  (not installed, or no cluster)"
    return 1
  fi
  read -r version name port status log <<<"$(pg_cluster_info)"
  if pg_isready -q -h 127.0.0.1 -p "$port"; then
    echo "postgres  running  127.0.0.1:$port  cluster $version/$name  log $log"
  else
    echo "postgres  stopped  127.0.0.1:$port  cluster $version/$name  log $log"
    return 1
  fi
}

# ---------------------------------------------------------------- commands

# True with --brokers N >= 2 and no KAFKA_BROKERS of someone else's.
local_cluster() { ((BROKERS > 1)) && [[ -z "${KAFKA_BROKERS:-}" ]]; }

print_env() {
  local schema variable
  if local_cluster; then
    echo "KAFKA_BROKERS=$(cluster_brokers)"
    echo "HOOKSTREAM_KAFKA_CLUSTER_STATE=$KAFKA_CLUSTER_STATE"
  else
    echo "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
    # The secured listeners of our own broker, for tests and local clients.
    if [[ -z "${KAFKA_BROKERS:-}" ]]; then
      echo "HOOKSTREAM_KAFKA_SASL_SSL_BROKERS=127.0.0.1:$KAFKA_SASL_SSL_PORT"
      echo "HOOKSTREAM_KAFKA_SSL_BROKERS=127.0.0.1:$KAFKA_SSL_PORT"
      echo "HOOKSTREAM_KAFKA_SECRETS=$KAFKA_SECRETS"
    fi
  fi
  if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "DATABASE_URL=$DATABASE_URL"
    # An outside database comes with its own service URLs, if any: passed on as they are.
    for schema in "${PG_SERVICE_SCHEMAS[@]}"; do
      variable="${schema^^}_DATABASE_URL"
      if [[ -n "${!variable:-}" ]]; then echo "$variable=${!variable}"; fi
    done
    return 0
  fi
  local port=$PG_PORT_WANTED info=""
  if postgres_installed; then info=$(pg_cluster_info); fi
  if [[ -n "$info" ]]; then port=$(awk '{ print $3 }' <<<"$info"); fi
  echo "DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
  for schema in "${PG_SERVICE_SCHEMAS[@]}"; do
    echo "${schema^^}_DATABASE_URL=postgres://$(pg_service_role "$schema"):$(pg_service_password "$schema")@127.0.0.1:$port/$PG_DB"
  done
}

cmd_up() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    say "Kafka: KAFKA_BROKERS is set; using $KAFKA_BROKERS (no local broker)"
  elif local_cluster; then
    with_lock "kafka-cluster-$KAFKA_CLUSTER_PORT" cluster_up
  else
    with_lock "kafka-$KAFKA_PORT" kafka_up
  fi
  if [[ -n "${DATABASE_URL:-}" ]]; then
    say "Postgres: DATABASE_URL is set; using it (no local cluster)"
  else
    with_lock postgres postgres_up
  fi
  print_env
}

cmd_down() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    say "Kafka: KAFKA_BROKERS is set; leaving that broker alone"
  elif local_cluster; then
    with_lock "kafka-cluster-$KAFKA_CLUSTER_PORT" cluster_down
  else
    with_lock "kafka-$KAFKA_PORT" kafka_down
    if [[ "$PURGE" == yes ]]; then with_lock "kafka-$KAFKA_PORT" kafka_purge; fi
  fi
  if [[ -n "${DATABASE_URL:-}" ]]; then
    say "Postgres: DATABASE_URL is set; leaving that database alone"
  else
    with_lock postgres postgres_down "$PURGE"
  fi
}

cmd_status() {
  local rc=0
  if local_cluster; then cluster_status || rc=1; else kafka_status || rc=1; fi
  postgres_status || rc=1
  return "$rc"
}

# --brokers N (or --brokers=N) for every command, --purge for down.
parse_options() {
  local cmd=$1
  shift
  while (($# > 0)); do
    case "$1" in
      --brokers) BROKERS=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
      --brokers=*) BROKERS=${1#--brokers=}; shift ;;
      --purge) [[ "$cmd" == down ]] || { usage; exit 2; }; PURGE=yes; shift ;;
      *) usage; exit 2 ;;
    esac
  done
  [[ "$BROKERS" =~ ^[1-9]$ ]] || die "--brokers takes a count from 1 to 9, not '$BROKERS'"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up | down | status | env) parse_options "$cmd" "$@" ;;
  esac
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) print_env ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
