#!/usr/bin/env python3
"""Checks deploy/examples: the autoscaling examples built on the per-Service recording rules.

kubernetes-validate (scripts/check-ops.sh) validates the HorizontalPodAutoscaler; it has no schema for KEDA's
ScaledObject or for prometheus-adapter's config, so this checks what their consumers require:

- ScaledObject (keda.sh/v1alpha1): name and namespace, scaleTargetRef.name, min <= max replicas, prometheus triggers
  whose metadata values are all strings (the CRD types them map[string]string: a bare 50 is rejected), with
  serverAddress (http or https), query and a positive numeric threshold; fallback only with metricType
  AverageValue (KEDA refuses it otherwise);
- prometheus-adapter rules: seriesQuery, resources.overrides mapping the namespace and service labels to those
  resources, name.matches/as, and a metricsQuery with <<.Series>>, <<.LabelMatchers>> and <<.GroupBy>>;
- the HPA's Object metric is the adapter rule's name, on the Service the ScaledObject's Deployment is named after;
- every recorded series the queries read is recorded by rules/*.yml;
- and the queries return what they promise, evaluated by `promtool test rules` with the repository's rules on
  series shaped as the exporter emits them for a Service behind an IngressGroup ALB: the KEDA query returns one
  element (the Service's requests per second; 0 while the Service is quiet but CloudWatch still reports its
  targets; nothing when there is no data at all, so that KEDA holds its fallback), and the adapter's metricsQuery,
  expanded as the adapter expands it, returns the Service's series.

Usage (repository root): python3 tests/ops/check_examples.py [promtool]
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "deploy", "examples")
RULES = os.path.join(ROOT, "rules", "cloudwatch-tag-exporter.rules.yml")
RECORDED_NAME = re.compile(r"(?<![\w:])([a-z_]+:[a-z0-9_]+:[a-z0-9_]+)(?![\w:])")


def documents():
    out = []
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml"))):
        with open(path, encoding="utf-8") as fh:
            for doc in yaml.safe_load_all(fh):
                if doc:
                    out.append((os.path.relpath(path, ROOT), doc))
    return out


def recorded_series():
    names = set()
    for path in glob.glob(os.path.join(ROOT, "rules", "*.yml")):
        with open(path, encoding="utf-8") as fh:
            groups = (yaml.safe_load(fh) or {}).get("groups") or []
        for group in groups:
            names.update(r["record"] for r in group.get("rules") or [] if "record" in r)
    return names


def check_scaled_object(where, obj, problems):
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    if obj.get("apiVersion") != "keda.sh/v1alpha1":
        problems.append(f"{where}: ScaledObject apiVersion must be keda.sh/v1alpha1")
    if not meta.get("name") or not meta.get("namespace"):
        problems.append(f"{where}: ScaledObject needs metadata.name and metadata.namespace")
    if not (spec.get("scaleTargetRef") or {}).get("name"):
        problems.append(f"{where}: spec.scaleTargetRef.name is required")
    low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
        problems.append(f"{where}: minReplicaCount {low} / maxReplicaCount {high}")
    triggers = spec.get("triggers") or []
    if not triggers:
        problems.append(f"{where}: no triggers")
    queries = []
    for i, trigger in enumerate(triggers):
        md = trigger.get("metadata") or {}
        at = f"{where}: triggers[{i}]"
        if trigger.get("type") != "prometheus":
            problems.append(f"{at}: type {trigger.get('type')!r}, expected prometheus")
            continue
        for k, v in md.items():
            if not isinstance(v, str):
                problems.append(f"{at}: metadata.{k} is {type(v).__name__}, KEDA wants a string (quote it)")
        if not re.match(r"https?://[^\s/]+", str(md.get("serverAddress", ""))):
            problems.append(f"{at}: metadata.serverAddress must be an http(s) URL")
        if not str(md.get("query", "")).strip():
            problems.append(f"{at}: metadata.query is required")
        try:
            if float(md.get("threshold")) <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{at}: metadata.threshold must be a positive number (as a string)")
        if spec.get("fallback") and trigger.get("metricType", "AverageValue") != "AverageValue":
            problems.append(f"{at}: fallback works only with metricType AverageValue")
        queries.append(str(md.get("query", "")))
    return queries


def check_adapter_rules(where, doc, problems):
    rules = doc.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append(f"{where}: prometheus-adapter config needs a non-empty `rules` list")
        return []
    out = []
    for i, rule in enumerate(rules):
        at = f"{where}: rules[{i}]"
        for key in ("seriesQuery", "metricsQuery"):
            if not str(rule.get(key, "")).strip():
                problems.append(f"{at}: {key} is required")
        overrides = (rule.get("resources") or {}).get("overrides") or {}
        for label in ("namespace", "service"):
            if (overrides.get(label) or {}).get("resource") != label:
                problems.append(f"{at}: resources.overrides must map label {label} to resource {label}")
        name = rule.get("name") or {}
        if not name.get("matches") or not name.get("as"):
            problems.append(f"{at}: name.matches and name.as are required")
        for placeholder in ("<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>"):
            if placeholder not in str(rule.get("metricsQuery", "")):
                problems.append(f"{at}: metricsQuery lacks {placeholder}")
        series = re.match(r"\s*([a-zA-Z_:][\w:]*)", str(rule.get("seriesQuery", "")))
        if series and name.get("matches") and not re.search(name["matches"], series.group(1)):
            problems.append(f"{at}: name.matches does not match the series {series.group(1)}")
        out.append(rule)
    return out


def expand(rule, matchers, group_by):
    """The adapter's template expansion for one object."""
    series = re.match(r"\s*([a-zA-Z_:][\w:]*)", rule["seriesQuery"]).group(1)
    return (rule["metricsQuery"].replace("<<.Series>>", series).replace("<<.LabelMatchers>>", matchers)
            .replace("<<.GroupBy>>", group_by))


def series(name, labels, values):
    text = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{name}{{{text}}}", "values": values}


def promtool_test(promtool, keda_queries, adapter_rules, namespace, service, problems):
    """Real evaluation: the example queries on the repository's rules, with series shaped as the exporter emits
    them for `namespace/service` behind an IngressGroup ALB (its target group: 600 requests/min until 20m, 2
    healthy targets until 40m)."""
    tg = {"job": "aws_applicationelb", "instance": "", "target_group": "targetgroup/k8s-shop-checkout-0a1b2c3d4e/1",
          "load_balancer": "app/k8s-shopgroup-5e6f7a8b9c/2", "namespace": namespace, "service": service,
          "cluster": "prod"}
    other = dict(tg, target_group="targetgroup/k8s-shop-cart-6d5c4b3a2f/3", service="cart")
    lb = {k: v for k, v in tg.items() if k not in ("target_group", "namespace", "service")}
    inputs = [
        series("aws_applicationelb_request_count_sum", tg, "600x20"),
        series("aws_applicationelb_healthy_host_count_average", tg, "2x40"),
        series("aws_applicationelb_request_count_sum", other, "3000x60"),
        series("aws_applicationelb_healthy_host_count_average", other, "5x60"),
        # The ALB's own series: never counted for the Service.
        series("aws_applicationelb_request_count_sum", lb, "3600x60"),
    ]
    tests = []
    for query in keda_queries:
        tests += [
            {"expr": query, "eval_time": "10m", "exp_samples": [{"labels": "{}", "value": 10}]},
            {"expr": query, "eval_time": "50m", "exp_samples": [{"labels": "{}", "value": 0}]},
            {"expr": query, "eval_time": "70m", "exp_samples": []},
        ]
    for rule in adapter_rules:
        query = expand(rule, f'namespace="{namespace}",service="{service}"', "namespace,service")
        tests.append({"expr": query, "eval_time": "10m",
                      "exp_samples": [{"labels": f'{{namespace="{namespace}",service="{service}"}}', "value": 10}]})
    doc = {"rule_files": [RULES], "evaluation_interval": "1m",
           "tests": [{"name": "deploy/examples queries", "interval": "1m", "input_series": inputs,
                      "promql_expr_test": tests}]}
    with tempfile.NamedTemporaryFile("w", suffix=".test.yml", delete=False) as fh:
        yaml.safe_dump(doc, fh, sort_keys=False)
        path = fh.name
    try:
        result = subprocess.run([promtool, "test", "rules", path], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        problems.append(f"promtool: {exc}")
        return 0
    finally:
        os.unlink(path)
    if result.returncode != 0:
        problems.append("the example queries do not return what they promise:\n" + result.stdout + result.stderr)
    return len(tests)


def main(argv):
    promtool = argv[0] if argv else "promtool"
    problems = []
    docs = documents()
    if not docs:
        print("check_examples: no YAML in deploy/examples")
        return 1
    keda, adapter, hpas, scaled = [], [], [], []
    for where, doc in docs:
        kind = doc.get("kind")
        if kind == "ScaledObject":
            scaled.append(doc)
            keda += check_scaled_object(where, doc, problems)
        elif kind == "HorizontalPodAutoscaler":
            hpas.append((where, doc))
        elif "rules" in doc and kind is None:
            adapter += check_adapter_rules(where, doc, problems)
        else:
            problems.append(f"{where}: unexpected document (kind {kind!r})")
    if not keda or not adapter or not hpas:
        problems.append("deploy/examples needs a KEDA ScaledObject, prometheus-adapter rules and an HPA")
    names = {r["name"]["as"] for r in adapter if (r.get("name") or {}).get("as")}
    targets = {(d["metadata"].get("namespace"), d["spec"]["scaleTargetRef"]["name"]) for d in scaled}
    for where, hpa in hpas:
        for m in (hpa.get("spec") or {}).get("metrics") or []:
            obj = m.get("object") or {}
            if m.get("type") == "Object" and (obj.get("metric") or {}).get("name") not in names:
                problems.append(f"{where}: Object metric {obj.get('metric')} is not an adapter rule's name {names}")
            described = obj.get("describedObject") or {}
            if m.get("type") == "Object" and (described.get("kind") != "Service"
                                              or (hpa["metadata"].get("namespace"), described.get("name"))
                                              not in targets):
                problems.append(f"{where}: the Object metric must describe the Service of a scaled Deployment")
    recorded = recorded_series()
    for query in keda + [r["seriesQuery"] for r in adapter]:
        for name in RECORDED_NAME.findall(query):
            if name not in recorded:
                problems.append(f"deploy/examples reads {name}, which no rule in rules/ records")
    namespace, service = next(iter(sorted(targets)), ("shop", "checkout-api"))
    evaluated = promtool_test(promtool, keda, adapter, namespace, service, problems) if keda and adapter else 0
    for p in problems:
        print(p)
    print(f"check_examples: {len(docs)} documents, {evaluated} query evaluations, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
