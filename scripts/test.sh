#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: dependencies, Kafka and
# Postgres, type-check, lint, build, then jest's unit, integration and e2e
# tiers against the real infrastructure. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
ensure_infrastructure
cd "$ROOT"
log "type-checking"
npx --no-install tsc -p tsconfig.json --noEmit
log "linting (module boundaries included)"
NX_DAEMON=false npx --no-install nx run-many -t lint --output-style=static
log "building"
build_all
log "running jest"
exec npx --no-install jest --ci --maxWorkers=2 "$@"
