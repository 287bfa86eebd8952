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
#   the libFuzzer targets, 30 s each (scripts/fuzz.sh, docs/fuzzing.md).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || exit 1

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
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
step "chaos run (throttling, silent AWS, malformed answers, reload storm, 5-minute soak)" \
  python3 tests/chaos/chaos.py --exporter .build/debug/cloudwatch-tag-exporter
step "container image (scripts/build-image.sh, pytest)" python3 -m pytest -q tests/image
step "fuzzing (30 s per target)" bash scripts/fuzz.sh --seconds 30

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "test suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
