#!/usr/bin/env bash
# The Docker side of hookstream on a machine without a registry: Debian's
# Docker engine, local base images, the service image, and docker-compose.yml
# on them. Where a registry is reachable, `docker compose up --build` with
# the official images needs none of this.
#
# Usage:
#   scripts/docker.sh engine   install docker.io, debootstrap and docker-compose if missing; start dockerd
#   scripts/docker.sh images   engine, then the local images (cached); prints the compose env lines
#   scripts/docker.sh up       images, then docker-compose.yml's stack on them (project hookstream),
#                              with keys of this machine's own (<cache>/docker/compose-keys.env)
#   scripts/docker.sh down     stop and remove that stack and its volumes
#
#   eval "$(scripts/docker.sh images)"  # typical use; progress goes to stderr, env lines to stdout
#
# Images (each rebuilt only when its inputs change; Docker's layer cache does
# the rest):
#   hookstream-local/debian:bookworm  debootstrap --variant=minbase, imported (tarball kept in the cache)
#   hookstream-local/node:<version>   that base with this machine's node and npm
#   hookstream-local/kafka:<version>  Debian's JRE and the Kafka jars scripts/infra.sh fetched
#   hookstream-local/postgres:bookworm  Debian's postgresql
#   hookstream:local                  deploy/Dockerfile on the local node base
#
# Environment:
#   HOOKSTREAM_CACHE   the cache (default ${XDG_CACHE_HOME:-~/.cache}/hookstream); Docker's files in <cache>/docker
#   DOCKER_TIMEOUT     seconds to wait for dockerd (60)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CACHE="${HOOKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hookstream}"
DOCKER_CACHE="$CACHE/docker"
SUITE=bookworm
BASE_IMAGE="hookstream-local/debian:$SUITE"
POSTGRES_IMAGE="hookstream-local/postgres:$SUITE"
APP_IMAGE="hookstream:local"
# The Kafka version and its jars are infra.sh's: one jar set for both.
KAFKA_VERSION=$(sed -n 's/^KAFKA_VERSION=//p' "$ROOT/scripts/infra.sh")
KAFKA_JARS="$CACHE/kafka-$KAFKA_VERSION/libs"
KAFKA_IMAGE="hookstream-local/kafka:$KAFKA_VERSION"
COMPOSE_PROJECT=hookstream

die() { log "ERROR: $*"; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) -eq 0 ]] || die "${missing[*]} missing and we are not root: sudo apt-get install ${missing[*]}"
  log "installing ${missing[*]} with apt-get (first run only)"
  local out
  out=$(apt-get update 2>&1) || { printf '%s\n' "$out" | tail -20 >&2; die "apt-get update failed"; }
  out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" 2>&1) \
    || { printf '%s\n' "$out" | tail -20 >&2; die "apt-get install ${missing[*]} failed"; }
}

# dockerd in the background (no systemd here), its log in the cache; one
# start at a time, and the lock's descriptor not passed on to the daemon.
start_engine() {
  engine_answers && return 0
  mkdir -p "$DOCKER_CACHE"
  (
    flock -w 120 9 || die "another docker.sh holds $DOCKER_CACHE/.lock-engine"
    engine_answers && exit 0
    log "starting dockerd (log: $DOCKER_CACHE/dockerd.log)"
    setsid nohup dockerd >"$DOCKER_CACHE/dockerd.log" 2>&1 </dev/null 9>&- &
    local deadline=$((SECONDS + ${DOCKER_TIMEOUT:-60}))
    until engine_answers; do
      if ((SECONDS >= deadline)); then
        tail -20 "$DOCKER_CACHE/dockerd.log" >&2
        die "dockerd did not answer within ${DOCKER_TIMEOUT:-60}s"
      fi
      sleep 0.3
    done
    remove_leftovers
  ) 9>"$DOCKER_CACHE/.lock-engine"
}

# Tests of a run that was killed (with the daemon) leave containers behind,
# and compose's restart policy would start them again with the daemon: on a
# daemon we just started no test runs yet, so they go.
remove_leftovers() {
  local leftovers
  leftovers=$(docker ps -aq --filter label=org.testcontainers=true; docker ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}}' | awk '$2 ~ /^hookstream-smoke-/ { print $1 }')
  [[ -n "$leftovers" ]] || return 0
  log "removing $(wc -l <<<"$leftovers") containers left by killed test runs"
  # shellcheck disable=SC2086 # one id per word
  docker rm -f -v $leftovers >/dev/null
  docker network prune -f --filter label=com.docker.compose.project >/dev/null
}

cmd_engine() {
  install_packages
  start_engine
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# debootstrap once (about a minute), kept as a tarball, imported whenever the
# engine has lost the image.
ensure_base_image() {
  image_exists "$BASE_IMAGE" && return 0
  local tarball="$DOCKER_CACHE/debian-$SUITE-minbase.tar"
  if [[ ! -f "$tarball" ]]; then
    log "debootstrap --variant=minbase $SUITE (first run only, about a minute)"
    local rootfs="$DOCKER_CACHE/rootfs-$SUITE"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$rootfs" http://deb.debian.org/debian \
      >"$DOCKER_CACHE/debootstrap.log" 2>&1 || { tail -20 "$DOCKER_CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" --numeric-owner -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
  fi
  log "importing $BASE_IMAGE"
  docker import -c 'CMD ["bash"]' "$tarball" "$BASE_IMAGE" >/dev/null
}

# docker build with a context made of the given files (name=path pairs)
# beside the Dockerfile's folder: inputs from outside the repository, such as
# this machine's node or the Kafka jars, copied in (hard links where they can).
build_from() {
  local tag=$1 folder=$2
  shift 2
  local context="$DOCKER_CACHE/context-${tag//[\/:]/-}" pair
  rm -rf "$context"
  mkdir -p "$context"
  cp -a "$folder"/. "$context"/
  for pair in "$@"; do cp -al "${pair#*=}" "$context/${pair%%=*}" 2>/dev/null || cp -a "${pair#*=}" "$context/${pair%%=*}"; done
  build "$tag" "$context" --build-arg "BASE_IMAGE=$BASE_IMAGE"
  rm -rf "$context"
}

build() {
  local tag=$1 context=$2 started=$SECONDS
  shift 2
  log "building $tag"
  local out
  # The legacy builder: Debian's engine has no buildx; the layer cache is the same.
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q --force-rm -t "$tag" "$@" "$context" 2>&1); then
    printf '%s\n' "$out" | tail -40 >&2
    die "docker build of $tag failed"
  fi
  log "$tag ready ($((SECONDS - started))s)"
}

node_image() {
  local node npm certificates
  # The CAs npm trusts on this machine (its cafile, else the system's).
  certificates=$(npm config get cafile 2>/dev/null)
  [[ -f "$certificates" ]] || certificates=/etc/ssl/certs/ca-certificates.crt
  node=$(readlink -f "$(command -v node)")
  npm=$(readlink -f "$(command -v npm)")
  npm=${npm%/bin/npm-cli.js}
  [[ -f "$npm/package.json" ]] || die "cannot find npm's folder from $(command -v npm)"
  local tag="hookstream-local/node:$("$node" --version | tr -d v)"
  build_from "$tag" "$ROOT/deploy/docker/node" "node=$node" "npm=$npm" "ca-certificates.crt=$certificates"
  printf '%s' "$tag"
}

kafka_image() {
  [[ -f "$CACHE/kafka-$KAFKA_VERSION/.complete" ]] || {
    log "Kafka's jars are not in the cache yet: scripts/infra.sh fetches them"
    bash "$ROOT/scripts/infra.sh" up >/dev/null
  }
  build_from "$KAFKA_IMAGE" "$ROOT/deploy/docker/kafka" "libs=$KAFKA_JARS"
}

cmd_images() {
  cmd_engine
  mkdir -p "$DOCKER_CACHE"
  (
    flock -w 1800 9 || die "another docker.sh has been building for 30 minutes"
    ensure_base_image
    local node
    node=$(node_image)
    kafka_image
    build_from "$POSTGRES_IMAGE" "$ROOT/deploy/docker/postgres"
    build "$APP_IMAGE" "$ROOT" -f "$ROOT/deploy/Dockerfile" --build-arg "NODE_IMAGE=$node"
  ) 9>"$DOCKER_CACHE/.lock-images"
  echo "HOOKSTREAM_IMAGE=$APP_IMAGE"
  echo "HOOKSTREAM_KAFKA_IMAGE=$KAFKA_IMAGE"
  echo "HOOKSTREAM_POSTGRES_IMAGE=$POSTGRES_IMAGE"
}

compose() { docker-compose -p "$COMPOSE_PROJECT" -f "$ROOT/docker-compose.yml" "$@"; }

# Keys of this machine's own for the stack (compose runs in production mode,
# which refuses the published examples), made once and kept, so a restart
# still opens what the last run sealed. Variables already set win.
COMPOSE_KEYS="$DOCKER_CACHE/compose-keys.env"
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
ensure_compose_keys() {
  if [[ ! -s "$COMPOSE_KEYS" ]]; then
    mkdir -p "$DOCKER_CACHE"
    (
      umask 077
      printf 'BOOTSTRAP_API_KEY=sk_%s\nADMIN_API_KEY=adm_%s\nINTERNAL_API_KEY=%s\nHOOKSTREAM_ENCRYPTION_KEYS=local:%s\n' \
        "$(random_hex 16)" "$(random_hex 16)" "$(random_hex 32)" "$(head -c 32 /dev/urandom | base64)" >"$COMPOSE_KEYS"
    )
  fi
  local name value
  while IFS='=' read -r name value; do
    [[ -n "${!name:-}" ]] || export "$name=$value"
  done <"$COMPOSE_KEYS"
}

cmd_up() {
  local line
  while IFS= read -r line; do export "${line?}"; done < <(cmd_images)
  ensure_compose_keys
  log "starting the stack (docker-compose -p $COMPOSE_PROJECT); the API on http://localhost:${HOOKSTREAM_GATEWAY_PORT:-3000}, tenant ten_local, its key (BOOTSTRAP_API_KEY) in $COMPOSE_KEYS"
  compose up -d --no-build
}

cmd_down() {
  engine_answers || { log "dockerd is not running: nothing to stop"; return 0; }
  compose down -v --remove-orphans
}

case "${1:-}" in
  engine) cmd_engine ;;
  images) cmd_images ;;
  up) cmd_up ;;
  down) cmd_down ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
    ;;
esac
