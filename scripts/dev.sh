#!/usr/bin/env bash
# The whole platform locally: dependencies, Kafka, Postgres, and the six
# services with combined, prefixed logs. Ctrl-C stops the services cleanly
# (the infrastructure keeps running: npm run infra:down stops it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
ensure_infrastructure
cd "$ROOT"
export LOG_PRETTY="${LOG_PRETTY:-true}"
export NODE_ENV="${NODE_ENV:-development}"
# Local development reaches receivers on this machine (the SSRF guard blocks
# loopback otherwise).
export DELIVERY_ALLOWED_HOSTS="${DELIVERY_ALLOWED_HOSTS:-127.0.0.1,localhost,::1}"
# A local tenant and keys (change them anywhere but on your own machine).
export BOOTSTRAP_TENANT_ID="${BOOTSTRAP_TENANT_ID:-ten_local}"
export BOOTSTRAP_API_KEY="${BOOTSTRAP_API_KEY:-sk_local_dev_key_0000000000000000}"
export ADMIN_API_KEY="${ADMIN_API_KEY:-adm_local_dev_key_00000000000000}"
# The console at http://localhost:3000/console/ (sign in with BOOTSTRAP_API_KEY);
# node tools/build-console.js --watch rebuilds it on change.
log "building the console (dist/apps/console)"
node tools/build-console.js
commands=()
for name in "${SERVICES[@]}"; do
  commands+=("node -r ./tools/ts-register.js apps/$name/src/main.ts")
done
exec npx --no-install concurrently --names "$(IFS=,; echo "${SERVICES[*]}")" \
  --prefix-colors "blue,magenta,cyan,green,yellow,red" --kill-others-on-fail --kill-signal SIGTERM \
  "${commands[@]}"
