#!/usr/bin/env bash
# Runs one service from its TypeScript sources: scripts/run-service.sh <name>.
# With --dist, runs the compiled build instead (npm run build first);
# `projection --rebuild` clears the read models so the next start replays.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name="${1:?usage: run-service.sh <$(IFS='|'; echo "${SERVICES[*]}")> [--dist]}"
[[ -d "$ROOT/apps/$name" ]] || { log "no such service: $name"; exit 2; }
ensure_dependencies
ensure_infrastructure
cd "$ROOT"
if [[ "${2:-}" == "--rebuild" ]]; then
  # Only projection has one: clears its read models for a replay.
  exec node -r ./tools/ts-register.js "apps/$name/src/rebuild.ts"
fi
if [[ "${2:-}" == "--dist" ]]; then
  exec node "dist/apps/$name/src/main.js"
fi
exec node -r ./tools/ts-register.js "apps/$name/src/main.ts"
