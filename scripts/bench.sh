#!/usr/bin/env bash
# Benchmarks:
#   1. the cost simulation: one simulated hour of a Prometheus HA pair against the real collector on a virtual clock
#      (CostSimulationTests, 1,000 classic ELBs by default: SIMULATION_LOAD_BALANCERS), requests and billed metrics
#      per hour with and without the datapoint store;
#   2. the exporter in release mode against moto_server (scripts/bench.py): calls, scrape time, CPU, memory.
# Usage: scripts/bench.sh [bench.py options, e.g. --load-balancers 200 --latency-ms 30]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
SIMULATION_LOAD_BALANCERS=${SIMULATION_LOAD_BALANCERS:-1000} \
  swift test --filter CostSimulationTests 2>&1 | grep -E '^(\||Cost simulation)|passed|failed'
swift build -c release --product cloudwatch-tag-exporter
EXPORTER_BINARY=.build/release/cloudwatch-tag-exporter exec python3 scripts/bench.py "$@"
