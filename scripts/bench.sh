#!/usr/bin/env bash
# Builds the exporter in release mode and prints the benchmark figures (see scripts/bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product cloudwatch-tag-exporter
EXPORTER_BINARY=.build/release/cloudwatch-tag-exporter exec python3 scripts/bench.py "$@"
