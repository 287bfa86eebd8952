#!/usr/bin/env bash
# Benchmarks:
#   1. the cost simulation: one simulated hour of a Prometheus HA pair against the real collector on a virtual clock
#      (CostSimulationTests, 1,000 classic ELBs by default: SIMULATION_LOAD_BALANCERS), requests and billed metrics
#      per hour with and without the datapoint store;
#   2. the exporter in release mode against moto_server (scripts/bench.py): calls, scrape time, CPU, memory;
#   3. fleet scale against a loopback fake AWS answering every call after 50 ms (scripts/bench_fleet.py): the first
#      GetMetricStatistics scrape of 1,000 ELBs against the latency bound, 50,000 ELBs (100,000 series) with
#      GetMetricData (first-scrape labelled share, time to all labelled, CPU per miss and per hit, peak RSS), and
#      many targets (3 regions × 10 accounts × 500 ELBs). FLEET_CASES picks the cases (bench_fleet.py --cases;
#      empty skips them); it takes about 15 minutes on 2 cores.
# Usage: scripts/bench.sh [bench.py options, e.g. --load-balancers 200 --latency-ms 30]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
SIMULATION_LOAD_BALANCERS=${SIMULATION_LOAD_BALANCERS:-1000} \
  swift test --filter CostSimulationTests 2>&1 | grep -E '^(\||Cost simulation)|passed|failed'
# Built as scripts/build-image.sh builds the image's binary (the Swift runtime linked in statically), so the figures
# are those of the binary users run (the README's fleet figures are measured on it).
swift build -c release --product cloudwatch-tag-exporter --static-swift-stdlib -Xlinker --no-export-dynamic
EXPORTER_BINARY=.build/release/cloudwatch-tag-exporter python3 scripts/bench.py "$@"
FLEET_CASES=${FLEET_CASES-gms-first:1000,gmd:50000,targets:3:10:500}
if [[ -n "$FLEET_CASES" ]]; then
  EXPORTER_BINARY=.build/release/cloudwatch-tag-exporter python3 scripts/bench_fleet.py --cases "$FLEET_CASES"
fi
