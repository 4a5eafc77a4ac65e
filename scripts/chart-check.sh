#!/usr/bin/env bash
# The Helm chart's offline checks: no cluster, and nothing from the network
# once the tools are cached (~/.cache/hookstream/tools: helm built with
# `go install`, kubernetes-validate in a venv, promtool from Debian's
# prometheus package). For every value set in deploy/helm/test/values
# (each on top of defaults.yaml):
#   helm lint --strict (values.schema.json) and helm template;
#   the core kinds against Kubernetes' schemas, strictly (unknown fields
#   refused), for the oldest supported and the newest Kubernetes;
#   the custom resources and the env of every workload (jest project "chart");
#   the PrometheusRule through promtool check rules and its unit tests.
# And every value set in deploy/helm/test/refused must be refused, with its message.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CHART="$ROOT/deploy/helm/hookstream"
TESTS="$ROOT/deploy/helm/test"
WORK="$ROOT/tmp/chart-check"
TOOLS="${HOOKSTREAM_TOOLS:-$HOME/.cache/hookstream/tools}"
HELM_VERSION=v3.22.0
KUBERNETES_VALIDATE_VERSION=1.37.0
# The chart's kubeVersion floor and the newest schemas kubernetes-validate bundles.
KUBE_VERSIONS=(1.29.0 1.37.0)
# Rendered as this release, in this namespace: the promtool tests' series carry both.
RELEASE=rel
NAMESPACE=hooks

ensure_helm() {
  HELM="$TOOLS/helm-$HELM_VERSION/helm"
  [[ -x "$HELM" ]] && return
  command -v go >/dev/null || { log "go is needed once, to build helm (apt-get install golang-go, or a toolchain from the Go module proxy)"; exit 1; }
  log "building helm $HELM_VERSION with go install (once; a few minutes)"
  GOBIN="$(dirname "$HELM")" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

ensure_kubernetes_validate() {
  local venv="$TOOLS/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
  PYTHON="$venv/bin/python"
  KUBERNETES_VALIDATE="$venv/bin/kubernetes-validate"
  [[ -x "$KUBERNETES_VALIDATE" ]] && return
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $venv (once)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

ensure_promtool() {
  PROMTOOL="$TOOLS/promtool/promtool"
  [[ -x "$PROMTOOL" ]] && return
  log "taking promtool from Debian's prometheus package (once)"
  local download
  download="$(mktemp -d)"
  # _apt downloads into a directory it may write.
  chmod 777 "$download"
  (cd "$download" && apt-get download prometheus >/dev/null 2>&1) || { apt-get update -qq && (cd "$download" && apt-get download prometheus >/dev/null); }
  dpkg-deb -x "$download"/prometheus_*.deb "$download/root"
  mkdir -p "$(dirname "$PROMTOOL")"
  cp "$download/root/usr/bin/promtool" "$PROMTOOL"
  rm -rf "$download"
}

# helm's flags for a value set: defaults.yaml, then the set itself.
values_of() {
  local set="$1"
  printf -- '-f\n%s\n' "$TESTS/values/defaults.yaml"
  [[ "$set" == defaults ]] || printf -- '-f\n%s\n' "$TESTS/values/$set.yaml"
}

# check_value_set SET NAME [helm template flags]: lints SET, renders it as NAME and validates that.
check_value_set() {
  local set="$1" name="$2"
  shift 2
  local -a values
  mapfile -t values < <(values_of "$set")
  "$HELM" lint --strict --quiet --kube-version "${KUBE_VERSIONS[0]}" "$CHART" "${values[@]}" >"$WORK/$name.lint" 2>&1 || { cat "$WORK/$name.lint" >&2; log "helm lint refused $name"; return 1; }
  "$HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --kube-version "${KUBE_VERSIONS[0]}" "${values[@]}" "$@" >"$WORK/rendered/$name.yaml"
  "$PYTHON" "$TESTS/split-manifests.py" "$WORK/rendered/$name.yaml" "$WORK/rendered/$name"
  local version report
  for version in "${KUBE_VERSIONS[@]}"; do
    # A kind it has no schema for is only a warning to the tool; here it fails.
    report="$("$KUBERNETES_VALIDATE" --strict --quiet -k "$version" "$WORK/rendered/$name.core.yaml" 2>&1)" || { echo "$report" >&2; log "$name does not validate against Kubernetes $version"; return 1; }
    [[ -z "$report" ]] || { echo "$report" >&2; log "$name: kubernetes-validate warned on Kubernetes $version"; return 1; }
  done
  log "$name: lint, template, Kubernetes ${KUBE_VERSIONS[*]} schemas: ok"
}

check_refused() {
  local file="$1" by expect output
  by="$(sed -n 's/^# refused-by: //p' "$file")"
  expect="$(sed -n 's/^# expect: //p' "$file")"
  [[ -n "$by" && -n "$expect" ]] || { log "$file needs '# refused-by: lint|template' and '# expect: <regex>'"; return 1; }
  local -a args=(--kube-version "${KUBE_VERSIONS[0]}" -f "$TESTS/values/defaults.yaml" -f "$file")
  if [[ "$by" == lint ]]; then
    output="$("$HELM" lint --strict "$CHART" "${args[@]}" 2>&1)" && { log "$file: helm lint accepted it"; return 1; }
  else
    output="$("$HELM" template "$RELEASE" "$CHART" "${args[@]}" 2>&1)" && { log "$file: helm template accepted it"; return 1; }
  fi
  grep -Eq -- "$expect" <<<"$output" || { echo "$output" >&2; log "$file: refused, but without /$expect/"; return 1; }
  log "refused as it should be: $(basename "$file") ($by)"
}

check_rules() {
  local rules="$WORK/rendered/everything.rules.yaml"
  [[ -f "$rules" ]] || { log "the value set 'everything' rendered no PrometheusRule"; return 1; }
  cp "$rules" "$WORK/alerts.rules.yaml"
  cp "$TESTS/prometheus/alerts.test.yaml" "$WORK/alerts.test.yaml"
  "$PROMTOOL" check rules "$WORK/alerts.rules.yaml"
  "$PROMTOOL" test rules "$WORK/alerts.test.yaml"
}

main() {
  local started=$SECONDS
  ensure_dependencies
  mkdir -p "$TOOLS"
  ensure_helm
  ensure_kubernetes_validate
  ensure_promtool
  rm -rf "$WORK"
  mkdir -p "$WORK/rendered"
  local file set
  for file in "$TESTS"/values/*.yaml; do
    set="$(basename "$file" .yaml)"
    check_value_set "$set" "$set"
  done
  # autoscaling.keda=auto: KEDA is used where the cluster serves it.
  check_value_set defaults defaults-on-keda-cluster --api-versions keda.sh/v1alpha1/ScaledObject
  for file in "$TESTS"/refused/*.yaml; do check_refused "$file"; done
  check_rules
  # The checks' own code: no Nx project holds deploy/, so `nx run-many -t lint` does not reach it.
  (cd "$ROOT" && npx --no-install eslint --max-warnings 0 deploy/helm/test)
  log "the custom resources and every workload's environment (jest project chart)"
  (cd "$ROOT" && HOOKSTREAM_CHART_RENDERED="$WORK/rendered" npx --no-install jest --ci --selectProjects chart)
  log "chart checks passed in $((SECONDS - started)) s"
}

main "$@"
