#!/usr/bin/env bash
# Validates the manifests `headroom plan --emit kubernetes DIR` or
# `headroom sweep --emit kubernetes DIR` wrote:
#   - every core manifest (the Deployment patch, merged onto a minimal
#     Deployment; the autoscaling/v2 HorizontalPodAutoscaler) against the
#     Kubernetes API schema of KUBE_VERSION (default 1.30.0), strict (no
#     unknown fields), with kubernetes-validate from PyPI;
#   - every KEDA ScaledObject against the rules of KEDA's CRD
#     (kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml, keda.sh/v1alpha1)
#     and the metadata its prometheus and cron triggers need;
#   - the Knative Service patch's annotations against Knative's bounds;
#   - the prometheus-adapter rules' shape;
#   - a sweep's Indexed Job, merge Job and PersistentVolumeClaim against the
#     Kubernetes API schema, strict.
# kubernetes-validate is installed once into .build-venv/manifests (ignored
# by git). Without PyPI the install fails and so does this script: it never
# passes without having validated.
# Usage: tools/validate_manifests.sh DIR
set -euo pipefail
dir=${1:?usage: tools/validate_manifests.sh DIR (the directory of plan or sweep --emit kubernetes)}
[ -d "$dir" ] || { echo "validate_manifests: no directory '$dir'" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.build-venv/manifests"
KUBE_VERSION=${KUBE_VERSION:-1.30.0}
if ! "$venv/bin/python" -c 'import kubernetes_validate' 2>/dev/null; then
    echo "validate_manifests: installing kubernetes-validate into $venv"
    python3 -m venv "$venv" || { echo "validate_manifests: FAILED: cannot create a virtual environment (apt-get install python3-venv)" >&2; exit 1; }
    "$venv/bin/pip" install --quiet "kubernetes-validate==1.37.0" || {
        echo "validate_manifests: FAILED: cannot install kubernetes-validate from PyPI; nothing was validated" >&2; exit 1; }
fi
exec "$venv/bin/python" - "$dir" "$KUBE_VERSION" <<'PY'
import glob, os, re, sys
import yaml
import kubernetes_validate

directory, version = sys.argv[1], sys.argv[2]
passed, failed = 0, 0

def report(name, problems):
    global passed, failed
    if problems:
        failed += 1
        for p in problems:
            print(f"FAIL {name}: {p}")
    else:
        passed += 1
        print(f"ok   {name}")

def kube(obj):
    try:
        kubernetes_validate.validate(obj, version, strict=True)
        return []
    except kubernetes_validate.ValidationError as e:
        return [f"{'.'.join(str(p) for p in e.path)}: {e.message}"]
    except Exception as e:  # a schema that cannot be found is a failure, not a pass
        return [f"{type(e).__name__}: {e}"]

def merge(base, patch):
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = v
    return base

INT32 = (-2**31, 2**31 - 1)
def scaled_object(o):
    out = []
    def known(m, keys, path):
        out.extend(f"{path}.{k}: not in the CRD" for k in m if k not in keys)
    def int32(v, path, lo=INT32[0], hi=INT32[1], required=False):
        if v is None:
            if required: out.append(f"{path}: required")
        elif not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            out.append(f"{path}: expected an integer in {lo}...{hi}, got {v!r}")
    known(o, {"apiVersion", "kind", "metadata", "spec"}, "")
    if o.get("apiVersion") != "keda.sh/v1alpha1": out.append("apiVersion: expected keda.sh/v1alpha1")
    spec = o.get("spec")
    if not isinstance(spec, dict): return out + ["spec: required object"]
    known(spec, {"scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
                 "minReplicaCount", "maxReplicaCount", "advanced", "fallback", "triggers"}, "spec")
    ref = spec.get("scaleTargetRef")
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str) or not ref["name"]:
        out.append("spec.scaleTargetRef.name: required, minLength 1")
    else:
        known(ref, {"apiVersion", "kind", "name", "envSourceContainerName"}, "spec.scaleTargetRef")
    for k in ("pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount"):
        int32(spec.get(k), "spec." + k)
    behavior = ((spec.get("advanced") or {}).get("horizontalPodAutoscalerConfig") or {}).get("behavior") or {}
    for d, rules in behavior.items():
        known(rules, {"policies", "selectPolicy", "stabilizationWindowSeconds", "tolerance"}, f"behavior.{d}")
        int32(rules.get("stabilizationWindowSeconds"), f"behavior.{d}.stabilizationWindowSeconds", 0, 3600)
        if rules.get("selectPolicy", "Max") not in ("Max", "Min", "Disabled"): out.append(f"behavior.{d}.selectPolicy: expected Max, Min or Disabled")
        for i, p in enumerate(rules.get("policies") or []):
            path = f"behavior.{d}.policies[{i}]"
            known(p, {"type", "value", "periodSeconds"}, path)
            if p.get("type") not in ("Pods", "Percent"): out.append(f"{path}.type: expected Pods or Percent")
            int32(p.get("value"), path + ".value", 1, INT32[1], True)
            int32(p.get("periodSeconds"), path + ".periodSeconds", 1, 1800, True)
    triggers = spec.get("triggers")
    if not isinstance(triggers, list) or not triggers: return out + ["spec.triggers: required, minItems 1"]
    for i, t in enumerate(triggers):
        path = f"spec.triggers[{i}]"
        known(t, {"authenticationRef", "metadata", "metricType", "name", "type", "useCachedMetrics"}, path)
        meta = t.get("metadata")
        if not t.get("type"): out.append(f"{path}.type: required")
        if not isinstance(meta, dict): out.append(f"{path}.metadata: required object"); continue
        out.extend(f"{path}.metadata.{k}: expected a string, got {v!r}" for k, v in meta.items() if not isinstance(v, str))
        if t.get("type") == "prometheus":
            out.extend(f"{path}: prometheus needs {k}" for k in ("serverAddress", "query", "threshold") if k not in meta)
            for k in ("threshold", "activationThreshold"):
                try: float(meta.get(k, "0"))
                except ValueError: out.append(f"{path}.metadata.{k}: not a number")
        elif t.get("type") == "cron":
            out.extend(f"{path}: cron needs {k}" for k in ("timezone", "start", "end", "desiredReplicas") if k not in meta)
            for k in ("start", "end"):
                if len(str(meta.get(k, "")).split()) != 5: out.append(f"{path}.metadata.{k}: expected five cron fields")
            if meta.get("start") == meta.get("end"): out.append(f"{path}: start and end equal")
            if not str(meta.get("desiredReplicas", "")).isdigit() or int(meta["desiredReplicas"]) < 1:
                out.append(f"{path}.metadata.desiredReplicas: expected a count >= 1")
        else:
            out.append(f"{path}.type: unexpected {t.get('type')!r}")
    return out

def knative(o):
    ann = (((o.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("annotations") or {}
    out = [f"{k}: expected a string" for k, v in ann.items() if not isinstance(v, str)]
    def num(k): return float(ann["autoscaling.knative.dev/" + k])
    try:
        if num("target") < 0.01: out.append("target below 0.01")
        if not 1 <= num("target-utilization-percentage") <= 100: out.append("target-utilization-percentage outside 1-100")
        if not 1 <= num("panic-window-percentage") <= 100: out.append("panic-window-percentage outside 1-100")
        if not 110 <= num("panic-threshold-percentage") <= 1000: out.append("panic-threshold-percentage outside 110-1000")
        w = ann["autoscaling.knative.dev/window"]
        if not re.fullmatch(r"\d+s", w) or not 6 <= int(w[:-1]) <= 3600: out.append("window not 6s-3600s")
        if int(ann["autoscaling.knative.dev/min-scale"]) > int(ann["autoscaling.knative.dev/max-scale"]): out.append("min-scale above max-scale")
    except (KeyError, ValueError) as e:
        out.append(f"annotation missing or not a number: {e}")
    return out

def adapter(o):
    out = []
    rules = (o or {}).get("rules", []) + (o or {}).get("externalRules", [])
    if not rules: out.append("no rules")
    for i, r in enumerate(rules):
        for k in ("seriesQuery", "resources", "name", "metricsQuery"):
            if k not in r: out.append(f"rules[{i}].{k}: required")
        if "<<.LabelMatchers>>" not in r.get("metricsQuery", ""): out.append(f"rules[{i}].metricsQuery: no <<.LabelMatchers>>")
    return out

skeleton = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"selector": {"matchLabels": {"app": "vllm"}},
                     "template": {"metadata": {"labels": {"app": "vllm"}},
                                  "spec": {"containers": [{"name": "vllm", "image": "vllm/vllm-openai"}]}}}}
files = sorted(glob.glob(os.path.join(directory, "*.yaml")))
if not files:
    print(f"validate_manifests: no manifests in {directory}", file=sys.stderr)
    sys.exit(1)
for path in files:
    name = os.path.basename(path)
    with open(path) as f:
        obj = yaml.safe_load(f)
    if name == "deployment-replicas-patch.yaml":
        report(name, kube(merge(skeleton, obj)) + ([] if isinstance(obj["spec"].get("replicas"), int) else ["spec.replicas: not an integer"]))
    elif name == "hpa.yaml":
        report(name, kube(obj))
    elif obj.get("kind") == "ScaledObject":
        report(name, scaled_object(obj))
    elif name == "knative-service-patch.yaml":
        report(name, knative(obj))
    elif name == "prometheus-adapter-rules.yaml":
        report(name, adapter(obj))
    elif obj.get("kind") in ("Job", "PersistentVolumeClaim"):  # headroom sweep --emit kubernetes
        report(name, kube(obj))
    else:
        report(name, [f"unknown manifest (kind {obj.get('kind')!r})"])
print(f"Kubernetes API schema {version}, KEDA ScaledObject CRD rules (keda.sh/v1alpha1)")
print(f"validate_manifests: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
