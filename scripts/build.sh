#!/usr/bin/env bash
# Type-checks and compiles every service to dist/ (node dist/apps/<name>/src/main.js),
# and the console web app to dist/apps/console.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
log "type-checking"
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json --noEmit && npx --no-install tsc -p apps/console/tsconfig.json --noEmit)
log "compiling to dist/"
build_all
