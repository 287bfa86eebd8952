#!/usr/bin/env bash
# Regex engines on 100,000 dimension values and ARNs: NSRegularExpression (ICU), Swift Regex and JavaPattern.
# Compiles scripts/regex-benchmark/main.swift with ConfigFile's JavaPattern sources (-O, one module, no SwiftPM build:
# a minute, not a release build) and prints the figures the README's regex decision cites.
# Usage: scripts/bench-regex.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/regex-benchmark
mkdir -p "$out"
swiftc -O -package-name cloudwatch_tag_exporter -module-name RegexBenchmark -o "$out/regex-benchmark" \
  scripts/regex-benchmark/main.swift Sources/ConfigFile/JavaPattern*.swift Sources/ConfigFile/JavaScalarSet.swift
"$out/regex-benchmark"
