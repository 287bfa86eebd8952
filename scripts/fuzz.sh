#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets and runs each for a bounded time (docs/fuzzing.md).
#
# Usage: scripts/fuzz.sh [--seconds N] [--target NAME]... [--jobs N] [--build-only] [--list]
#   --seconds N    fuzz each target for N seconds (default 30)
#   --target NAME  only this target; repeatable (default: all, see --list)
#   --jobs N       libFuzzer -jobs=N -workers=N per target (default 1: one core per target)
#   --parallel N   run N targets side by side (default 1; the test command uses 2, one per core)
#   --build-only   build the targets, do not run them
#   --list         print the target names and exit
#
# The targets are compiled straight from the project's source files with swiftc -sanitize=fuzzer,address (YAML goes
# through the system's libyaml from libyaml-dev, not instrumented), not through SwiftPM: the fuzzed code needs neither
# NIO nor AsyncHTTPClient, so this takes a minute or two instead of a sanitized build of every dependency, and the
# normal `swift build` is untouched.
#
# Output, all under .build-fuzz/ (not committed):
#   bin/<target>         the fuzzer binaries
#   corpus/<target>/     new inputs libFuzzer found (the committed seeds are in Fuzz/Corpus/<target>/)
#   crashes/<target>/    crash-*, timeout-*, oom-* and leak-* inputs
#   logs/<target>.log    libFuzzer's output
# Exits non-zero when the build fails or any target crashes, hangs (-timeout) or exceeds its memory limit, and
# prints the path of the input that did it.
set -euo pipefail
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."

all_targets=(xml-reader json-parser aws-error aws-responses config-loader java-pattern http-inputs)
seconds=30
jobs=1
parallel=1
build_only=0
targets=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --target) targets+=("${2:?--target needs a name}"); shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
    --parallel) parallel=${2:?--parallel needs a value}; shift 2 ;;
    --build-only) build_only=1; shift ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "fuzz: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $target "*) ;;
    *) echo "fuzz: unknown target $target (known: ${all_targets[*]})" >&2; exit 2 ;;
  esac
done
case $seconds in '' | *[!0-9]*) echo "fuzz: --seconds wants a whole number" >&2; exit 2 ;; esac
case $jobs in '' | *[!0-9]* | 0) echo "fuzz: --jobs wants a positive whole number" >&2; exit 2 ;; esac
case $parallel in '' | *[!0-9]* | 0) echo "fuzz: --parallel wants a positive whole number" >&2; exit 2 ;; esac

out=$PWD/.build-fuzz
lib=$out/lib
bin=$out/bin
mkdir -p "$lib" "$bin" "$out/corpus" "$out/crashes" "$out/logs"

swiftc=$(command -v swiftc) || { echo "fuzz: swiftc not found" >&2; exit 1; }
# The libFuzzer runtime ships with the toolchain (swift.org builds for Linux have it); say so plainly if not.
compgen -G "$(dirname "$swiftc")/../lib/swift/clang/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null || {
  echo "fuzz: this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer); use a swift.org toolchain" >&2
  exit 1
}

# The project's own settings (Package.swift): Swift 6 mode and its upcoming features, one package name so
# `package` declarations (AWSSigV4's AMZDate) are visible across the modules built here.
project_flags=(-swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
  -package-name cloudwatch_tag_exporter)
# -O because executions per second are what finds bugs; Swift keeps its overflow and bounds checks at -O.
# lld, because gold warns about every ASan symbol it cannot export.
common_flags=(-O -g -sanitize=fuzzer,address -parse-as-library -use-ld=lld -I "$lib" -L "$lib")

# True when $1 is missing or older than any of the other arguments (files) or this script.
stale() {
  local output=$1
  shift
  [ -e "$output" ] || return 0
  local input
  for input in "$@" "$script"; do [ "$input" -nt "$output" ] && return 0; done
  return 1
}

# swift_library NAME "DEPENDENCIES" FLAGS... -- FILES...: a static library and module of that name in $lib,
# rebuilt when its files or the libraries it imports changed.
swift_library() {
  local name=$1
  local dependencies=()
  local dependency
  for dependency in $2; do dependencies+=("$lib/lib$dependency.a"); done
  shift 2
  local flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  stale "$lib/lib$name.a" "$@" "${dependencies[@]}" || return 0
  echo "fuzz: building module $name ($# files)"
  "$swiftc" "${common_flags[@]}" "${flags[@]}" -wmo -module-name "$name" -emit-library -static \
    -emit-module -emit-module-path "$lib/$name.swiftmodule" -o "$lib/lib$name.a" "$@"
}

# fuzzer NAME LIBS -- FILES...: the libFuzzer binary $bin/NAME from FILES (harness first) linked with LIBS.
fuzzer() {
  local name=$1
  shift
  local libs=()
  while [ "$1" != "--" ]; do libs+=("-l$1"); shift; done
  shift
  local archives=()
  local l
  for l in "${libs[@]}"; do archives+=("$lib/lib${l#-l}.a"); done
  stale "$bin/$name" "$@" "${archives[@]}" || return 0
  echo "fuzz: building target $name"
  "$swiftc" "${common_flags[@]}" "${project_flags[@]}" -module-name "Fuzz_${name//-/_}" -o "$bin/$name" "$@" \
    "${libs[@]}"
}

# libyaml from the system, as `swift build` links it (CLibYAML's module map, libyaml-dev's header and library).
[ -e /usr/include/yaml.h ] || { echo "fuzz: no yaml.h: install libyaml-dev (scripts/install-deps.sh)" >&2; exit 1; }
# Every module that imports YAMLDocument, directly or not, needs CLibYAML's module map.
common_flags+=(-Xcc -I"$PWD/Sources/CLibYAML")

build_start=$(date +%s)
awscore_files=()
for name in XMLReader AWSXMLElement JSONParser JSONReader JSONValue JSONWriter AWSError AWSErrorDecoder HTTPTransport AWSTimestamp \
  CheckedTime QueryParameters WhitespaceTrimming; do
  awscore_files+=("Sources/AWSCore/$name.swift")
done
# The AWSServices files the answer decoders need: all but the service clients, their settings, the API protocols
# over them, the shared credential providers and the account lookup, which need the caller, the credential chain, the
# HTTP transport and AsyncCoordination.
awsservices_files=()
for file in Sources/AWSServices/*.swift; do
  case $(basename "$file") in
    *Client.swift | AWSClientSettings.swift | AWSAPIs.swift | AccountLookup.swift | CredentialSources.swift) continue ;;
  esac
  awsservices_files+=("$file")
done

swift_library AWSSigV4 "" "${project_flags[@]}" -- Sources/AWSSigV4/AMZDate.swift Sources/AWSSigV4/URIEncoding.swift
swift_library AWSCore AWSSigV4 "${project_flags[@]}" -- "${awscore_files[@]}"
swift_library Exposition "" "${project_flags[@]}" -- Sources/Exposition/*.swift
swift_library YAMLDocument "" "${project_flags[@]}" -- Sources/YAMLDocument/*.swift
swift_library ConfigFile YAMLDocument "${project_flags[@]}" -- \
  Sources/ConfigFile/*.swift

fuzzer xml-reader AWSCore AWSSigV4 -- Fuzz/Targets/XMLReaderFuzz.swift
fuzzer json-parser AWSCore AWSSigV4 -- Fuzz/Targets/JSONParserFuzz.swift
fuzzer aws-error AWSCore AWSSigV4 -- Fuzz/Targets/AWSErrorFuzz.swift
fuzzer aws-responses AWSCore AWSSigV4 -- Fuzz/Targets/AWSResponsesFuzz.swift "${awsservices_files[@]}"
fuzzer config-loader ConfigFile YAMLDocument yaml -- Fuzz/Targets/ConfigLoaderFuzz.swift
fuzzer java-pattern ConfigFile YAMLDocument yaml -- Fuzz/Targets/JavaPatternFuzz.swift
fuzzer http-inputs Exposition AWSCore AWSSigV4 -- Fuzz/Targets/HTTPInputsFuzz.swift Sources/ExporterServer/MetricsRequest.swift \
  Sources/ExporterServer/PercentDecoding.swift \
  Sources/ExporterServer/StatusFormat.swift Sources/ExporterServer/HTMLText.swift
echo "fuzz: targets built in $(($(date +%s) - build_start)) s"
[ "$build_only" -eq 0 ] || exit 0

# Generous limits: a well-behaved parser answers any input of -max_len bytes in milliseconds, so a ten-second
# input is a hang, and a gigabyte of memory for a few kilobytes of input is a blowup.
max_len=${FUZZ_MAX_LEN:-16384}
# Swift's own crash handler would catch a trap first, and ASan then reports the handler's memory reads instead of
# the trap; without it the trap message reaches the log and libFuzzer saves the input.
export SWIFT_BACKTRACE=enable=no
timeout_seconds=10
rss_limit_mb=2048
# One target's run: its summary line goes to $out/logs/<target>.result, its output to $out/logs/<target>.log.
fuzz_target() {
  local target=$1
  local corpus=$out/corpus/$target
  local seeds=$PWD/Fuzz/Corpus/$target
  local crashes=$out/crashes/$target/
  local log=$out/logs/$target.log
  local workdir=$out/logs/$target.jobs
  mkdir -p "$corpus" "$crashes" "$seeds" "$workdir"
  local args=(-max_total_time="$seconds" -timeout="$timeout_seconds" -rss_limit_mb="$rss_limit_mb"
    -max_len="$max_len" -artifact_prefix="$crashes" -print_final_stats=1)
  [ ! -f "Fuzz/Dictionaries/$target.dict" ] || args+=(-dict="$PWD/Fuzz/Dictionaries/$target.dict")
  if [ "$jobs" -gt 1 ]; then args+=(-jobs="$jobs" -workers="$jobs"); fi
  local stamp=$out/logs/$target.start
  touch "$stamp"
  echo "==> fuzz $target for ${seconds}s (seeds Fuzz/Corpus/$target, new inputs $corpus)"
  local status=0
  # -jobs writes one fuzz-N.log per job into the working directory (one per target, as targets may run side by
  # side); keep them next to the main log. The outer timeout is a backstop should libFuzzer itself not stop.
  (cd "$workdir" && rm -f fuzz-*.log &&
    timeout --kill-after=30 $((seconds + 300)) "$bin/$target" "${args[@]}" "$corpus" "$seeds") \
    >"$log" 2>&1 || status=$?
  [ "$jobs" -le 1 ] || cat "$workdir"/fuzz-*.log >>"$log" 2>/dev/null || true
  local runs coverage found
  runs=$( (grep -h '^stat::number_of_executed_units' "$log" || true) | awk '{s += $2} END {print s + 0}')
  coverage=$( (grep -ho 'cov: [0-9]* ft: [0-9]*' "$log" || true) | tail -1)
  found=$(find "$crashes" -type f -newer "$stamp" | sort)
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    echo "FAILED $target: FAILED (exit $status) after $runs runs, ${coverage:-no coverage line}" >"$out/logs/$target.result"
    echo "fuzz: $target FAILED (exit $status); the end of $log:"
    tail -n 60 "$log"
    for input in $found; do echo "fuzz: failing input: $input"; done
  else
    echo "ok $target: ok, $runs runs in ${seconds}s, ${coverage:-no coverage line}, corpus $(find "$corpus" -type f | wc -l) new files" >"$out/logs/$target.result"
    echo "fuzz: $target ok: $runs runs, $coverage"
  fi
}

# Targets run --parallel at a time (each on one core unless --jobs); a target's output is printed when it ends.
running=0
for target in "${targets[@]}"; do
  rm -f "$out/logs/$target.result"
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  { fuzz_target "$target" >"$out/logs/$target.out" 2>&1; cat "$out/logs/$target.out"; } &
  running=$((running + 1))
done
wait || true
failed=()
summary=()
for target in "${targets[@]}"; do
  result=$(cat "$out/logs/$target.result" 2>/dev/null || echo "FAILED $target: FAILED (no result)")
  case $result in
    FAILED*) failed+=("$target") ;;
  esac
  summary+=("${result#* }")
done

echo
printf 'fuzz: %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failing targets: ${failed[*]} (inputs in $out/crashes/; logs in $out/logs/)"
  exit 1
fi
