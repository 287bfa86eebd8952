#!/usr/bin/env python3
"""Seed a running moto_server with Kubernetes-style load balancers, target groups and CloudWatch datapoints.

What it creates (idempotently: re-running against the same moto reuses what exists):

* a VPC with two subnets (ELBv2 refuses to create load balancers without them);
* classic ELBs named like the in-tree cloud provider names them (``a`` + 31 hex chars of the Service UID), tagged
  ``kubernetes.io/service-name=<ns>/<svc>`` and ``kubernetes.io/cluster/demo=owned``; one also carries the user tag
  ``service=<svc>`` that the legacy ``aws_elb_tags`` join of product.md needs;
* ALBs and NLBs tagged and named as their controllers tag and name them, each with listeners forwarding to its
  target groups (so DescribeTargetGroups reports the load balancer) and three registered IP targets per group:
  - ALBs of Ingresses (AWS Load Balancer Controller): ``ingress.k8s.aws/stack`` = ``<ns>/<ingress>`` (implicit
    group, e.g. ``shop/web`` in front of Service ``frontend``) or the group name (the explicit IngressGroup
    ``shop-group`` of the Ingresses ``shop/checkout`` and ``shop/cart``, in front of Services ``checkout-api`` and
    ``cart``), ``ingress.k8s.aws/resource=LoadBalancer``, ``elbv2.k8s.aws/cluster``; one target group per backend
    Service, tagged ``ingress.k8s.aws/stack`` and ``ingress.k8s.aws/resource=<ns>/<ingress>-<svc>:<port>``, named
    ``k8s-<ns 8>-<svc 8>-<10 hex>`` (non-alphanumerics removed); an explicit group's ALB is named
    ``k8s-<group 17>-<10 hex>``;
  - an ALB for a Service and an NLB for a Service from the controller: ``service.k8s.aws/stack=<ns>/<svc>``, target
    group ``service.k8s.aws/resource=<ns>/<svc>:<port>``;
  - an in-tree NLB (``a`` + 31 hex of the UID) whose target group carries the load balancer's tags,
    ``kubernetes.io/service-name`` among them;
* with ``--many N``, N more tagged classic ELBs (to make the exporter page through DescribeLoadBalancers).

Then datapoints, with the dimensions CloudWatch really uses: AWS/ELB ``LoadBalancerName``; AWS/ApplicationELB
``LoadBalancer=app/<name>/<id>`` for the load balancer and ``TargetGroup=targetgroup/<name>/<id>`` +
``LoadBalancer`` per target group (requests, response time, 2xx/4xx/5xx, requests per target, host counts); the
ALB's own RequestCount is its target groups' plus the requests it answered itself; AWS/NetworkELB
``LoadBalancer=net/<name>/<id>`` (flows, bytes, resets) and per target group (host counts). moto returns NLB ARNs as
``loadbalancer/app/...``, so the ``net/`` dimension is derived from the LB ``Type`` the way the exporter derives
it. The ``TargetGroup`` value is the target group ARN after the account's ``:``.

The data tells a story the alerts can see: ``shop/frontend`` answers 30 % of its requests with 5xx (its classic ELB
and its target group on the ALB of the ``shop/web`` Ingress), so does ``shop/cart`` behind the IngressGroup's ALB
(while ``shop/checkout-api`` beside it is healthy), the NLB of ``payments/ledger`` has no healthy hosts, and
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

# (kind, namespace, k8s object name, story, extra). kind: classic | alb-ingress (an Ingress with an implicit group)
# | alb-group (an explicit IngressGroup: name = the group; extra["ingresses"] = [(ingress, backend Service)]) |
# alb-service | nlb (AWS Load Balancer Controller) | nlb-intree (cloud provider). A target group's story is its
# backend's (extra["stories"]), else the load balancer's.
TOPOLOGY = [
    ("classic", "default", "test-service", "healthy", {"user_service_tag": True}),
    ("classic", "shop", "frontend", "high_5xx", {}),
    ("classic", "payments", "api", "healthy", {}),
    ("alb-ingress", "shop", "web", "high_5xx", {"backends": ["frontend"]}),
    ("alb-ingress", "default", "docs", "healthy", {"backends": ["docs"]}),
    ("alb-group", "shop", "shop-group", "healthy", {"ingresses": [("checkout", "checkout-api"), ("cart", "cart")],
                                                    "stories": {"cart": "high_5xx"}}),
    ("alb-service", "payments", "checkout", "healthy", {}),
    ("nlb", "payments", "ledger", "no_healthy_hosts", {"port": 5432}),
    ("nlb-intree", "default", "dns", "healthy", {"port": 53}),
]
# Services that exist in the cluster (for kube-state-metrics) without a load balancer of their own.
BACKEND_ONLY_SERVICES = [("default", "docs")]
PODS_PER_SERVICE = 3
SERVICE_PORT = 80

ELB_METRICS = ["RequestCount", "Latency", "HTTPCode_Backend_5XX", "HTTPCode_ELB_5XX", "HealthyHostCount",
               "UnHealthyHostCount"]
ALB_METRICS = ["RequestCount", "TargetResponseTime", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"]
ALB_TARGET_GROUP_METRICS = ["RequestCount", "TargetResponseTime", "HTTPCode_Target_2XX_Count",
                            "HTTPCode_Target_4XX_Count", "HTTPCode_Target_5XX_Count", "RequestCountPerTarget",
                            "HealthyHostCount", "UnHealthyHostCount"]
NLB_METRICS = ["NewFlowCount", "ActiveFlowCount", "ProcessedBytes", "TCP_Target_Reset_Count"]
NLB_TARGET_GROUP_METRICS = ["HealthyHostCount", "UnHealthyHostCount"]
UNITS = {"Latency": "Seconds", "TargetResponseTime": "Seconds", "ProcessedBytes": "Bytes",
         "HealthyHostCount": "Count", "UnHealthyHostCount": "Count"}
# Metrics whose per-minute value is a sum of events (split across 10-s stream points); the others are levels.
ADDITIVE = {"RequestCount", "HTTPCode_Backend_5XX", "HTTPCode_ELB_5XX", "HTTPCode_Target_5XX_Count",
            "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_2XX_Count", "HTTPCode_Target_4XX_Count",
            "RequestCountPerTarget", "NewFlowCount", "ProcessedBytes", "TCP_Target_Reset_Count"}


def classic_name(uid: str) -> str:
    """In-tree cloud provider: "a" + the UID without dashes, truncated to 32 characters."""
    return ("a" + uid.replace("-", ""))[:32]


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def _digest(seed: str) -> str:
    return hashlib.sha256(f"{CLUSTER}/{seed}".encode()).hexdigest()[:10]


def controller_name(namespace: str, name: str, seed: str) -> str:
    """AWS Load Balancer Controller (and the in-tree NLB target groups): k8s-%.8s-%.8s-%.10s (non-alphanumerics
    stripped, hex hash)."""
    return f"k8s-{_alnum(namespace)[:8]}-{_alnum(name)[:8]}-{_digest(seed)}"


def group_name(group: str, seed: str) -> str:
    """The ALB of an explicit IngressGroup: k8s-%.17s-%.10s."""
    return f"k8s-{_alnum(group)[:17]}-{_digest(seed)}"


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


def ensure_lb_v2(elbv2, name: str, lb_type: str, subnets: list[str], tags: dict[str, str]) -> dict:
    try:
        return elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except elbv2.exceptions.LoadBalancerNotFoundException:
        return elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=lb_type, Scheme="internet-facing",
                                          Tags=tags_list(tags))["LoadBalancers"][0]


def ensure_target_group(elbv2, name: str, lb_type: str, port: int, vpc_id: str, tags: dict[str, str],
                        target_ips: list[str]) -> dict:
    """A target group of IP targets (pods), tagged as its controller tags it, with the pods registered."""
    try:
        return elbv2.describe_target_groups(Names=[name])["TargetGroups"][0]
    except elbv2.exceptions.TargetGroupNotFoundException:
        proto = "HTTP" if lb_type == "application" else "TCP"
        tg = elbv2.create_target_group(Name=name, Protocol=proto, Port=port, VpcId=vpc_id, TargetType="ip",
                                       Tags=tags_list(tags))["TargetGroups"][0]
        elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                               Targets=[{"Id": ip, "Port": port} for ip in target_ips])
        return tg


def ensure_listener(elbv2, lb: dict, lb_type: str, port: int, target_groups: list[dict]) -> None:
    """A listener forwarding to the first target group, and one path rule per further target group (as an Ingress
    with several backends, or an IngressGroup, routes)."""
    if elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        return
    proto = "HTTP" if lb_type == "application" else "TCP"
    listener = elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol=proto, Port=port,
                                     DefaultActions=[{"Type": "forward",
                                                      "TargetGroupArn": target_groups[0]["TargetGroupArn"]}])
    for priority, tg in enumerate(target_groups[1:], start=1):
        elbv2.create_rule(ListenerArn=listener["Listeners"][0]["ListenerArn"], Priority=priority,
                          Conditions=[{"Field": "path-pattern", "Values": [f"/{priority}/*"]}],
                          Actions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])


def v2_dimension(lb: dict) -> str:
    """CloudWatch LoadBalancer dimension: the ARN suffix after "loadbalancer/", with the type prefix taken from
    Type because moto writes NLB ARNs as loadbalancer/app/..."""
    suffix = lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
    _, name, lb_id = suffix.split("/", 2)
    prefix = {"application": "app", "network": "net", "gateway": "gwy"}[lb["Type"]]
    return f"{prefix}/{name}/{lb_id}"


def target_group_dimension(arn: str) -> str:
    """CloudWatch's TargetGroup dimension: the ARN after the account's ":" (targetgroup/<name>/<id>)."""
    return arn.split(":", 5)[5]


def create_all(endpoint: str, many: int) -> dict:
    ec2, elb, elbv2, _ = clients(endpoint)
    vpc_id, subnets = ensure_network(ec2)
    lbs = []
    services: dict[tuple[str, str], dict] = {}
    ingresses = []
    pod_ips = iter(f"10.42.{1 + i % 2}.{10 + i}" for i in range(200))

    def add_service(ns: str, svc: str, story: str) -> dict:
        entry = services.setdefault((ns, svc), {"namespace": ns, "service": svc, "uid": service_uid(ns, svc),
                                                "pods": PODS_PER_SERVICE, "story": "healthy",
                                                "load_balancers": [], "fronted_by": []})
        if story != "healthy":
            entry["story"] = story
        return entry

    for kind, ns, obj, story, extra in TOPOLOGY:
        if kind == "classic":
            uid = service_uid(ns, obj)
            name = classic_name(uid)
            tags = {"kubernetes.io/service-name": f"{ns}/{obj}", f"kubernetes.io/cluster/{CLUSTER}": "owned"}
            if extra.get("user_service_tag"):
                tags["service"] = obj
            ensure_classic(elb, name, tags)
            entry = add_service(ns, obj, story)
            entry["load_balancers"].append(name)
            entry["fronted_by"].append({"kind": "classic", "load_balancer": name})
            lbs.append({"kind": "classic", "type": "classic", "name": name, "cw_namespace": "AWS/ELB",
                        "dimensions": {"LoadBalancerName": name}, "target_groups": [],
                        "metrics": ELB_METRICS, "tags": tags, "story": story,
                        "expected_labels": {"namespace": ns, "service": obj, "cluster": CLUSTER},
                        "label_dimension": {"load_balancer_name": name}})
            continue
        lb_type = "network" if kind.startswith("nlb") else "application"
        port = extra.get("port", SERVICE_PORT)
        # (backend Service, target group tags, the Ingress when the ALB has one of its own)
        backends: list[tuple[str, dict[str, str], str | None]] = []
        if kind == "alb-ingress":
            stack = f"{ns}/{obj}"
            tags = {"ingress.k8s.aws/stack": stack, "ingress.k8s.aws/resource": "LoadBalancer",
                    "elbv2.k8s.aws/cluster": CLUSTER}
            expected = {"namespace": ns, "ingress": obj, "cluster": CLUSTER}
            name = controller_name(ns, obj, f"{kind}/{ns}/{obj}")
            ingresses.append({"namespace": ns, "ingress": obj, "backends": extra["backends"], "story": story,
                              "group": None, "load_balancer": name})
            for backend in extra["backends"]:
                backends.append((backend, {"ingress.k8s.aws/stack": stack,
                                           "ingress.k8s.aws/resource": f"{ns}/{obj}-{backend}:{port}",
                                           "elbv2.k8s.aws/cluster": CLUSTER}, obj))
        elif kind == "alb-group":
            tags = {"ingress.k8s.aws/stack": obj, "ingress.k8s.aws/resource": "LoadBalancer",
                    "elbv2.k8s.aws/cluster": CLUSTER}
            # The stack tag is the group's name, not <ns>/<name>: the ALB's own series get only the cluster.
            expected = {"cluster": CLUSTER}
            name = group_name(obj, f"{kind}/{obj}")
            for ingress, backend in extra["ingresses"]:
                ingresses.append({"namespace": ns, "ingress": ingress, "backends": [backend],
                                  "story": extra["stories"].get(backend, story), "group": obj,
                                  "load_balancer": name})
                backends.append((backend, {"ingress.k8s.aws/stack": obj,
                                           "ingress.k8s.aws/resource": f"{ns}/{ingress}-{backend}:{port}",
                                           "elbv2.k8s.aws/cluster": CLUSTER}, None))
        elif kind == "nlb-intree":
            tags = {"kubernetes.io/service-name": f"{ns}/{obj}", f"kubernetes.io/cluster/{CLUSTER}": "owned"}
            expected = {"namespace": ns, "service": obj, "cluster": CLUSTER}
            name = classic_name(service_uid(ns, obj))
            backends.append((obj, dict(tags), None))  # the in-tree provider tags its target groups alike
        else:  # alb-service, nlb: the AWS Load Balancer Controller for a Service
            tags = {"service.k8s.aws/stack": f"{ns}/{obj}", "service.k8s.aws/resource": "LoadBalancer",
                    "elbv2.k8s.aws/cluster": CLUSTER}
            expected = {"namespace": ns, "service": obj, "cluster": CLUSTER}
            name = controller_name(ns, obj, f"{kind}/{ns}/{obj}")
            backends.append((obj, {"service.k8s.aws/stack": f"{ns}/{obj}",
                                   "service.k8s.aws/resource": f"{ns}/{obj}:{port}",
                                   "elbv2.k8s.aws/cluster": CLUSTER}, None))
        lb = ensure_lb_v2(elbv2, name, lb_type, subnets, tags)
        dim = v2_dimension(lb)
        tgs, tg_objects = [], []
        for backend, tg_tags, ingress in backends:
            tg_story = extra.get("stories", {}).get(backend, story)
            tg = ensure_target_group(elbv2, controller_name(ns, backend, f"tg/{kind}/{name}/{ns}/{backend}"),
                                     lb_type, port, vpc_id, tg_tags, [next(pod_ips) for _ in range(PODS_PER_SERVICE)])
            tg_objects.append(tg)
            entry = add_service(ns, backend, tg_story)
            if kind in ("alb-ingress", "alb-group"):
                via = f"Ingress {ns}/{ingress}" if ingress else f"IngressGroup {obj}"
                entry["fronted_by"].append({"kind": "alb", "load_balancer": name, "via": via})
            else:
                entry["load_balancers"].append(name)
                entry["fronted_by"].append({"kind": "nlb" if lb_type == "network" else "alb", "load_balancer": name})
            tg_expected = {"namespace": ns, "service": backend, "cluster": CLUSTER}
            if ingress:
                tg_expected["ingress"] = ingress
            tgs.append({"name": tg["TargetGroupName"], "arn": tg["TargetGroupArn"],
                        "dimension": target_group_dimension(tg["TargetGroupArn"]), "namespace": ns,
                        "service": backend, "port": port, "ingress": ingress, "tags": tg_tags, "story": tg_story,
                        "expected_labels": tg_expected})
        ensure_listener(elbv2, lb, lb_type, port, tg_objects)
        lbs.append({"kind": kind, "type": lb_type, "name": name, "arn": lb["LoadBalancerArn"],
                    "cw_namespace": "AWS/NetworkELB" if lb_type == "network" else "AWS/ApplicationELB",
                    "dimensions": {"LoadBalancer": dim}, "target_groups": tgs,
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

    stories: dict[str, list[dict]] = {"high_5xx": [], "no_healthy_hosts": []}
    for entry in sorted(services.values(), key=lambda e: (e["namespace"], e["service"])):
        if entry["story"] in stories:
            stories[entry["story"]].append({"namespace": entry["namespace"], "service": entry["service"]})
    for ing in ingresses:
        if ing["story"] in stories and ing["group"] is None:
            stories[ing["story"]].append({"namespace": ing["namespace"], "ingress": ing["ingress"]})
    return {
        "endpoint": endpoint, "region": REGION, "cluster": CLUSTER, "vpc_id": vpc_id, "subnets": subnets,
        "load_balancers": lbs, "services": sorted(services.values(), key=lambda s: (s["namespace"], s["service"])),
        "ingresses": ingresses, "many": extra_names, "stories": stories,
        "legacy_join_service": {"namespace": "default", "service": "test-service"},
    }


def _five(req: float, story: str, rnd: random.Random) -> float:
    return round(req * 0.3) if story == "high_5xx" else float(rnd.randint(0, 2))


def per_minute_values(lb: dict, rnd: random.Random) -> list[tuple[dict[str, str], dict[str, float]]]:
    """One minute of traffic for one load balancer, shaped by its story (and its target groups' stories): a list of
    (dimensions, metric values), the load balancer's own and one per target group."""
    story = lb["story"]
    hosts = float(PODS_PER_SERVICE)
    if lb["type"] == "classic":
        req = float(rnd.randint(500, 700))
        return [(lb["dimensions"], {
            "RequestCount": req, "Latency": round(rnd.uniform(0.04, 0.12), 4),
            "HTTPCode_Backend_5XX": _five(req, story, rnd),
            "HTTPCode_ELB_5XX": float(rnd.randint(15, 25)) if story == "high_5xx" else 0.0,
            "HealthyHostCount": 0.0 if story == "no_healthy_hosts" else hosts,
            "UnHealthyHostCount": hosts if story == "no_healthy_hosts" else 0.0})]
    out = []
    if lb["type"] == "application":
        total_req = total_five = weighted = 0.0
        for tg in lb["target_groups"]:
            req = float(rnd.randint(500, 700))
            five, four = _five(req, tg["story"], rnd), float(rnd.randint(5, 20))
            response_time = round(rnd.uniform(0.02, 0.09), 4)
            healthy = 0.0 if tg["story"] == "no_healthy_hosts" else hosts
            out.append(({"TargetGroup": tg["dimension"], **lb["dimensions"]}, {
                "RequestCount": req, "TargetResponseTime": response_time,
                "HTTPCode_Target_2XX_Count": req - five - four,
                "HTTPCode_Target_4XX_Count": four, "HTTPCode_Target_5XX_Count": five,
                "RequestCountPerTarget": round(req / healthy, 4) if healthy else req,
                "HealthyHostCount": healthy, "UnHealthyHostCount": hosts - healthy}))
            total_req, total_five, weighted = total_req + req, total_five + five, weighted + req * response_time
        # The ALB's own figures: its target groups' plus the requests it answered itself (its own 5xx).
        elb_five = float(rnd.randint(15, 25)) if story == "high_5xx" else 0.0
        out.insert(0, (lb["dimensions"], {
            "RequestCount": total_req + elb_five, "TargetResponseTime": round(weighted / total_req, 4),
            "HTTPCode_Target_5XX_Count": total_five, "HTTPCode_ELB_5XX_Count": elb_five}))
        return out
    dead = story == "no_healthy_hosts"
    out.append((lb["dimensions"], {
        "NewFlowCount": float(rnd.randint(100, 200)), "ActiveFlowCount": float(rnd.randint(20, 40)),
        "ProcessedBytes": float(rnd.randint(2_000_000, 4_000_000)),
        "TCP_Target_Reset_Count": float(rnd.randint(50, 80)) if dead else 0.0}))
    for tg in lb["target_groups"]:
        healthy = 0.0 if tg["story"] == "no_healthy_hosts" else hosts
        out.append(({"TargetGroup": tg["dimension"], **lb["dimensions"]},
                    {"HealthyHostCount": healthy, "UnHealthyHostCount": hosts - healthy}))
    return out


def datums_for(summary: dict, when: dt.datetime, rnd: random.Random, fraction: float) -> dict[str, list[dict]]:
    """Datums by CloudWatch namespace; additive metrics are scaled by ``fraction`` of a minute."""
    out: dict[str, list[dict]] = {}
    for lb in summary["load_balancers"]:
        for dims, values in per_minute_values(lb, rnd):
            for metric, value in values.items():
                v = value * fraction if metric in ADDITIVE else value
                out.setdefault(lb["cw_namespace"], []).append({
                    "MetricName": metric, "Timestamp": when, "Value": round(v, 4),
                    "Unit": UNITS.get(metric, "Count"),
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
