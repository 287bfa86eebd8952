#!/usr/bin/env python3
"""Cross-object checks on deploy/kubernetes that schema validation cannot do (CRDs have no bundled schema):
selectors match, port names agree, the ServiceMonitor keeps the exporter's labels, the Deployment follows the
conventions (one replica, Recreate, probes, hardened securityContext), the PrometheusRule is well formed, and the
image the Deployment names is the one scripts/build-image.sh builds (name, version tag, user).

Usage (repository root): python3 tests/ops/check_manifests.py
"""

import glob
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIR = os.path.join(ROOT, "deploy", "kubernetes")
IMAGE = "cloudwatch-tag-exporter"
IMAGE_USER = 65534


def source_version():
    """The version the binary reports by default (Sources/CBuildInfo/CBuildInfo.c) and the image is tagged with."""
    text = open(os.path.join(ROOT, "Sources", "CBuildInfo", "CBuildInfo.c"), encoding="utf-8").read()
    match = re.search(r'^#define CTE_BUILD_VERSION "([^"]+)"$', text, re.M)
    return match.group(1) if match else None


def containerfile_version():
    text = open(os.path.join(ROOT, "Containerfile"), encoding="utf-8").read()
    match = re.search(r"^ARG VERSION=(\S+)$", text, re.M)
    return match.group(1) if match else None


def main() -> int:
    objs = {}
    for path in sorted(glob.glob(os.path.join(DIR, "*.yaml"))):
        for doc in yaml.safe_load_all(open(path, encoding="utf-8")):
            if not doc or "kind" not in doc or doc["kind"] == "Kustomization":
                continue
            # The dashboards ConfigMap is optional and checked by the generator; keep the exporter's config one.
            if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] != "cloudwatch-tag-exporter-config":
                continue
            objs[doc["kind"]] = doc
    problems = []

    def need(cond, msg):
        if not cond:
            problems.append(msg)

    for kind in ("ServiceAccount", "ConfigMap", "Deployment", "Service", "ServiceMonitor", "PrometheusRule"):
        need(kind in objs, f"missing {kind}")
    if problems:
        print("\n".join(problems))
        return 1
    for kind, obj in objs.items():
        need("namespace" not in obj["metadata"], f"{kind} hard-codes a namespace")

    dep, svc, sm, pr = objs["Deployment"], objs["Service"], objs["ServiceMonitor"], objs["PrometheusRule"]
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    c = pod["containers"][0]
    pod_labels = spec["template"]["metadata"]["labels"]
    need(spec.get("replicas") == 1, "Deployment must have replicas: 1")
    need(spec.get("strategy", {}).get("type") == "Recreate", "Deployment must use strategy Recreate")
    need(all(pod_labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()),
         "Deployment selector does not match its pod labels")
    need(pod.get("serviceAccountName") == objs["ServiceAccount"]["metadata"]["name"], "serviceAccountName mismatch")
    need(c.get("args") == ["9106", "/config/config.yml"], "container args must be [\"9106\", \"/config/config.yml\"]")
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    need(ports.get("http-metrics") == 9106, "container port http-metrics must be 9106")
    need(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/-/ready", "readinessProbe must use /-/ready")
    need(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/-/healthy", "livenessProbe must use /-/healthy")
    sc = c.get("securityContext", {})
    need(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem must be true")
    need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation must be false")
    need(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities must drop ALL")
    need(pod.get("securityContext", {}).get("runAsNonRoot") is True, "pod must runAsNonRoot")
    need(pod.get("securityContext", {}).get("seccompProfile", {}).get("type") == "RuntimeDefault",
         "seccompProfile must be RuntimeDefault")
    need("limits" in c.get("resources", {}) and "requests" in c.get("resources", {}), "resources must be set")
    need(pod.get("terminationGracePeriodSeconds", 0) > 10, "terminationGracePeriodSeconds must exceed the AWS timeout")
    # The image: the tag scripts/build-image.sh gives it by default, never :latest (a node would try to pull it).
    version = source_version()
    need(version is not None, "no CTE_BUILD_VERSION default in Sources/CBuildInfo/CBuildInfo.c")
    need(containerfile_version() == version, f"Containerfile ARG VERSION must be {version} (CBuildInfo.c)")
    need(c.get("image") == f"{IMAGE}:{version}", f"container image must be {IMAGE}:{version}, as build-image.sh tags it")
    kustomization = yaml.safe_load(open(os.path.join(DIR, "kustomization.yaml"), encoding="utf-8"))
    kimages = {i["name"]: i for i in kustomization.get("images", [])}
    need(kimages.get(IMAGE, {}).get("newTag") == version, f"kustomization images newTag must be {version}")
    pod_sc = pod.get("securityContext", {})
    need(pod_sc.get("runAsUser") == IMAGE_USER and pod_sc.get("runAsGroup") == IMAGE_USER,
         f"pod must run as {IMAGE_USER}:{IMAGE_USER}, the image's USER")
    cm_name = objs["ConfigMap"]["metadata"]["name"]
    need(any(v.get("configMap", {}).get("name") == cm_name for v in pod.get("volumes", [])),
         "the config volume must use the ConfigMap")
    need("config.yml" in objs["ConfigMap"]["data"], "ConfigMap must hold config.yml")
    need(all(pod_labels.get(k) == v for k, v in svc["spec"]["selector"].items()), "Service selector does not match")
    need(any(p.get("name") == "http-metrics" and p.get("targetPort") in ("http-metrics", 9106)
             for p in svc["spec"]["ports"]), "Service needs port http-metrics")
    need(all(svc["metadata"]["labels"].get(k) == v for k, v in sm["spec"]["selector"]["matchLabels"].items()),
         "ServiceMonitor selector does not match the Service labels")
    eps = sm["spec"].get("endpoints", [])
    need(eps and eps[0].get("port") == "http-metrics", "ServiceMonitor endpoint must use port http-metrics")
    need(eps and eps[0].get("honorLabels") is True, "ServiceMonitor must set honorLabels: true")
    groups = pr["spec"].get("groups", [])
    need(groups and all(g.get("name") and g.get("rules") for g in groups), "PrometheusRule groups malformed")
    for g in groups:
        for r in g.get("rules", []):
            need(("record" in r) != ("alert" in r) and "expr" in r, f"PrometheusRule rule malformed in {g.get('name')}")
    for p in problems:
        print(p)
    print(f"check_manifests: {len(objs)} objects, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
