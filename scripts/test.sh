#!/usr/bin/env bash
# The whole test suite, as the README gives it and CI runs it:
#   swift format lint --strict (the repository's .swift-format),
#   unit tests and AWS client integration tests against moto_server (swift test),
#   the exporter binary as a process against moto_server (pytest),
#   the status page in headless Chromium against moto_server, with an injected AccessDenied (pytest),
#   rules, dashboards and manifests (promtool, the dashboard linter, yamllint),
#   the end-to-end stack through a real Prometheus,
#   the chaos run (faults injected between the exporter and moto_server),
#   the container image: built with buildah (a release build), unpacked and run under chroot (pytest, as root),
#   the libFuzzer targets, 30 s each, two at a time (scripts/fuzz.sh, docs/fuzzing.md).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || exit 1

passed=0
failed=0
failures=()
# Each step's wall time, printed at the end: CI gives the whole run 50 minutes on 2 cores, so the slow steps show.
timings=()
step() {
  local name=$1
  shift
  echo
  echo "==> $name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    timings+=("$(printf '%5d s  passed  %s' $((SECONDS - started)) "$name")")
  else
    failed=$((failed + 1))
    failures+=("$name")
    timings+=("$(printf '%5d s  FAILED  %s' $((SECONDS - started)) "$name")")
  fi
}

step "swift format lint --strict" swift format lint --strict -r Sources Tests Package.swift
step "swift build" swift build
step "swift test" swift test --parallel --num-workers 2
step "exporter process tests (pytest)" python3 -m pytest -q tests/integration
step "status page in headless Chromium (pytest)" python3 -m pytest -q tests/status
step "rules, dashboards, manifests" bash scripts/check-ops.sh
step "end-to-end through Prometheus" python3 tests/e2e/e2e.py --exporter .build/debug/cloudwatch-tag-exporter
step "end-to-end through Prometheus, two regions" \
  python3 tests/e2e/e2e.py --exporter .build/debug/cloudwatch-tag-exporter --regions us-east-1,eu-west-1
step "chaos run (throttling, silent AWS, malformed answers, reload storm, 150 s soak)" \
  python3 tests/chaos/chaos.py --exporter .build/debug/cloudwatch-tag-exporter
step "container image (scripts/build-image.sh, pytest)" python3 -m pytest -q tests/image
step "fuzzing (30 s per target, two side by side)" bash scripts/fuzz.sh --seconds 30 --parallel 2

echo
echo "step times (whole run $SECONDS s):"
printf '  %s\n' "${timings[@]}"
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "test suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
