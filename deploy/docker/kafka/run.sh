#!/bin/bash
# Starts a KRaft broker configured the way apache/kafka's image is: every
# KAFKA_FOO_BAR variable becomes foo.bar in server.properties (___ for -,
# __ for _), the storage is formatted once with CLUSTER_ID.
set -euo pipefail
home=/var/lib/kafka
config=$home/server.properties
: "${CLUSTER_ID:=5L6g3nShT-eMCtK--X86sw}"
{
  echo "log.dirs=$home/data"
  while IFS='=' read -r name value; do
    case "$name" in
      # The image's own settings, not the broker's.
      KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    esac
    key=${name#KAFKA_}
    key=${key//___/-}
    key=${key//__/@}
    key=${key//_/.}
    key=${key//@/_}
    echo "${key,,}=$value"
  done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' || true)
} >"$config"
cat >"$home/log4j.properties" <<'LOG4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
LOG4J
java=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$home/log4j.properties" -cp '/opt/kafka/libs/*')
if [[ ! -f "$home/data/meta.properties" ]]; then
  "${java[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$config" --ignore-formatted
fi
exec "${java[@]}" kafka.Kafka "$config"
