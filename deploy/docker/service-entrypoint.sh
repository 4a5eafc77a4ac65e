#!/bin/sh
# The image's entrypoint: SERVICE picks the service; arguments go to it.
set -eu
case "${SERVICE:-}" in
  gateway | workflow-config | event-ingest | matcher | delivery | projection) ;;
  *)
    echo "SERVICE must be one of gateway, workflow-config, event-ingest, matcher, delivery, projection (got '${SERVICE:-}')" >&2
    exit 64 # EX_USAGE
    ;;
esac
exec node "/app/dist/apps/$SERVICE/src/main.js" "$@"
