#!/usr/bin/env bash
# Lists or replays dead letters: scripts/dead-letters.sh list <topic> |
# replay <topic> (--offset <n> [--partition <p>] | --all). Uses KAFKA_BROKERS
# and KAFKA_TOPIC_PREFIX from the environment, else the local infrastructure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
[[ -n "${KAFKA_BROKERS:-}" ]] || ensure_infrastructure
cd "$ROOT"
exec node -r ./tools/ts-register.js libs/shared/messaging/src/dead-letters.main.ts "$@"
