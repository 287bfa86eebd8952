#!/usr/bin/env python3
"""Seed a running moto_server with Kubernetes-style load balancers and CloudWatch datapoints.

What it creates (idempotently: re-running against the same moto reuses what exists):

* a VPC with two subnets (ELBv2 refuses to create load balancers without them);
* classic ELBs named like the in-tree cloud provider names them (``a`` + 31 hex chars of the Service UID), tagged
  ``kubernetes.io/service-name=<ns>/<svc>`` and ``kubernetes.io/cluster/demo=owned``; one also carries the user tag
  ``service=<svc>`` that the legacy ``aws_elb_tags`` join of product.md needs;
* ALBs named ``k8s-<ns>-<name>-<hash>`` for Ingresses (``ingress.k8s.aws/stack``) and one for a Service
  (``service.k8s.aws/stack``), NLBs for Services (``service.k8s.aws/stack``), all with ``elbv2.k8s.aws/cluster=demo``
  and one target group each (ALB/NLB host counts are per TargetGroup + LoadBalancer in CloudWatch);
* with ``--many N``, N more tagged classic ELBs (to make the exporter page through DescribeLoadBalancers).

Then datapoints, with the dimensions CloudWatch really uses: AWS/ELB ``LoadBalancerName``; AWS/ApplicationELB
``LoadBalancer=app/<name>/<id>`` (+ ``TargetGroup`` for host counts); AWS/NetworkELB ``LoadBalancer=net/<name>/<id>``.
moto returns NLB ARNs as ``loadbalancer/app/...``, so the ``net/`` dimension is derived from the LB ``Type`` the way
the exporter derives it.

The data tells a story the alerts can see: ``shop/frontend`` answers 30 % of its requests with 5xx (its classic ELB
and the ALB of the ``shop/web`` Ingress that routes to it), the NLB of ``payments/ledger`` has no healthy hosts, and
everything else is healthy.

``--once`` writes a 15-minute backlog at 1-minute resolution; ``--stream SECONDS`` keeps putting datapoints stamped
"now" every 10 s (0 = until interrupted). ``--summary FILE`` gets a JSON description of everything created.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import signal
import sys
import time
import uuid

import boto3
from botocore.config import Config

CLUSTER = "demo"
REGION = "us-east-1"
# Stable namespace for uuid5 so Service UIDs, and hence classic ELB names, are the same on every run.
UID_NAMESPACE = uuid.UUID("6f1c2b1e-3a7d-4c1e-9a55-0c7e0d3b2a10")
# boto3 gzips PutMetricData bodies over 10 KiB and moto_server answers those with 500: keep batches small
# (and switch compression off as well).
PUT_BATCH = 15
STREAM_INTERVAL_SECONDS = 10

# (kind, namespace, k8s object name, story, extra). kind: classic | alb-ingress | alb-service | nlb.
TOPOLOGY = [
    ("classic", "default", "test-service", "healthy", {"user_service_tag": True}),
    ("classic", "shop", "frontend", "high_5xx", {}),
    ("classic", "payments", "api", "healthy", {}),
    ("alb-ingress", "shop", "web", "high_5xx", {"backends": ["frontend"]}),
    ("alb-ingress", "default", "docs", "healthy", {"backends": ["docs"]}),
    ("alb-service", "payments", "checkout", "healthy", {}),
    ("nlb", "payments", "ledger", "no_healthy_hosts", {}),
    ("nlb", "default", "dns", "healthy", {}),
]
# Services that exist in the cluster (for kube-state-metrics) without a load balancer of their own.
BACKEND_ONLY_SERVICES = [("default", "docs")]
PODS_PER_SERVICE = 3

ELB_METRICS = ["RequestCount", "Latency", "HTTPCode_Backend_5XX", "HTTPCode_ELB_5XX", "HealthyHostCount",
               "UnHealthyHostCount"]
ALB_METRICS = ["RequestCount", "TargetResponseTime", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count",
               "HealthyHostCount", "UnHealthyHostCount"]
NLB_METRICS = ["NewFlowCount", "ActiveFlowCount", "ProcessedBytes", "HealthyHostCount", "UnHealthyHostCount",
               "TCP_Target_Reset_Count"]
# Host counts are published per target group for ALB and NLB.
PER_TARGET_GROUP = {"HealthyHostCount", "UnHealthyHostCount"}
UNITS = {"Latency": "Seconds", "TargetResponseTime": "Seconds", "ProcessedBytes": "Bytes",
         "HealthyHostCount": "Count", "UnHealthyHostCount": "Count"}
# Metrics whose per-minute value is a sum of events (split across 10-s stream points); the others are levels.
ADDITIVE = {"RequestCount", "HTTPCode_Backend_5XX", "HTTPCode_ELB_5XX", "HTTPCode_Target_5XX_Count",
            "HTTPCode_ELB_5XX_Count", "NewFlowCount", "ProcessedBytes", "TCP_Target_Reset_Count"}


def classic_name(uid: str) -> str:
    """In-tree cloud provider: "a" + the UID without dashes, truncated to 32 characters."""
    return ("a" + uid.replace("-", ""))[:32]


def controller_name(namespace: str, name: str, seed: str) -> str:
    """AWS Load Balancer Controller: k8s-%.8s-%.8s-%.10s (non-alphanumerics stripped, hex hash)."""
    strip = lambda s: re.sub(r"[^A-Za-z0-9]", "", s)  # noqa: E731
    digest = hashlib.sha256(f"{CLUSTER}/{seed}".encode()).hexdigest()
    return f"k8s-{strip(namespace)[:8]}-{strip(name)[:8]}-{digest[:10]}"


def service_uid(namespace: str, service: str) -> str:
    # The demo cluster's names stay what they always were; another cluster (a second region) gets its own.
    key = f"{namespace}/{service}" if CLUSTER == "demo" else f"{CLUSTER}/{namespace}/{service}"
    return str(uuid.uuid5(UID_NAMESPACE, key))


def clients(endpoint: str):
    cfg = Config(region_name=REGION, disable_request_compression=True, retries={"max_attempts": 3})
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
              aws_secret_access_key="testing", config=cfg)
    return (boto3.client("ec2", **kw), boto3.client("elb", **kw), boto3.client("elbv2", **kw),
            boto3.client("cloudwatch", **kw))


def ensure_network(ec2) -> tuple[str, list[str]]:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["cwte-demo"]}])["Vpcs"]
    if vpcs:
        vpc_id = vpcs[0]["VpcId"]
    else:
        vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": "cwte-demo"}])
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    if len(subnets) < 2:
        for i, az in enumerate([REGION + "a", REGION + "b"]):
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.42.{i + 1}.0/24", AvailabilityZone=az)
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    return vpc_id, sorted(s["SubnetId"] for s in subnets)[:2]


def tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def ensure_classic(elb, name: str, tags: dict[str, str]) -> None:
    try:
        elb.describe_load_balancers(LoadBalancerNames=[name])
    except elb.exceptions.AccessPointNotFoundException:
        elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 30080}],
            AvailabilityZones=[REGION + "a", REGION + "b"],
            Tags=tags_list(tags),
        )


def ensure_v2(elbv2, name: str, lb_type: str, subnets: list[str], vpc_id: str, tg_name: str,
              tags: dict[str, str]) -> tuple[dict, dict]:
    try:
        lb = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except elbv2.exceptions.LoadBalancerNotFoundException:
        lb = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=lb_type, Scheme="internet-facing",
                                        Tags=tags_list(tags))["LoadBalancers"][0]
    try:
        tg = elbv2.describe_target_groups(Names=[tg_name])["TargetGroups"][0]
    except elbv2.exceptions.TargetGroupNotFoundException:
        proto = "HTTP" if lb_type == "application" else "TCP"
        tg = elbv2.create_target_group(Name=tg_name, Protocol=proto, Port=8080, VpcId=vpc_id, TargetType="ip",
                                       Tags=tags_list(tags))["TargetGroups"][0]
    return lb, tg


def v2_dimension(lb: dict) -> str:
    """CloudWatch LoadBalancer dimension: the ARN suffix after "loadbalancer/", with the type prefix taken from
    Type because moto writes NLB ARNs as loadbalancer/app/..."""
    suffix = lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
    _, name, lb_id = suffix.split("/", 2)
    prefix = {"application": "app", "network": "net", "gateway": "gwy"}[lb["Type"]]
    return f"{prefix}/{name}/{lb_id}"


def create_all(endpoint: str, many: int) -> dict:
    ec2, elb, elbv2, _ = clients(endpoint)
    vpc_id, subnets = ensure_network(ec2)
    lbs = []
    services: dict[tuple[str, str], dict] = {}
    ingresses = []

    def add_service(ns: str, svc: str, story: str) -> None:
        entry = services.setdefault((ns, svc), {"namespace": ns, "service": svc, "uid": service_uid(ns, svc),
                                                "pods": PODS_PER_SERVICE, "story": "healthy",
                                                "load_balancers": []})
        if story != "healthy":
            entry["story"] = story

    for kind, ns, obj, story, extra in TOPOLOGY:
        if kind == "classic":
            uid = service_uid(ns, obj)
            name = classic_name(uid)
            tags = {"kubernetes.io/service-name": f"{ns}/{obj}", f"kubernetes.io/cluster/{CLUSTER}": "owned"}
            if extra.get("user_service_tag"):
                tags["service"] = obj
            ensure_classic(elb, name, tags)
            add_service(ns, obj, story)
            services[(ns, obj)]["load_balancers"].append(name)
            lbs.append({"kind": "classic", "type": "classic", "name": name, "cw_namespace": "AWS/ELB",
                        "dimensions": {"LoadBalancerName": name}, "target_group_dimensions": None,
                        "metrics": ELB_METRICS, "tags": tags, "story": story,
                        "expected_labels": {"namespace": ns, "service": obj, "cluster": CLUSTER},
                        "label_dimension": {"load_balancer_name": name}})
            continue
        lb_type = "network" if kind == "nlb" else "application"
        if kind == "alb-ingress":
            tags = {"ingress.k8s.aws/stack": f"{ns}/{obj}", "ingress.k8s.aws/resource": "LoadBalancer",
                    "elbv2.k8s.aws/cluster": CLUSTER}
            expected = {"namespace": ns, "ingress": obj, "cluster": CLUSTER}
            ingresses.append({"namespace": ns, "ingress": obj, "backends": extra["backends"], "story": story})
            for backend in extra["backends"]:
                add_service(ns, backend, story)
        else:
            tags = {"service.k8s.aws/stack": f"{ns}/{obj}", "service.k8s.aws/resource": "LoadBalancer",
                    "elbv2.k8s.aws/cluster": CLUSTER}
            expected = {"namespace": ns, "service": obj, "cluster": CLUSTER}
            add_service(ns, obj, story)
        name = controller_name(ns, obj, f"{kind}/{ns}/{obj}")
        tg_name = controller_name(ns, obj, f"tg/{kind}/{ns}/{obj}")
        lb, tg = ensure_v2(elbv2, name, lb_type, subnets, vpc_id, tg_name, tags)
        dim = v2_dimension(lb)
        tg_dim = tg["TargetGroupArn"].split(":", 5)[5]
        if kind != "alb-ingress":
            services[(ns, obj)]["load_balancers"].append(name)
        lbs.append({"kind": kind, "type": lb_type, "name": name, "arn": lb["LoadBalancerArn"],
                    "cw_namespace": "AWS/NetworkELB" if lb_type == "network" else "AWS/ApplicationELB",
                    "dimensions": {"LoadBalancer": dim},
                    "target_group_dimensions": {"TargetGroup": tg_dim, "LoadBalancer": dim},
                    "target_group_arn": tg["TargetGroupArn"],
                    "metrics": NLB_METRICS if lb_type == "network" else ALB_METRICS, "tags": tags, "story": story,
                    "expected_labels": expected, "label_dimension": {"load_balancer": dim}})
    for ns, svc in BACKEND_ONLY_SERVICES:
        add_service(ns, svc, "healthy")

    extra_names = []
    for i in range(many):
        svc = f"bulk-{i:04d}"
        name = classic_name(service_uid("bulk", svc))
        ensure_classic(elb, name, {"kubernetes.io/service-name": f"bulk/{svc}",
                                   f"kubernetes.io/cluster/{CLUSTER}": "owned"})
        extra_names.append(name)

    return {
        "endpoint": endpoint, "region": REGION, "cluster": CLUSTER, "vpc_id": vpc_id, "subnets": subnets,
        "load_balancers": lbs, "services": sorted(services.values(), key=lambda s: (s["namespace"], s["service"])),
        "ingresses": ingresses, "many": extra_names,
        "stories": {
            "high_5xx": [{"namespace": "shop", "service": "frontend"}, {"namespace": "shop", "ingress": "web"}],
            "no_healthy_hosts": [{"namespace": "payments", "service": "ledger"}],
        },
        "legacy_join_service": {"namespace": "default", "service": "test-service"},
    }


def per_minute_values(lb: dict, rnd: random.Random) -> dict[str, float]:
    """One minute of traffic for one load balancer, shaped by its story."""
    story = lb["story"]
    req = float(rnd.randint(500, 700))
    hosts = float(PODS_PER_SERVICE)
    if lb["type"] == "classic":
        five = round(req * 0.3) if story == "high_5xx" else float(rnd.randint(0, 2))
        return {"RequestCount": req, "Latency": round(rnd.uniform(0.04, 0.12), 4), "HTTPCode_Backend_5XX": five,
                "HTTPCode_ELB_5XX": float(rnd.randint(15, 25)) if story == "high_5xx" else 0.0,
                "HealthyHostCount": 0.0 if story == "no_healthy_hosts" else hosts,
                "UnHealthyHostCount": hosts if story == "no_healthy_hosts" else 0.0}
    if lb["type"] == "application":
        five = round(req * 0.3) if story == "high_5xx" else float(rnd.randint(0, 2))
        return {"RequestCount": req, "TargetResponseTime": round(rnd.uniform(0.02, 0.09), 4),
                "HTTPCode_Target_5XX_Count": five,
                "HTTPCode_ELB_5XX_Count": float(rnd.randint(15, 25)) if story == "high_5xx" else 0.0,
                "HealthyHostCount": 0.0 if story == "no_healthy_hosts" else hosts,
                "UnHealthyHostCount": hosts if story == "no_healthy_hosts" else 0.0}
    dead = story == "no_healthy_hosts"
    return {"NewFlowCount": float(rnd.randint(100, 200)), "ActiveFlowCount": float(rnd.randint(20, 40)),
            "ProcessedBytes": float(rnd.randint(2_000_000, 4_000_000)),
            "HealthyHostCount": 0.0 if dead else hosts, "UnHealthyHostCount": hosts if dead else 0.0,
            "TCP_Target_Reset_Count": float(rnd.randint(50, 80)) if dead else 0.0}


def datums_for(summary: dict, when: dt.datetime, rnd: random.Random, fraction: float) -> dict[str, list[dict]]:
    """Datums by CloudWatch namespace; additive metrics are scaled by ``fraction`` of a minute."""
    out: dict[str, list[dict]] = {}
    for lb in summary["load_balancers"]:
        for metric, value in per_minute_values(lb, rnd).items():
            dims = lb["target_group_dimensions"] if (metric in PER_TARGET_GROUP and lb["target_group_dimensions"]) \
                else lb["dimensions"]
            v = value * fraction if metric in ADDITIVE else value
            out.setdefault(lb["cw_namespace"], []).append({
                "MetricName": metric, "Timestamp": when, "Value": round(v, 4), "Unit": UNITS.get(metric, "Count"),
                "Dimensions": [{"Name": k, "Value": dv} for k, dv in dims.items()]})
    for name in summary["many"]:
        out.setdefault("AWS/ELB", []).append({
            "MetricName": "RequestCount", "Timestamp": when, "Value": round(rnd.randint(10, 50) * fraction, 4),
            "Unit": "Count", "Dimensions": [{"Name": "LoadBalancerName", "Value": name}]})
    return out


def put(cw, by_namespace: dict[str, list[dict]]) -> int:
    n = 0
    for namespace, datums in by_namespace.items():
        for i in range(0, len(datums), PUT_BATCH):
            cw.put_metric_data(Namespace=namespace, MetricData=datums[i:i + PUT_BATCH])
            n += len(datums[i:i + PUT_BATCH])
    return n


def seed_backlog(endpoint: str, summary: dict, minutes: int = 15) -> int:
    cw = clients(endpoint)[3]
    rnd = random.Random(42)
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    total = 0
    for m in range(minutes, 0, -1):
        total += put(cw, datums_for(summary, now - dt.timedelta(minutes=m), rnd, 1.0))
    return total


def stream(endpoint: str, summary: dict, seconds: float) -> None:
    cw = clients(endpoint)[3]
    rnd = random.Random()
    stop = {"now": False}

    def handle(*_):
        stop["now"] = True

    signal.signal(signal.SIGTERM, handle)
    deadline = time.monotonic() + seconds if seconds > 0 else None
    fraction = STREAM_INTERVAL_SECONDS / 60.0
    while not stop["now"] and (deadline is None or time.monotonic() < deadline):
        started = time.monotonic()
        try:
            n = put(cw, datums_for(summary, dt.datetime.now(dt.timezone.utc), rnd, fraction))
            print(f"stream: put {n} datapoints", flush=True)
        except Exception as exc:  # keep streaming through a transient moto hiccup
            print(f"stream: put failed: {exc}", file=sys.stderr, flush=True)
        while not stop["now"] and time.monotonic() - started < STREAM_INTERVAL_SECONDS:
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    global REGION, CLUSTER
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                   help="moto_server URL (default: $AWS_ENDPOINT_URL or http://127.0.0.1:5000)")
    p.add_argument("--once", action="store_true", help="put a 15-minute backlog at 1-minute resolution")
    p.add_argument("--stream", type=float, metavar="SECONDS",
                   help="put fresh datapoints every 10 s for SECONDS (0 = until interrupted)")
    p.add_argument("--many", type=int, default=0, metavar="N", help="also create N extra tagged classic ELBs")
    p.add_argument("--summary", metavar="FILE", help="write a JSON summary of what was created here")
    p.add_argument("--region", default=REGION, help=f"the region to seed (default {REGION})")
    p.add_argument("--cluster", default=CLUSTER,
                   help=f"the Kubernetes cluster the load balancers belong to (default {CLUSTER})")
    args = p.parse_args(argv)
    REGION, CLUSTER = args.region, args.cluster
    if not args.once and args.stream is None:
        args.once = True
    summary = create_all(args.endpoint, args.many)
    if args.summary:
        tmp = args.summary + ".tmp"
        with open(tmp, "w") as f:
            json.dump(summary, f, indent=2, default=str)
        os.replace(tmp, args.summary)
    print(f"seed: {len(summary['load_balancers'])} load balancers (+{len(summary['many'])} extra classic ELBs) "
          f"for {len(summary['services'])} services", flush=True)
    if args.once:
        print(f"seed: put {seed_backlog(args.endpoint, summary)} backlog datapoints", flush=True)
    if args.stream is not None:
        try:
            stream(args.endpoint, summary, args.stream)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
