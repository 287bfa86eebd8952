#!/usr/bin/env python3
"""End-to-end test: moto_server + seeded load balancers → the exporter → Prometheus with the repository's rules,
plus kube-state-metrics-shaped series from a static file. Asserts through Prometheus's HTTP API that

  (a) every recording rule in rules/*.rules.yml yields series with the labels it keeps (namespace + service, or
      namespace + ingress), for seeded services;
  (b) every `expr` of every dashboard in dashboards/*.json (template variables substituted) parses and returns data,
      except the few queries in DASHBOARD_MAY_BE_EMPTY;
  (c) the legacy join of docs/product.md, verbatim, returns the seeded service's series;
  (s) per Service, whatever fronts it: every rule that reads target groups (`namespace_service:aws_load_balancer_*`,
      the ALB target group rules, the ALB host counts and per-pod ratio) returns series for both Services behind the
      IngressGroup ALB (shop/checkout-api, shop/cart), the request rate exists for every seeded Service behind a
      load balancer, its healthy targets add up every load balancer and target group in front of it (3 per front,
      0 for the broken NLB's), and a Service-tagged ALB's requests are counted once;
  (d) every alert of rules/*.alerts.yml is loaded, the alerts the seeded story should trigger fire (high 5xx for
      shop/frontend, no healthy hosts for payments/ledger) and nothing fires for healthy services or exporter health;
plus checks of the exporter's own output: tag labels and host counts per seeded load balancer, aws_elb_tags,
labels on more load balancers than one DescribeLoadBalancers page, no scrape error; and per seeded target group
(t): its series carry its backend Service's namespace/service (and the ALB's ingress and cluster), and
aws_elb_target_group_info names its load balancer, Service, port and source. (s) and (t) need an exporter that
labels target groups (issue 20); the fake exporter does.

    python3 tests/e2e/e2e.py [--exporter .build/debug/cloudwatch-tag-exporter] [--keep]
    python3 tests/e2e/e2e.py --exporter tests/e2e/fake_exporter.py      # the Python stand-in

With `--regions us-east-1,eu-west-1` the exporter runs the demo config in both regions (`regions:`), moto is seeded
in both (the second region as another cluster), and the checks also assert that every CloudWatch series and every
recording rule keeps `region`, with both regions present; the legacy join (one region by design) is not run.

Prints one line per check, then `N passed, M failed`; exits 1 on any failure (after printing the tail of every
component's log; the logs stay under the printed work directory). The whole run is bounded (< 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts" / "demo"))
import stack as st  # noqa: E402  (shared with scripts/demo.sh)

# The legacy recording-rule join from docs/product.md, copied verbatim: it must keep working unchanged.
LEGACY_JOIN = ('kube_service_info * on(service) group_left(load_balancer_name) aws_elb_tags{service=~".+"} '
               '* on(load_balancer_name) group_left() aws_elb_request_count_sum')

# Dashboard queries allowed to return nothing on the seeded, healthy-exporter data (they still must parse).
DASHBOARD_MAY_BE_EMPTY = {
    r"cloudwatch_exporter_aws_api_errors_total": "no AWS call fails against moto",
    r"cloudwatch_exporter_aws_api_retries_total": "no AWS call is retried against moto",
    r"cloudwatch_exporter_rule_errors_total": "no rule fails on the demo config",
    r"cloudwatch_exporter_load_balancer_tags_refresh_errors_total": "no tag refresh fails",
    r"tagging_api_requests_total": "the demo config has no aws_tag_select, so the Tagging API is never called",
    r"cloudwatch_exporter_target_scrape_error": "exported only when the config spans more than one region or account; "
                                                "the demo config has one of each",
}
# Grafana's built-in variables, as the brief's fixed values for an instant query at "now".
GRAFANA_BUILTINS = {"__rate_interval": "1m", "__interval": "1m", "__range": "5m", "__range_s": "300",
                    "__range_ms": "300000", "__interval_ms": "60000"}
PHASE_TIMEOUT = 200  # seconds for all checks after the stack is up; start-up has its own bounded waits
# Rules that read target group series and so must have series for the Services behind a shared ALB (besides every
# namespace_service:aws_load_balancer_* and namespace_service:aws_applicationelb_target_group_* rule).
SHARED_ALB_RULES = {
    "namespace_service:aws_applicationelb_healthy_host_count:sum",
    "namespace_service:aws_applicationelb_un_healthy_host_count:sum",
    "namespace_service:aws_applicationelb_request_count_per_kube_endpoint_address_ready:ratio",
}
SHARED_ALB_PREFIXES = ("namespace_service:aws_load_balancer_", "namespace_service:aws_applicationelb_target_group_")
INFO_SOURCES = {"kubernetes_api", "target_group_tags", "load_balancer_tags"}


class OutOfTime(BaseException):
    """The whole-run alarm; a BaseException so the per-check `except Exception` cannot swallow it."""


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed: list[str] = []

    def record(self, name: str, ok: bool, detail: str = "") -> None:
        if ok:
            self.passed += 1
            print(f"PASS {name}" + (f" ({detail})" if detail else ""), flush=True)
        else:
            self.failed.append(name)
            print(f"FAIL {name}: {detail}", flush=True)


def eventually(results: Results, name: str, check, deadline: float, interval: float = 3.0) -> None:
    """Runs ``check`` (returning (ok, detail)) until it passes or the shared deadline passes: rules need a few
    evaluations and scrapes before their inputs exist."""
    ok, detail = False, "not run"
    while True:
        if st.Stack.last is not None:
            st.Stack.last.check_alive()  # a dead component fails the run now, not after every check times out
        try:
            ok, detail = check()
        except Exception as exc:  # a check that raises has failed this round; keep the message
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        if ok or time.monotonic() >= deadline:
            break
        time.sleep(interval)
    results.record(name, ok, detail)


# --- rules ------------------------------------------------------------------------------------------------------

def prepare_rules(src: Path, dst: Path) -> tuple[list[dict], list[dict]]:
    """Copies rules/*.yml to ``dst`` with every alert's `for:` set to 0s and every group's interval to 5s: the test
    cannot wait the 5-15 minutes the real `for:` durations ask for, and what is under test is the expressions and
    labels, not the hold time (promtool tests in rules/tests/ cover the `for:` behaviour). Returns the recording
    and alerting rules (with their file names)."""
    dst.mkdir(parents=True, exist_ok=True)
    records, alerts = [], []
    for path in sorted(src.glob("*.yml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for group in doc.get("groups", []):
            group["interval"] = "5s"
            for rule in group.get("rules", []):
                if "alert" in rule:
                    rule["for"] = "0s"
                    rule.pop("keep_firing_for", None)
                    alerts.append({**rule, "file": path.name})
                elif "record" in rule:
                    records.append({**rule, "file": path.name})
        (dst / path.name).write_text(yaml.safe_dump(doc, sort_keys=False))
    return records, alerts


def labels_used(expr: str) -> set[str]:
    """Label names an expression groups, joins or filters on."""
    names: set[str] = set()
    for m in re.finditer(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        names.update(n.strip() for n in m.group(1).split(",") if n.strip())
    names.update(m.group(1) for m in re.finditer(r"\b([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*\"", expr))
    return names


def check_recording_rule(stack: st.Stack, rule: dict, summary: dict):
    expr = rule["expr"]
    used = labels_used(expr)
    need_ingress = "ingress" in used
    need_service = "service" in used or not need_ingress
    services = {(s["namespace"], s["service"]) for s in summary["services"]}
    ingresses = {(i["namespace"], i["ingress"]) for i in summary["ingresses"]}
    result = stack.query(rule["record"])
    if not result:
        return False, "no series"
    got_svc = {(s["metric"].get("namespace", ""), s["metric"].get("service", "")) for s in result}
    got_ing = {(s["metric"].get("namespace", ""), s["metric"].get("ingress", "")) for s in result}
    problems = []
    if need_service and not (got_svc & services):
        problems.append(f"no series with a seeded namespace+service (got {sorted(got_svc)[:4]})")
    if need_ingress and not (got_ing & ingresses):
        problems.append(f"no series with a seeded namespace+ingress (got {sorted(got_ing)[:4]})")
    keeps = "+".join(k for k, on in (("service", need_service), ("ingress", need_ingress)) if on)
    return not problems, "; ".join(problems) or f"{len(result)} series, namespace+{keeps}"


# --- dashboards -------------------------------------------------------------------------------------------------

def dashboard_queries(directory: Path) -> list[tuple[str, str, str, set[str]]]:
    """(file, panel title, expr, template variable names) for every `expr` in every dashboard."""
    out = []
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text())
        variables = {v.get("name", "") for v in doc.get("templating", {}).get("list", [])}

        def walk(node, title: str) -> None:
            if isinstance(node, dict):
                title = node.get("title", title) if isinstance(node.get("title"), str) else title
                if isinstance(node.get("expr"), str) and node["expr"].strip():
                    out.append((path.name, title, node["expr"], variables))
                for key, value in node.items():
                    if key != "templating":
                        walk(value, title)
            elif isinstance(node, list):
                for value in node:
                    walk(value, title)

        walk(doc, "")
    return out


def substitute(expr: str, variables: set[str]) -> str:
    """Grafana template variables → an instant query: a matcher on a variable matches anything (`=~".*"`, so
    empty labels like the exporter's instance="" match too), $__rate_interval/$__interval → 1m, $__range → 5m."""
    names = sorted(variables | set(GRAFANA_BUILTINS), key=len, reverse=True)
    ref = r"(?:\$\{(?:%s)(?::[^}]*)?\}|\$(?:%s)\b|\[\[(?:%s)\]\])" % (("|".join(map(re.escape, names)),) * 3)

    expr = re.sub(r'([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"[^"]*' + ref + r'[^"]*"', r'\1=~".*"', expr)
    for name, value in GRAFANA_BUILTINS.items():
        expr = re.sub(r"\$\{%s\}|\$%s\b|\[\[%s\]\]" % (name, name, name), value, expr)
    # $datasource (or any other variable left outside a matcher) has no meaning in PromQL: drop it.
    expr = re.sub(ref, "", expr)
    return expr


def check_dashboard_query(stack: st.Stack, expr: str, may_be_empty: str | None):
    result = stack.query(expr)  # raises PromQLError when it does not parse
    if result:
        return True, f"{len(result)} series"
    if may_be_empty:
        return True, f"empty, allowed: {may_be_empty}"
    return False, "parses but returns no data"


# --- the test ---------------------------------------------------------------------------------------------------

def run(args: argparse.Namespace, results: Results) -> st.Stack | None:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="cwte-e2e-"))
    print(f"e2e: work dir {workdir}", flush=True)
    rules_src, dash_src = Path(args.rules_dir), Path(args.dashboards_dir)
    exporter = Path(args.exporter)
    if not exporter.exists():
        raise st.StackError(f"no exporter at {exporter} (build it with `swift build --product "
                            "cloudwatch-tag-exporter`, or pass --exporter tests/e2e/fake_exporter.py)")
    prefix = [sys.executable, str(exporter)] if exporter.suffix == ".py" else [str(exporter)]
    regions = [r for r in (args.regions or "").split(",") if r]
    config = Path(args.config)
    if regions:
        # The demo config, every rule in each region: `regions` replaces the top-level `region`.
        text = re.sub(r"^region:.*$", "", config.read_text(), flags=re.M)
        config = workdir / "config-regions.yml"
        config.write_text(f"regions: [{', '.join(regions)}]\n" + text)
    check = subprocess.run(prefix + ["check-config", str(config)], capture_output=True, text=True, timeout=60)
    results.record("exporter check-config accepts the demo config", check.returncode == 0,
                   (check.stdout + check.stderr).strip()[-300:])
    # The shipped configs and the config deploy/kubernetes-api mounts (with its `kubernetes:` section).
    overlay = yaml.safe_load((REPO_ROOT / "deploy" / "kubernetes-api" / "configmap.yaml").read_text())
    overlay_config = workdir / "kubernetes-api-config.yml"
    overlay_config.write_text(overlay["data"]["config.yml"])
    shipped = [p for p in sorted((REPO_ROOT / "config").glob("*.yml")) if p.name != "web-config.yml"]
    for path in shipped + [overlay_config]:
        check = subprocess.run(prefix + ["check-config", str(path)], capture_output=True, text=True, timeout=60)
        results.record(f"exporter check-config accepts {path.name}", check.returncode == 0,
                       (check.stdout + check.stderr).strip()[-300:])
    records, alerts = prepare_rules(rules_src, workdir / "rules")
    # An empty rules/ or dashboards/ would make (a), (b) and (d) pass vacuously.
    results.record("rules/*.rules.yml has recording rules", bool(records), f"{len(records)} in {rules_src}")
    results.record("rules/*.alerts.yml has alerts", bool(alerts), f"{len(alerts)} in {rules_src}")
    results.record("dashboards/*.json have queries", bool(dashboard_queries(dash_src)), str(dash_src))
    print(f"e2e: {len(records)} recording rules and {len(alerts)} alerts from {rules_src}; dashboards from "
          f"{dash_src}", flush=True)
    stack = st.Stack(workdir)
    stack.start_moto(lb_page_cap=args.lb_page_cap)
    summary = stack.seed(many=args.many)
    # Classic ELBs of the other regions, which the tag cache entries gauge adds up.
    other_classic = 0
    for index, region in enumerate(regions[1:], start=2):
        other = stack.seed(region=region, cluster=f"demo-{index}")
        other_classic += sum(1 for lb in other["load_balancers"] if lb["kind"] == "classic") + len(other["many"])
    classic = [lb["name"] for lb in summary["load_balancers"] if lb["kind"] == "classic"] + summary["many"]
    # The tag paging check below sees paging only if the classic fleet spans more than one page.
    results.record("the seeded classic ELBs span several DescribeLoadBalancers pages",
                   len(classic) > 2 * args.lb_page_cap,
                   f"{len(classic)} classic ELBs, pages of at most {args.lb_page_cap}")
    stack.start_exporter(args.exporter, config)
    stack.start_ksm()
    stack.start_prometheus([str(workdir / "rules" / "*.yml")], evaluation_interval="5s")
    print(f"e2e: stack up (exporter {stack.exporter_url}, Prometheus {stack.prometheus_url})", flush=True)
    deadline = time.monotonic() + PHASE_TIMEOUT

    # --- the exporter's output, through Prometheus
    def targets_up():
        up = stack.query("up")
        bad = [s["metric"].get("job") for s in up if s["value"][1] != "1"]
        return len(up) >= 2 and not bad, f"up: {[(s['metric'].get('job'), s['value'][1]) for s in up]}"
    eventually(results, "both scrape targets are up", targets_up, deadline)

    for lb in summary["load_balancers"]:
        (label, value), = lb["label_dimension"].items()

        def lb_labels(lb=lb, label=label, value=value):
            series = stack.query(f'{{__name__=~"aws_.+", __name__!="aws_elb_tags", {label}="{value}"}}')
            if not series:
                return False, f"no CloudWatch series with {label}={value}"
            wrong = [s["metric"] for s in series
                     if any(s["metric"].get(k) != v for k, v in lb["expected_labels"].items())]
            if wrong:
                return False, f"{len(wrong)}/{len(series)} series lack {lb['expected_labels']}, e.g. {wrong[0]}"
            return True, f"{len(series)} series with {lb['expected_labels']}"
        eventually(results, f"{lb['kind']} {lb['name']} series carry its tag labels", lb_labels, deadline)

        def tags_series(lb=lb, label=label, value=value):
            series = stack.query(f'aws_elb_tags{{{label}="{value}"}}')
            return len(series) == 1, f"{len(series)} aws_elb_tags series"
        eventually(results, f"aws_elb_tags for {lb['name']}", tags_series, deadline)

        # The story in numbers: host counts straight from CloudWatch (3 pods, or 0 for the broken NLB).
        family = lb["cw_namespace"].lower().replace("/", "_") + "_healthy_host_count_average"
        want_hosts = 0.0 if lb["story"] == "no_healthy_hosts" else 3.0

        def hosts(family=family, label=label, value=value, want_hosts=want_hosts):
            series = stack.query(f'{family}{{{label}="{value}"}}')
            got = sorted({float(s["value"][1]) for s in series})
            return got == [want_hosts], f"{family} = {got}, want {want_hosts}"
        eventually(results, f"{lb['name']} healthy hosts match the seeded story", hosts, deadline)

    # --- (t) target groups: the backend Service's labels on the series, and the info series
    for lb in summary["load_balancers"]:
        lb_dim = lb["dimensions"].get("LoadBalancer", "")
        for tg in lb.get("target_groups") or []:
            def tg_labels(tg=tg):
                series = stack.query(f'{{__name__=~"aws_.+", __name__!="aws_elb_target_group_info", '
                                     f'target_group="{tg["dimension"]}"}}')
                if not series:
                    return False, f"no CloudWatch series with target_group={tg['dimension']}"
                wrong = [s["metric"] for s in series
                         if any(s["metric"].get(k) != v for k, v in tg["expected_labels"].items())]
                if wrong:
                    return False, f"{len(wrong)}/{len(series)} series lack {tg['expected_labels']}, e.g. {wrong[0]}"
                return True, f"{len(series)} series with {tg['expected_labels']}"
            eventually(results, f"(t) target group {tg['name']} ({lb['kind']}) series carry its Service's labels",
                       tg_labels, deadline)

            def tg_info(tg=tg, lb_dim=lb_dim):
                series = stack.query(f'aws_elb_target_group_info{{target_group="{tg["dimension"]}"}}')
                if len(series) != 1:
                    return False, f"{len(series)} aws_elb_target_group_info series, want 1"
                m = series[0]["metric"]
                want = {"load_balancer": lb_dim, "namespace": tg["namespace"], "service": tg["service"],
                        "cluster": tg["expected_labels"]["cluster"]}
                if tg["ingress"]:
                    want["ingress"] = tg["ingress"]
                # The controller's resource tags name the port; the in-tree tag does not.
                if any(k.endswith("/resource") for k in tg["tags"]):
                    want["port"] = str(tg["port"])
                wrong = {k: (m.get(k), v) for k, v in want.items() if m.get(k) != v}
                if wrong or m.get("source") not in INFO_SOURCES:
                    return False, f"{st.series_text(series[0])}: (got, want) {wrong}, source {m.get('source')!r}"
                return True, st.series_text(series[0])
            eventually(results, f"(t) aws_elb_target_group_info for {tg['name']}", tg_info, deadline)

    if summary["many"]:
        # Several DescribeLoadBalancers pages of classic ELBs (moto caps pages at --lb-page-cap, the exporter asks
        # for 400): labelling them all needs paging.
        def paged():
            got = {s["metric"].get("load_balancer_name") for s in
                   stack.query('aws_elb_request_count_sum{namespace="bulk", service=~"bulk-.+"}')}
            missing = set(summary["many"]) - got
            return not missing, (f"{len(missing)} of {len(summary['many'])} extra ELBs unlabelled, e.g. "
                                 f"{sorted(missing)[:2]}" if missing else f"all {len(got)} extra ELBs labelled")
        eventually(results, f"all {len(summary['many'])} extra classic ELBs are labelled (tag paging)", paged,
                   deadline)

        def cached():
            _, text = st.http_get(stack.exporter_url + "/metrics", timeout=60)
            m = re.search(r'^cloudwatch_exporter_load_balancer_tags_cache_entries\{type="classic",?\} (\S+)$', text,
                          re.M)
            got = float(m.group(1)) if m else None
            want = len(classic) + other_classic
            return got == want, f"{got} classic ELBs in the tag cache, {want} seeded"
        eventually(results, "the tag cache holds every classic ELB of every page", cached, deadline)

    eventually(results, "exporter reports no scrape error",
               lambda: (bool(r := stack.query("cloudwatch_exporter_scrape_error == 0")), f"{len(r)} series"), deadline)
    _, body = st.http_get(stack.exporter_url + "/metrics", timeout=60)
    lines = [ln for ln in body.splitlines() if ln.startswith("aws_") and "namespace=" in ln
             and ("service=" in ln or "ingress=" in ln)]
    results.record("exporter /metrics has namespace-labelled samples", bool(lines), f"{len(lines)} lines")

    # --- (a) recording rules
    for rule in records:
        eventually(results, f"(a) recording rule {rule['record']}",
                   lambda rule=rule: check_recording_rule(stack, rule, summary), deadline)

    # --- (s) per Service, whatever fronts it
    group = [lb for lb in summary["load_balancers"] if lb["kind"] == "alb-group"]
    shared = {(tg["namespace"], tg["service"]) for lb in group for tg in lb["target_groups"]}
    results.record("(s) the seed has an IngressGroup ALB with two Services", len(shared) == 2, str(sorted(shared)))
    shared_rules = [r for r in records
                    if r["record"].startswith(SHARED_ALB_PREFIXES) or r["record"] in SHARED_ALB_RULES]
    results.record("(s) rules/ has per-Service rules that read target groups",
                   len(shared_rules) > len(SHARED_ALB_RULES), f"{len(shared_rules)} rules")
    for rule in shared_rules:
        def per_service(rule=rule):
            got = {(x["metric"].get("namespace"), x["metric"].get("service")) for x in stack.query(rule["record"])}
            missing = shared - got
            return not missing, (f"no series for {sorted(missing)}" if missing else
                                 f"series for {sorted(shared)}")
        eventually(results, f"(s) {rule['record']} covers the IngressGroup's Services", per_service, deadline)
    region = f', region="{regions[0]}"' if regions else ""
    fronted = [e for e in summary["services"] if e.get("fronted_by")]
    for entry in fronted:
        selector = f'namespace="{entry["namespace"]}", service="{entry["service"]}"{region}'
        kinds = "+".join(f["kind"] for f in entry["fronted_by"])
        want_targets = 0.0 if entry["story"] == "no_healthy_hosts" else 3.0 * len(entry["fronted_by"])

        def requests_and_targets(selector=selector, want_targets=want_targets):
            rate = stack.query(f"namespace_service:aws_load_balancer_requests:per_second{{{selector}}}")
            targets = stack.query(f"namespace_service:aws_load_balancer_healthy_targets:sum{{{selector}}}")
            got = [float(x["value"][1]) for x in targets]
            ok = len(rate) == 1 and float(rate[0]["value"][1]) > 0 and got == [want_targets]
            return ok, (f"{len(rate)} request rate series "
                        f"({', '.join(x['value'][1] for x in rate)}/s), healthy targets {got}, want [{want_targets}]")
        eventually(results, f"(s) {entry['namespace']}/{entry['service']} ({kinds}): request rate, targets of every "
                   "front added up", requests_and_targets, deadline)
    once = [tg for lb in summary["load_balancers"] if lb["kind"] == "alb-service" for tg in lb["target_groups"]]
    for tg in once:
        selector = f'namespace="{tg["namespace"]}", service="{tg["service"]}"{region}'

        def counted_once(selector=selector):
            # The recorded value is up to one evaluation (5 s) older than the raw query: a sample arriving in
            # between makes them differ for that moment, so look a few times (bounded) before calling it a miss,
            # also when the shared deadline leaves this check one call.
            for _ in range(6):
                rule = stack.query(f"namespace_service:aws_load_balancer_requests:per_second{{{selector}}}")
                raw = stack.query(f'sum(last_over_time(aws_applicationelb_request_count_sum{{target_group!="", '
                                  f'{selector}}}[15m])) / 60')
                if len(rule) != 1 or len(raw) != 1:
                    return False, f"{len(rule)} rule series, {len(raw)} target group sums"
                a, b = float(rule[0]["value"][1]), float(raw[0]["value"][1])
                if abs(a - b) < 1e-6 * max(1.0, b):
                    break
                time.sleep(3)
            return abs(a - b) < 1e-6 * max(1.0, b), f"rule {a}/s, target groups {b}/s (the ALB's own series not added)"
        eventually(results, f"(s) {tg['namespace']}/{tg['service']}: a Service-tagged ALB's requests counted once",
                   counted_once, deadline)

    # --- (m) several regions: every CloudWatch series and every recorded series keeps its region
    if regions:
        def cloudwatch_regions():
            series = stack.query('{__name__=~"aws_.+", __name__!="aws_resource_info"}')
            got = {s["metric"].get("region", "") for s in series}
            return got == set(regions), f"{len(series)} series, regions {sorted(got)}"
        eventually(results, f"(m) CloudWatch series and aws_elb_tags carry region, all of {regions}",
                   cloudwatch_regions, deadline)

        def target_errors():
            series = stack.query("cloudwatch_exporter_target_scrape_error")
            got = {(s["metric"].get("region"), s["value"][1]) for s in series}
            return got == {(r, "0") for r in regions}, f"target errors {sorted(got)}"
        eventually(results, "(m) cloudwatch_exporter_target_scrape_error is 0 for every region", target_errors,
                   deadline)
        for rule in records:
            if "aws_" not in rule["expr"] and "namespace_service:" not in rule["expr"]:
                continue  # kube-state-metrics helpers: no region there

            def keeps_region(rule=rule):
                series = stack.query(rule["record"])
                got = {s["metric"].get("region", "") for s in series}
                return got == set(regions), f"{len(series)} series, regions {sorted(got)}"
            eventually(results, f"(m) recording rule {rule['record']} keeps region", keeps_region, deadline)

    # --- (b) dashboards
    for file, title, expr, variables in dashboard_queries(dash_src):
        q = substitute(expr, variables)
        allowed = next((why for pat, why in DASHBOARD_MAY_BE_EMPTY.items() if re.search(pat, q)), None)
        eventually(results, f"(b) {file} / {title!r}: {' '.join(q.split())[:110]}",
                   lambda q=q, allowed=allowed: check_dashboard_query(stack, q, allowed), deadline)

    # --- (c) the legacy join (a one-region join: on(service) would match each service once per region)
    want = summary["legacy_join_service"]

    def legacy():
        series = stack.query(LEGACY_JOIN)
        hit = [s for s in series if s["metric"].get("service") == want["service"]
               and s["metric"].get("namespace") == want["namespace"]]
        return bool(hit), (f"{st.series_text(hit[0])}" if hit else f"{len(series)} series, none for {want}")
    if not regions:
        eventually(results, "(c) product.md legacy join returns the seeded service", legacy, deadline)

    # --- (d) alerts
    def loaded():
        groups = stack.api("/api/v1/rules")["groups"]
        names = {r["name"] for g in groups for r in g["rules"] if r["type"] == "alerting"}
        missing = sorted({a["alert"] for a in alerts} - names)
        unhealthy = [f"{r['name']}: {r.get('lastError')}" for g in groups for r in g["rules"]
                     if r.get("health") not in ("ok", "unknown")]
        return not missing and not unhealthy, (f"missing {missing}; " if missing else "") + (
            f"errors {unhealthy}" if unhealthy else f"{len(names)} alerts loaded, all rules healthy")
    eventually(results, "(d) every alert of rules/*.alerts.yml is loaded and rules evaluate", loaded, deadline)

    by_name = {a["alert"]: a for a in alerts}
    healthy = {(s["namespace"], s["service"]) for s in summary["services"] if s["story"] == "healthy"}
    healthy |= {(i["namespace"], i["ingress"]) for i in summary["ingresses"] if i["story"] == "healthy"}

    def firing(metric_pattern: str, target: dict):
        def check():
            active = [a for a in stack.api("/api/v1/alerts")["alerts"] if a["state"] == "firing"]
            hits = [a for a in active if re.search(metric_pattern, by_name.get(a["labels"].get("alertname"), {})
                                                   .get("expr", ""))
                    and all(a["labels"].get(k) == v for k, v in target.items())]
            if hits:
                return True, f"{hits[0]['labels']['alertname']} firing for {target}"
            seen = [(a["labels"].get("alertname"), a["labels"].get("namespace"),
                     a["labels"].get("service") or a["labels"].get("ingress")) for a in active]
            return False, f"no firing alert on {metric_pattern} for {target}; firing: {seen}"
        return check

    for target in summary["stories"]["high_5xx"]:
        eventually(results, f"(d) a 5xx alert fires for {target}", firing(r"5_?xx", target), deadline)
    for target in summary["stories"]["no_healthy_hosts"]:
        eventually(results, f"(d) a healthy-host alert fires for {target}", firing(r"healthy_host", target),
                   deadline)

    # Negative checks: give the rules one more evaluation round, then look once.
    time.sleep(6)
    active = [a for a in stack.api("/api/v1/alerts")["alerts"] if a["state"] in ("firing", "pending")]
    wrong = [a["labels"] for a in active
             if (a["labels"].get("namespace"), a["labels"].get("service") or a["labels"].get("ingress")) in healthy]
    results.record("(d) no alert fires for a healthy service or ingress", not wrong, str(wrong[:3]) if wrong else
                   f"{len(active)} active alerts, none for the {len(healthy)} healthy services/ingresses")
    exporter_alerts = {n for n, a in by_name.items() if "cloudwatch_exporter_" in a.get("expr", "")}
    wrong = [a["labels"]["alertname"] for a in active if a["labels"].get("alertname") in exporter_alerts]
    results.record("(d) no exporter-health alert fires", not wrong,
                   f"firing: {wrong}" if wrong else f"{len(exporter_alerts)} exporter-health alerts quiet")
    return stack


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exporter", default=str(REPO_ROOT / ".build" / "debug" / "cloudwatch-tag-exporter"),
                   help="exporter binary, or tests/e2e/fake_exporter.py")
    p.add_argument("--config", default=str(REPO_ROOT / "scripts" / "demo" / "config.yml"))
    p.add_argument("--rules-dir", default=str(REPO_ROOT / "rules"))
    p.add_argument("--dashboards-dir", default=str(REPO_ROOT / "dashboards"))
    p.add_argument("--many", type=int, default=60,
                   help="extra classic ELBs (several pages of --lb-page-cap, so the exporter must page)")
    p.add_argument("--lb-page-cap", type=int, default=20,
                   help="moto answers DescribeLoadBalancers pages of at most this many (the exporter asks for 400)")
    p.add_argument("--regions", help="comma-separated regions: run the demo config in each (`regions:`)")
    p.add_argument("--workdir", help="work directory (default: a new temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work directory even when everything passed")
    p.add_argument("--timeout", type=int, default=290, help="hard limit for the whole run, in seconds")
    args = p.parse_args(argv)
    results = Results()
    started = time.monotonic()
    stack: st.Stack | None = None

    def out_of_time(*_):
        raise OutOfTime(f"the e2e run exceeded --timeout {args.timeout} s")

    def terminated(*_):
        raise KeyboardInterrupt

    # Every wait inside is bounded, but their sum is not: the alarm keeps the whole run under 5 minutes.
    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(args.timeout)
    try:
        stack = run(args, results)
    except KeyboardInterrupt:
        results.record("run completed", False, "interrupted")
    except OutOfTime as exc:
        results.record("run completed in time", False, str(exc))
    except Exception as exc:
        results.record("stack start-up and checks", False, f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
    finally:
        signal.alarm(0)
        workdir = None
        if stack is None:
            # run() failed before returning its stack: find it through the module-level registry.
            stack = st.Stack.last
        if stack is not None:
            workdir = stack.workdir
            stack.stop()
            if results.failed:
                stack.tail_logs(lines=25)
            elif not args.keep and not args.workdir:
                shutil.rmtree(workdir, ignore_errors=True)
                workdir = None
    if workdir:
        print(f"e2e: logs kept in {workdir}/logs")
    print(f"e2e: {time.monotonic() - started:.0f} s")
    print(f"{results.passed} passed, {len(results.failed)} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
