#!/usr/bin/env python3
"""A stand-in for cloudwatch-tag-exporter, for developing the demo, rules and dashboards without the Swift build.

Dev aid only: it is NOT the product and checks nothing about it. It speaks the same CLI
(``fake_exporter.py <port> <config.yml>`` or ``--web.listen-address``/``--config.file``), reads the same AWS
environment (``AWS_ENDPOINT_URL`` etc., so point it at moto), and emits series shaped like the exporter's:

* ``aws_elb_request_count_sum{job="aws_elb",instance="",load_balancer_name="a1b2...",namespace="default",
  service="test-service",cluster="demo"} 42.0 <ts ms>`` for every rule in the config (ListMetrics to find the
  dimension sets whose names equal ``aws_dimensions``, then GetMetricStatistics, latest datapoint in the window);
* labels from load balancer tags: ``kubernetes.io/service-name`` or ``service.k8s.aws/stack`` → namespace, service;
  ``ingress.k8s.aws/stack`` → namespace, ingress; ``kubernetes.io/cluster/<c>`` or ``elbv2.k8s.aws/cluster`` → cluster;
* on series with a ``TargetGroup`` dimension, the namespace/service of the target group's backend Service, from its
  tags (``service.k8s.aws/resource`` ``<ns>/<svc>:<port>``, ``ingress.k8s.aws/resource``
  ``<ns>/<ingress>-<svc>:<port>``, ``kubernetes.io/service-name`` ``<ns>/<svc>``), then the load balancer's
  ingress and cluster (issue 20's shapes; the load balancer's labels when the target group maps to nothing);
* ``aws_elb_tags{load_balancer_name=...|load_balancer=...,<sanitised tag keys>=<values>} 1`` per load balancer;
* ``aws_elb_target_group_info{target_group, load_balancer, namespace, service, port, ingress, cluster, source} 1`` per
  target group (labels only when known; source target_group_tags or load_balancer_tags);
* a few self metrics (scrape duration/error, request counters, datapoint store counters with no store behind
  them, tag cache gauges, build info).

Endpoints: ``/metrics``, ``/-/healthy``, ``/-/ready``, ``POST /-/reload``. ``check-config FILE`` parses the YAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import yaml
from botocore.config import Config


def snake(s: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def safe_name(s: str) -> str:
    return re.sub(r"__+", "_", re.sub(r"[^a-zA-Z0-9:_]", "_", s))


def safe_label(s: str) -> str:
    return re.sub(r"__+", "_", re.sub(r"[^a-zA-Z0-9_]", "_", s))


def java_double(v: float) -> str:
    return repr(float(v)) if v == v else "NaN"


def esc(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def labels_text(labels: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in labels) + "}" if labels else ""


def k8s_labels(tags: dict[str, str]) -> list[tuple[str, str]]:
    out: dict[str, str] = {}
    for key in ("kubernetes.io/service-name", "service.k8s.aws/stack"):
        if "/" in tags.get(key, ""):
            out["namespace"], out["service"] = tags[key].split("/", 1)
            break
    else:
        if "/" in tags.get("ingress.k8s.aws/stack", ""):
            out["namespace"], out["ingress"] = tags["ingress.k8s.aws/stack"].split("/", 1)
    for key, value in tags.items():
        if key.startswith("kubernetes.io/cluster/"):
            out["cluster"] = key.split("/", 2)[2]
    if "elbv2.k8s.aws/cluster" in tags:
        out["cluster"] = tags["elbv2.k8s.aws/cluster"]
    return list(out.items())


def alnum(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", s)


def target_group_backend(tg_name: str, tags: dict[str, str], lb_tags: dict[str, str]):
    """(namespace, service, port, ingress) of a target group's backend Service from its tags, or None. For
    `<ns>/<ingress>-<svc>`: an implicit group's stack names the ingress; otherwise the `<svc 8>` part of the target
    group's name (k8s-<ns 8>-<svc 8>-<hash>) must pick exactly one split."""
    def split_port(value: str):
        ref, _, port = value.rpartition(":")
        return (ref, port) if ref and port else (value, "")

    if "/" in tags.get("service.k8s.aws/resource", ""):
        (ref, port) = split_port(tags["service.k8s.aws/resource"])
        ns, _, svc = ref.partition("/")
        return ns, svc, port, None
    if "/" in tags.get("ingress.k8s.aws/resource", ""):
        (ref, port) = split_port(tags["ingress.k8s.aws/resource"])
        ns, _, rest = ref.partition("/")
        stack = lb_tags.get("ingress.k8s.aws/stack", tags.get("ingress.k8s.aws/stack", ""))
        if stack.startswith(ns + "/") and rest.startswith(stack.split("/", 1)[1] + "-"):
            ingress = stack.split("/", 1)[1]
            return ns, rest[len(ingress) + 1:], port, ingress
        parts = tg_name.split("-")
        svc8 = parts[2] if len(parts) >= 4 else ""
        splits = [(rest[:i], rest[i + 1:]) for i, c in enumerate(rest) if c == "-"]
        found = [(ing, svc) for ing, svc in splits if svc and alnum(svc)[:8] == svc8]
        if len(found) == 1:
            return ns, found[0][1], port, None
        return None
    if "/" in tags.get("kubernetes.io/service-name", ""):
        ns, _, svc = tags["kubernetes.io/service-name"].partition("/")
        return ns, svc, "", None
    return None


class Fake:
    def __init__(self, config_path: str):
        self.config_path = config_path
        self.config = self.load()
        cfg = Config(region_name=self.config.get("region", "us-east-1"), retries={"max_attempts": 2})
        self.cw = boto3.client("cloudwatch", config=cfg)
        self.elb = boto3.client("elb", config=cfg)
        self.elbv2 = boto3.client("elbv2", config=cfg)
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str], int] = {}
        self.requested: dict[tuple[str, str], int] = {}
        self.tags_at = 0.0
        self.lbs: dict[str, dict] = {}
        self.tgs: dict[str, dict] = {}

    def load(self) -> dict:
        with open(self.config_path) as f:
            return yaml.safe_load(f) or {}

    def count(self, service: str, action: str) -> None:
        self.requests[(service, action)] = self.requests.get((service, action), 0) + 1

    def refresh_tags(self) -> None:
        lbs: dict[str, dict] = {}
        marker = None
        while True:
            page = self.elb.describe_load_balancers(**({"Marker": marker} if marker else {}))
            self.count("elb", "DescribeLoadBalancers")
            names = [lb["LoadBalancerName"] for lb in page["LoadBalancerDescriptions"]]
            for i in range(0, len(names), 20):
                self.count("elb", "DescribeTags")
                for d in self.elb.describe_tags(LoadBalancerNames=names[i:i + 20])["TagDescriptions"]:
                    lbs[d["LoadBalancerName"]] = {"type": "classic", "label": ("load_balancer_name",
                                                                               d["LoadBalancerName"]),
                                                  "tags": {t["Key"]: t["Value"] for t in d.get("Tags", [])}}
            marker = page.get("NextMarker")
            if not marker:
                break
        marker = None
        while True:
            page = self.elbv2.describe_load_balancers(**({"Marker": marker} if marker else {}))
            self.count("elbv2", "DescribeLoadBalancers")
            arns = {lb["LoadBalancerArn"]: lb for lb in page["LoadBalancers"]}
            keys = list(arns)
            for i in range(0, len(keys), 20):
                self.count("elbv2", "DescribeTags")
                for d in self.elbv2.describe_tags(ResourceArns=keys[i:i + 20])["TagDescriptions"]:
                    lb = arns[d["ResourceArn"]]
                    _, name, lb_id = d["ResourceArn"].split(":loadbalancer/", 1)[1].split("/", 2)
                    prefix = {"application": "app", "network": "net", "gateway": "gwy"}[lb["Type"]]
                    dim = f"{prefix}/{name}/{lb_id}"
                    lbs[dim] = {"type": lb["Type"], "label": ("load_balancer", dim), "arn": d["ResourceArn"],
                                "tags": {t["Key"]: t["Value"] for t in d.get("Tags", [])}}
            marker = page.get("NextMarker")
            if not marker:
                break
        by_arn = {}
        for dim, lb in lbs.items():
            if lb["type"] != "classic":
                by_arn[lb["arn"]] = dim
        tgs: dict[str, dict] = {}
        marker = None
        while True:
            page = self.elbv2.describe_target_groups(**({"Marker": marker} if marker else {}))
            self.count("elbv2", "DescribeTargetGroups")
            groups = {tg["TargetGroupArn"]: tg for tg in page["TargetGroups"]}
            keys = list(groups)
            for i in range(0, len(keys), 20):
                self.count("elbv2", "DescribeTags")
                for d in self.elbv2.describe_tags(ResourceArns=keys[i:i + 20])["TagDescriptions"]:
                    tg = groups[d["ResourceArn"]]
                    dim = d["ResourceArn"].split(":", 5)[5]
                    tgs[dim] = {"name": tg["TargetGroupName"],
                                "tags": {t["Key"]: t["Value"] for t in d.get("Tags", [])},
                                "load_balancers": [by_arn[a] for a in tg.get("LoadBalancerArns", []) if a in by_arn]}
            marker = page.get("NextMarker")
            if not marker:
                break
        self.lbs = lbs
        self.tgs = tgs
        self.tags_at = time.time()

    def target_group_labels(self, tg_dim: str, lb_dim: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
        """(sample labels after the dimensions, info labels) for a target group behind a load balancer."""
        lb = self.lbs.get(lb_dim)
        lb_labels = dict(k8s_labels(lb["tags"])) if lb else {}
        tg = self.tgs.get(tg_dim)
        backend = target_group_backend(tg["name"], tg["tags"], lb["tags"] if lb else {}) if tg else None
        if not backend:
            info = dict(lb_labels)
            if lb_labels:
                info["source"] = "load_balancer_tags"
            return list(lb_labels.items()), info
        ns, svc, port, ingress = backend
        labels = {"namespace": ns, "service": svc}
        ingress = ingress or lb_labels.get("ingress")
        if ingress:
            labels["ingress"] = ingress
        if "cluster" in lb_labels:
            labels["cluster"] = lb_labels["cluster"]
        info = {"namespace": ns, "service": svc, **({"port": port} if port else {}),
                **({"ingress": ingress} if ingress else {}),
                **({"cluster": lb_labels["cluster"]} if "cluster" in lb_labels else {}),
                "source": "target_group_tags"}
        return list(labels.items()), info

    def scrape(self) -> str:
        started = time.time()
        out: list[str] = []
        error = 0
        with self.lock:
            try:
                if time.time() - self.tags_at > 60:
                    self.refresh_tags()
                out += self.cloudwatch()
            except Exception as exc:  # the real exporter reports this as scrape_error too
                print(f"fake exporter: scrape failed: {exc}", file=sys.stderr, flush=True)
                error = 1
            out += ["# HELP aws_elb_tags Tags of the AWS load balancer", "# TYPE aws_elb_tags gauge"]
            for lb in self.lbs.values():
                labels = [lb["label"]] + [(safe_label(k), v) for k, v in lb["tags"].items()]
                out.append(f"aws_elb_tags{labels_text(labels)} 1.0")
            out += ["# HELP aws_elb_target_group_info The Kubernetes Service behind an ELBv2 target group",
                    "# TYPE aws_elb_target_group_info gauge"]
            for tg_dim, tg in sorted(self.tgs.items()):
                for lb_dim in tg["load_balancers"] or [""]:
                    _, info = self.target_group_labels(tg_dim, lb_dim)
                    order = ("namespace", "service", "port", "ingress", "cluster", "source")
                    labels = [("target_group", tg_dim)] + ([("load_balancer", lb_dim)] if lb_dim else [])
                    labels += [(k, info[k]) for k in order if k in info]
                    out.append(f"aws_elb_target_group_info{labels_text(labels)} 1.0")
            out += ["# TYPE cloudwatch_exporter_aws_api_requests_total counter"]
            out += [f'cloudwatch_exporter_aws_api_requests_total{{service="{s}",action="{a}"}} {float(n)}'
                    for (s, a), n in sorted(self.requests.items())]
            out += ["# TYPE cloudwatch_requests_total counter"]
            out += [f'cloudwatch_requests_total{{action="{a}",namespace="{s}"}} {float(n)}'
                    for (s, a), n in sorted(self.requests.items()) if s.startswith("AWS/")]
            by_type: dict[str, int] = {}
            for lb in self.lbs.values():
                by_type[lb["type"]] = by_type.get(lb["type"], 0) + 1
            out += ["# TYPE cloudwatch_metrics_requested_total counter"]
            out += [f'cloudwatch_metrics_requested_total{{metric_name="{m}",namespace="{n}"}} {float(c)}'
                    for (n, m), c in sorted(self.requested.items())]
            # No datapoint store here: every fetch is a miss, nothing is saved (the exporter dashboard's panels).
            out += ["# TYPE cloudwatch_exporter_datapoint_store_hits_total counter",
                    "# TYPE cloudwatch_exporter_datapoint_store_misses_total counter",
                    "# TYPE cloudwatch_exporter_datapoint_store_saved_requests_total counter",
                    "# TYPE cloudwatch_exporter_datapoint_store_saved_metrics_total counter"]
            for (n, m), c in sorted(self.requested.items()):
                out += [f'cloudwatch_exporter_datapoint_store_hits_total{{namespace="{n}",metric_name="{m}"}} 0.0',
                        f'cloudwatch_exporter_datapoint_store_misses_total{{namespace="{n}",metric_name="{m}"}} '
                        f'{float(c)}',
                        f'cloudwatch_exporter_datapoint_store_saved_metrics_total{{metric_name="{m}",namespace="{n}"}} '
                        '0.0']
            out += [f'cloudwatch_exporter_datapoint_store_saved_requests_total{{action="GetMetricStatistics",'
                    f'namespace="{n}"}} 0.0' for n in sorted({n for n, _ in self.requested})]
            out += ["# TYPE cloudwatch_exporter_load_balancer_tags_cache_entries gauge"]
            out += [f'cloudwatch_exporter_load_balancer_tags_cache_entries{{type="{t}"}} {float(n)}'
                    for t, n in sorted(by_type.items())]
            out += ["# TYPE cloudwatch_exporter_load_balancer_tags_cache_age_seconds gauge",
                    f"cloudwatch_exporter_load_balancer_tags_cache_age_seconds {time.time() - self.tags_at:.3f}",
                    "# TYPE cloudwatch_exporter_scrape_missed_requests gauge",
                    "cloudwatch_exporter_scrape_missed_requests 0.0",
                    "# TYPE cloudwatch_exporter_build_info gauge",
                    'cloudwatch_exporter_build_info{build_version="fake",release_date="unknown"} 1.0',
                    "# TYPE cloudwatch_exporter_scrape_duration_seconds gauge",
                    f"cloudwatch_exporter_scrape_duration_seconds {time.time() - started:.4f}",
                    "# TYPE cloudwatch_exporter_scrape_error gauge",
                    f"cloudwatch_exporter_scrape_error {float(error)}"]
        return "\n".join(out) + "\n"

    def cloudwatch(self) -> list[str]:
        cfg = self.config
        now = dt.datetime.now(dt.timezone.utc)
        families: dict[str, list[str]] = {}
        for rule in cfg.get("metrics", []):
            ns, metric = rule["aws_namespace"], rule["aws_metric_name"]
            dims = rule.get("aws_dimensions") or []
            period = int(rule.get("period_seconds", cfg.get("period_seconds", 60)))
            delay = int(rule.get("delay_seconds", cfg.get("delay_seconds", 600)))
            rng = int(rule.get("range_seconds", cfg.get("range_seconds", 600)))
            stats = rule.get("aws_statistics") or ["Sum", "SampleCount", "Minimum", "Maximum", "Average"]
            listed, token = [], None
            while True:
                self.count(ns, "listMetrics")
                page = self.cw.list_metrics(Namespace=ns, MetricName=metric, **({"NextToken": token} if token else {}))
                listed += page["Metrics"]
                token = page.get("NextToken")
                if not token:
                    break
            # moto lists a multi-dimension metric once per datapoint put: de-duplicate the dimension sets.
            unique = {tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed}
            sets = [[{"Name": n, "Value": v} for n, v in key] for key in sorted(unique)
                    if sorted(n for n, _ in key) == sorted(dims)]
            base = safe_name(ns.lower() + "_" + snake(metric))
            job = safe_name(ns.lower())
            for dimset in sets:
                self.count(ns, "getMetricStatistics")
                self.requested[(ns, metric)] = self.requested.get((ns, metric), 0) + 1
                points = self.cw.get_metric_statistics(
                    Namespace=ns, MetricName=metric, Dimensions=dimset, Period=period, Statistics=stats,
                    StartTime=now - dt.timedelta(seconds=delay + rng),
                    EndTime=now - dt.timedelta(seconds=delay))["Datapoints"]
                if not points:
                    continue
                latest = max(points, key=lambda p: p["Timestamp"])
                by_name = {d["Name"]: d["Value"] for d in dimset}
                labels = [("job", job), ("instance", "")]
                labels += [(safe_label(snake(n)), by_name[n]) for n in dims]
                lb_key = by_name.get("LoadBalancerName") or by_name.get("LoadBalancer")
                lb = self.lbs.get(lb_key or "")
                if "TargetGroup" in by_name:
                    labels += self.target_group_labels(by_name["TargetGroup"], lb_key or "")[0]
                elif lb:
                    labels += k8s_labels(lb["tags"])
                ts = int(latest["Timestamp"].timestamp() * 1000)
                for stat in stats:
                    if stat in latest:
                        name = f"{base}_{snake(stat)}"
                        families.setdefault(name, []).append(
                            f"{name}{labels_text(labels)} {java_double(latest[stat])} {ts}")
        out = []
        for name, lines in families.items():
            out += [f"# HELP {name} CloudWatch metric (fake exporter)", f"# TYPE {name} gauge", *lines]
        return out


class Handler(BaseHTTPRequestHandler):
    fake: Fake

    def send(self, code: int, body: str, ctype: str = "text/plain; version=0.0.4; charset=utf-8") -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self.send(200, self.fake.scrape())
        elif path in ("/-/healthy", "/-/ready"):
            self.send(200, "OK\n")
        else:
            self.send(404, "not found\n")

    def do_POST(self) -> None:
        if self.path == "/-/reload":
            try:
                self.fake.config = self.fake.load()
                self.send(200, "reloaded\n")
            except Exception as exc:
                self.send(500, f"reload failed: {exc}\n")
        else:
            self.send(405, "method not allowed\n")

    def log_message(self, fmt: str, *args) -> None:
        pass


def main(argv: list[str]) -> int:
    if argv[:1] == ["check-config"]:
        with open(argv[1]) as f:
            yaml.safe_load(f)
        print("config OK (fake exporter: YAML syntax only)")
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("port", nargs="?")
    p.add_argument("config", nargs="?")
    p.add_argument("--web.listen-address", dest="listen")
    p.add_argument("--config.file", dest="config_file")
    p.add_argument("--log.level", dest="log_level", default="info")
    a = p.parse_args(argv)
    # Loopback by default (the real exporter listens on all interfaces): this is a dev aid, not a server to expose.
    host, port = "127.0.0.1", int(a.port or 9106)
    if a.listen:
        host, _, port_s = a.listen.rpartition(":")
        port = int(port_s)
    Handler.fake = Fake(a.config_file or a.config)
    server = ThreadingHTTPServer((host or "127.0.0.1", port), Handler)
    print(f"fake exporter listening on {host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
