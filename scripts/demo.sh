#!/usr/bin/env bash
# One-command local demo of cloudwatch-tag-exporter on a fresh Debian machine, with moto_server standing in for AWS.
#
#   scripts/demo.sh [--duration SECONDS] [--no-install] [--exporter PATH] [--many N]
#
# Installs what is missing (apt: prometheus, curl; pip: moto[server], boto3), builds the exporter, then runs
# scripts/demo/stack.py: moto_server, the seeder (15-minute backlog, then fresh datapoints every 10 s), the exporter,
# a static kube-state-metrics stand-in and Prometheus with the repository's rules/*.yml, all on 127.0.0.1 with free
# ports. It prints service-labelled exporter output, one Prometheus result per service and the URLs, then runs until
# Ctrl-C (or --duration). All state lives in .demo/ (git-ignored); every child process is stopped on exit.
#
# --exporter PATH runs that binary instead of building one; --exporter tests/e2e/fake_exporter.py runs the Python
# stand-in (a dev aid for rules and dashboards, not the product).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=""
install=1
default_exporter="$repo/.build/debug/cloudwatch-tag-exporter"
exporter="$default_exporter"
many=0

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="${2:?--duration needs SECONDS}"; shift 2 ;;
    --duration=*) duration="${1#*=}"; shift ;;
    --no-install) install=0; shift ;;
    --exporter) exporter="${2:?--exporter needs PATH}"; shift 2 ;;
    --exporter=*) exporter="${1#*=}"; shift ;;
    --many) many="${2:?--many needs N}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

mkdir -p "$repo/.demo"
python="python3"

log() { printf 'demo.sh: %s\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

install_deps() {
  local pkgs=()
  [[ -x /usr/bin/prometheus ]] || command -v prometheus >/dev/null || pkgs+=(prometheus)
  command -v curl >/dev/null || pkgs+=(curl)
  command -v python3 >/dev/null || pkgs+=(python3)
  # The exporter parses YAML with the system's libyaml: its header is needed to build.
  [[ -e /usr/include/yaml.h ]] || pkgs+=(libyaml-dev)
  if [[ ${#pkgs[@]} -gt 0 ]]; then
    log "apt-get install ${pkgs[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
    # Debian starts the packaged Prometheus as a service on :9090; the demo runs its own, so leave that alone.
  fi
  if python3 -c 'import moto.server, boto3, yaml' 2>/dev/null; then
    return
  fi
  # Debian's system Python is externally managed (PEP 668): use a venv under .demo/ instead of touching it.
  local venv="$repo/.demo/venv"
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" 2>/dev/null || {
      log "apt-get install python3-venv"
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
      python3 -m venv "$venv"
    }
  fi
  if ! "$venv/bin/python" -c 'import moto.server, boto3, yaml' 2>/dev/null; then
    log "pip install moto[server] boto3 (into $venv)"
    "$venv/bin/python" -m pip install -q 'moto[server]' boto3 pyyaml
  fi
}

if [[ $install -eq 1 ]]; then
  install_deps
fi
if ! python3 -c 'import moto.server, boto3, yaml' 2>/dev/null && [[ -x "$repo/.demo/venv/bin/python" ]]; then
  python="$repo/.demo/venv/bin/python"
  export PATH="$repo/.demo/venv/bin:$PATH"
fi
"$python" -c 'import moto.server, boto3, yaml' 2>/dev/null || {
  log "moto[server], boto3 and pyyaml are needed (run without --no-install to install them)"; exit 1; }
command -v prometheus >/dev/null || [[ -x /usr/bin/prometheus ]] || {
  log "prometheus is needed (run without --no-install, or apt-get install prometheus)"; exit 1; }

if [[ "$exporter" == "$default_exporter" ]]; then
  command -v swift >/dev/null || {
    log "swift is not installed: install a Swift 6 toolchain (swift.org), or try --exporter tests/e2e/fake_exporter.py"
    exit 1; }
  [[ -e /usr/include/yaml.h ]] || {
    log "libyaml-dev is needed to build the exporter (run without --no-install, or apt-get install libyaml-dev)"; exit 1; }
  log "swift build --product cloudwatch-tag-exporter"
  (cd "$repo" && swift build --product cloudwatch-tag-exporter)
fi

child=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    # stack.py turns SIGTERM into an orderly stop of every process it started.
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

args=(demo --exporter "$exporter" --many "$many")
[[ -n "$duration" ]] && args+=(--duration "$duration")
"$python" "$repo/scripts/demo/stack.py" "${args[@]}" &
child=$!
set +e
wait "$child"
status=$?
set -e
child=""
exit "$status"
