#!/usr/bin/env bash
# The benchmark: dependencies, Kafka and Postgres as for the tests,
# a production build, then every scenario against the six services in
# production mode. Writes bench/results/<timestamp>.json, latest.md and
# latest.svg. `--quick` takes about a minute; see bench/src/main.ts for the rest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
ensure_infrastructure
cd "$ROOT"
log "building"
build_all
log "running the benchmark"
exec node -r ./tools/ts-register.js bench/src/main.ts "$@"
