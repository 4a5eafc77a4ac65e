#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: dependencies, Kafka and
# Postgres, type-check, lint, build, then jest's unit, integration and e2e
# tiers against the real infrastructure, the console in a real browser
# (Debian's chromium, installed when missing), the cluster tier (three brokers, one
# killed under load), the Helm chart's offline checks, and the docker tier (the
# image and docker-compose.yml on the local Docker engine). Extra arguments go
# to jest.
# HOOKSTREAM_SKIP_DOCKER=1 leaves the docker tier out on a developer's
# machine; CI (CI=true) always runs it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_dependencies
ensure_infrastructure
cd "$ROOT"
log "type-checking"
npx --no-install tsc -p tsconfig.json --noEmit
npx --no-install tsc -p apps/console/tsconfig.json --noEmit
log "linting (module boundaries included)"
NX_DAEMON=false npx --no-install nx run-many -t lint --output-style=static
log "building"
build_all
# Unit tests in parallel; the tiers with real services one file at a time,
# since each starts its own services on this machine's two cores.
log "running jest: unit"
npx --no-install jest --ci --selectProjects unit --maxWorkers=2 --passWithNoTests "$@"
log "running jest: integration"
# Every topic and group this run makes carries its name; they leave the
# broker at the end, pass or fail, so runs do not pile up partitions.
HOOKSTREAM_TEST_RUN="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
export HOOKSTREAM_TEST_RUN
trap 'node -r ./tools/ts-register.js libs/shared/testing/src/remove-test-run.main.ts' EXIT
npx --no-install jest --ci --selectProjects integration --runInBand --passWithNoTests "$@"
# On the local broker, the platform's services reach Kafka over SASL_SSL in
# the e2e tier, each as its own SCRAM user with ACLs on its test's prefix, as
# on a secured cluster (the integration tier keeps the plaintext listener its
# tests drive). A cluster from KAFKA_BROKERS is used as it is.
if [[ -n "${HOOKSTREAM_KAFKA_SASL_SSL_BROKERS:-}" ]]; then export HOOKSTREAM_TEST_KAFKA="${HOOKSTREAM_TEST_KAFKA:-sasl_ssl}"; fi
log "running jest: e2e (services over Kafka ${HOOKSTREAM_TEST_KAFKA:-plaintext})"
npx --no-install jest --ci --selectProjects e2e --runInBand --passWithNoTests "$@"
log "running jest: browser (the console in chromium; screenshots in test-results/console)"
ensure_chromium
npx --no-install jest --ci --selectProjects browser --runInBand --passWithNoTests "$@"
log "running jest: cluster (3 brokers; a broker and a delivery replica killed under load)"
npx --no-install jest --ci --selectProjects cluster --runInBand --passWithNoTests "$@"
# helm, kubernetes-validate and promtool are built or fetched once into the cache.
log "checking the Helm chart offline (scripts/chart-check.sh)"
bash "$ROOT/scripts/chart-check.sh"
if [[ "${HOOKSTREAM_SKIP_DOCKER:-}" == 1 && "${CI:-}" != true ]]; then
  log "skipping the docker tier (HOOKSTREAM_SKIP_DOCKER=1)"
  exit 0
fi
# A few minutes warm; a fresh machine first installs the engine, debootstraps
# a base and runs the image's npm ci (scripts/docker.sh).
log "building the images (scripts/docker.sh images)"
ensure_images
log "running jest: docker (the image and docker-compose.yml)"
npx --no-install jest --ci --selectProjects docker --runInBand --passWithNoTests "$@"
