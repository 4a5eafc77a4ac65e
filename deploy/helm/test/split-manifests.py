"""Splits rendered manifests for the checks that read them.

    split-manifests.py RENDERED.yaml OUT_PREFIX

writes OUT_PREFIX.core.yaml (the kinds Kubernetes' own schemas cover, for
kubernetes-validate), OUT_PREFIX.json (every document, for the jest checks)
and, when there is a PrometheusRule, OUT_PREFIX.rules.yaml (its groups, for
promtool). Runs in the kubernetes-validate venv, which has PyYAML.
"""
import json
import sys

import yaml

# The custom resources the chart renders, checked against their own schemas instead.
CRD_GROUPS = ("keda.sh/", "monitoring.coreos.com/")


def main(rendered: str, prefix: str) -> None:
    with open(rendered, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    for doc in docs:
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            sys.exit(f"{rendered}: a document without apiVersion and kind: {str(doc)[:200]}")
    core = [d for d in docs if not d["apiVersion"].startswith(CRD_GROUPS)]
    with open(f"{prefix}.core.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump_all(core, f, sort_keys=False)
    with open(f"{prefix}.json", "w", encoding="utf-8") as f:
        json.dump(docs, f, indent=1)
    rules = [d for d in docs if d["kind"] == "PrometheusRule"]
    if rules:
        with open(f"{prefix}.rules.yaml", "w", encoding="utf-8") as f:
            yaml.safe_dump({"groups": [g for r in rules for g in r["spec"]["groups"]]}, f, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
