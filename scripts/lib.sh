# Shared by the scripts a person runs: install dependencies when needed and
# resolve the infrastructure (env first, else scripts/infra.sh up).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(gateway workflow-config event-ingest matcher delivery projection)

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

# Installs exactly the locked versions (npm ci) when node_modules is missing
# or older than the lock file. The lock holds every platform's optional
# native packages (swc, nx, unrs), so this works on Linux (glibc or musl,
# x64 or arm64), macOS and Windows alike.
ensure_dependencies() {
  # By the lock file's content, not its mtime: a fresh checkout or worktree
  # touches the file without changing what it pins.
  local stamp="$ROOT/node_modules/.hookstream-lock.sha256" want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] && return
  if [[ -L "$ROOT/node_modules" ]]; then
    # npm ci would empty the checkout the link points to.
    log "node_modules links to another checkout's install that does not match package-lock.json; run npm ci there"
    return
  fi
  log "installing dependencies (npm ci, from package-lock.json)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# Brings Kafka and Postgres up (or takes them from env) and exports their addresses.
ensure_infrastructure() {
  local line
  while IFS= read -r line; do
    [[ "$line" =~ ^([A-Z_]+)=(.*)$ ]] || continue
    export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  done < <(bash "$ROOT/scripts/infra.sh" up)
  : "${KAFKA_BROKERS:?infra.sh did not report KAFKA_BROKERS}"
  : "${DATABASE_URL:?infra.sh did not report DATABASE_URL}"
}

# Compiles apps and libs to dist/ with swc (path aliases rewritten), and the
# console with Vite (dist/apps/console).
build_all() {
  (cd "$ROOT" && node tools/compile.js)
}

# The Docker engine and the images docker-compose.yml runs on (scripts/docker.sh
# images: cached, rebuilt only when their inputs change); exports their names.
ensure_images() {
  local line
  while IFS= read -r line; do
    [[ "$line" =~ ^([A-Z_]+)=(.*)$ ]] || continue
    export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  done < <(bash "$ROOT/scripts/docker.sh" images)
  : "${HOOKSTREAM_IMAGE:?docker.sh did not report HOOKSTREAM_IMAGE}"
}

# The browser tier drives Debian's chromium by its path (Playwright downloads
# no browser): installed once when missing. CHROMIUM_PATH names another one.
ensure_chromium() {
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [[ -x "$CHROMIUM_PATH" ]] && return 0
  log "installing chromium (apt-get) for the browser tests"
  local sudo=()
  [[ "$(id -u)" != 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium
  [[ -x "$CHROMIUM_PATH" ]] || { log "chromium is not at $CHROMIUM_PATH after installing it"; return 1; }
}
