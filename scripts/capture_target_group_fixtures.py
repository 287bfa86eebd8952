#!/usr/bin/env python3
"""Captures the ELBv2 DescribeTargetGroups and DescribeTags wire fixtures from boto3 against a moto_server.

Usage: python3 scripts/capture_target_group_fixtures.py [--port PORT] [--out Tests/AWSTestSupport/Fixtures]

It starts moto_server on a free loopback port (or uses --endpoint), builds what the AWS Load Balancer Controller
and the in-tree cloud provider would have made for a small shop (a VPC with two subnets; an ALB of the explicit
IngressGroup `shop-group` with target groups for `shop/checkout-api` and `shop/cart`; an NLB of the Service
`payments/ledger`; an in-tree NLB target group; a Lambda target group, which has no port), then writes:

* `elbv2-DescribeTargetGroups.txt`: boto3's request (PageSize=400, as our client sends it) and moto's answer.
  moto 5.2.1 ignores PageSize and Marker for this action: it answers every target group, with no NextMarker.
* `elbv2-DescribeTags-target-groups.txt`: the tags of every target group, by ARN.
* `elbv2-query-DescribeTargetGroups-page1.http` / `-page2.http`: moto's members split in two AWS-shaped pages, the
  first with a NextMarker (moto cannot page this action), and `.parsed.json` beside each: what botocore decodes
  from it. The NLB ARNs there use `loadbalancer/net/` (moto writes `app/` for NLBs too).

Captured requests keep the headers that matter for the protocol (Host rewritten to 127.0.0.1:5077, as in the other
captures; Content-Type, X-Amz-Date, Authorization) and responses the status, Content-Type, request id and CORS
header moto sends.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from xml.dom import minidom

import boto3
import botocore
from botocore.parsers import QueryParser

REGION = "us-east-1"
KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CAPTURE_HOST = "127.0.0.1:5077"
REQUEST_HEADERS = ["Host", "Content-Type", "X-Amz-Date", "Authorization"]
RESPONSE_HEADERS = ["Content-Type", "x-amzn-requestid", "Access-Control-Allow-Origin"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(endpoint: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"moto_server did not answer at {endpoint}")


class Recorder:
    """Keeps the last request boto3 sent and the raw answer it got, per operation."""

    def __init__(self) -> None:
        self.request = None
        self.response = None

    def before_send(self, request, **_):
        self.request = request

    def response_received(self, response_dict, **_):
        self.response = response_dict

    def capture(self) -> str:
        request, response = self.request, self.response
        lines = [f"### REQUEST (captured from boto3 {boto3.__version__}; Host rewritten to moto)", "POST / HTTP/1.1"]
        for name in REQUEST_HEADERS:
            if name == "Host":
                lines.append(f"Host: {CAPTURE_HOST}")
                continue
            value = request.headers.get(name)
            if value is not None:
                lines.append(f"{name}: {value.decode() if isinstance(value, bytes) else value}")
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        lines += ["", body, "", "### RESPONSE (moto_server 5.2.1)", f"HTTP/1.1 {response['status_code']}"]
        for name in RESPONSE_HEADERS:
            value = response["headers"].get(name)
            if value is not None:
                lines.append(f"{name}: {value}")
        lines += ["", response["body"].decode()]
        return "\n".join(lines) + "\n"


def build_shop(elbv2, ec2) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for zone, cidr in [("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")]
    ]
    cluster = {"Key": "elbv2.k8s.aws/cluster", "Value": "demo"}
    alb = elbv2.create_load_balancer(
        Name="k8s-shopgroup-3c9d1e0a7b",
        Subnets=subnets,
        Type="application",
        Tags=[cluster, {"Key": "ingress.k8s.aws/stack", "Value": "shop-group"},
              {"Key": "ingress.k8s.aws/resource", "Value": "LoadBalancer"}],
    )["LoadBalancers"][0]["LoadBalancerArn"]
    nlb = elbv2.create_load_balancer(
        Name="k8s-payments-ledger-5e1f2a3b4c",
        Subnets=subnets,
        Type="network",
        Tags=[cluster, {"Key": "service.k8s.aws/stack", "Value": "payments/ledger"},
              {"Key": "service.k8s.aws/resource", "Value": "LoadBalancer"}],
    )["LoadBalancers"][0]["LoadBalancerArn"]

    def target_group(name, protocol, port, target_type, tags):
        arguments = {"Name": name, "TargetType": target_type, "Tags": tags}
        if target_type != "lambda":
            arguments.update(Protocol=protocol, Port=port, VpcId=vpc)
        return elbv2.create_target_group(**arguments)["TargetGroups"][0]["TargetGroupArn"]

    ingress_stack = {"Key": "ingress.k8s.aws/stack", "Value": "shop-group"}
    checkout = target_group(
        "k8s-shop-checkout-9f8e7d6c5b", "HTTP", 8080, "ip",
        [cluster, ingress_stack, {"Key": "ingress.k8s.aws/resource", "Value": "shop/shop-web-checkout-api:8080"}],
    )
    cart = target_group(
        "k8s-shop-cart-0123456789", "HTTP", 8080, "ip",
        [cluster, ingress_stack, {"Key": "ingress.k8s.aws/resource", "Value": "shop/shop-web-cart:http"}],
    )
    ledger = target_group(
        "k8s-payments-ledger-a1b2c3d4e5", "TCP", 31443, "instance",
        [cluster, {"Key": "service.k8s.aws/stack", "Value": "payments/ledger"},
         {"Key": "service.k8s.aws/resource", "Value": "payments/ledger:443"}],
    )
    target_group(
        "k8s-default-legacy-b7c8d9e0f1", "TCP", 30080, "instance",
        [{"Key": "kubernetes.io/service-name", "Value": "default/legacy"},
         {"Key": "kubernetes.io/cluster/demo", "Value": "owned"}],
    )
    target_group("reports-lambda", None, None, "lambda", [{"Key": "team", "Value": "reports"}])

    listener = elbv2.create_listener(
        LoadBalancerArn=alb, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": checkout}],
    )["Listeners"][0]["ListenerArn"]
    elbv2.create_rule(
        ListenerArn=listener, Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/cart*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": cart}],
    )
    elbv2.create_listener(
        LoadBalancerArn=nlb, Protocol="TCP", Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": ledger}],
    )


def synthetic_pages(moto_body: str, out: pathlib.Path) -> None:
    """moto's members split in two AWS-shaped pages: the first with a NextMarker, the last without."""
    document = minidom.parseString(moto_body)
    members = [node for node in document.getElementsByTagName("TargetGroups")[0].childNodes
               if node.nodeName == "member"]
    pages = [members[:2], members[2:]]
    markers = ["MToyOmszcy1zaG9wLWNhcnQtMDEyMzQ1Njc4OQ==", None]
    for index, (page, marker) in enumerate(zip(pages, markers), start=1):
        items = "".join(member.toxml() for member in page).replace("loadbalancer/app/k8s-payments-ledger",
                                                                 "loadbalancer/net/k8s-payments-ledger")
        next_marker = f"<NextMarker>{marker}</NextMarker>" if marker else ""
        body = (
            '<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'
            f"<DescribeTargetGroupsResult><TargetGroups>{items}</TargetGroups>{next_marker}"
            "</DescribeTargetGroupsResult><ResponseMetadata>"
            f"<RequestId>5f0c1a2b-0000-4000-8000-00000000010{index}</RequestId>"
            "</ResponseMetadata></DescribeTargetGroupsResponse>"
        )
        pretty = minidom.parseString(body).toprettyxml(indent="  ").split("\n", 1)[1].strip()
        note = (
            "a NextMarker follows, as AWS pages" if marker else "the last page: no NextMarker element"
        )
        header = (
            "# Synthetic: moto 5.2.1 does not page DescribeTargetGroups; these are the members of its answer\n"
            f"# (elbv2-DescribeTargetGroups.txt) in two pages of 2 and 3; {note}; NLB ARNs use loadbalancer/net/.\n"
            "# service=elbv2 protocol=query operation=DescribeTargetGroups\n"
        )
        name = f"elbv2-query-DescribeTargetGroups-page{index}"
        (out / f"{name}.http").write_text(f"{header}HTTP/1.1 200\nContent-Type: text/xml\n\n{pretty}\n")
        model = botocore.session.get_session().get_service_model("elbv2")
        shape = model.operation_model("DescribeTargetGroups").output_shape
        parsed = QueryParser().parse(
            {"headers": {"content-type": "text/xml"}, "status_code": 200, "body": pretty.encode()}, shape
        )
        (out / f"{name}.parsed.json").write_text(json.dumps(parsed, indent=2, sort_keys=True, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--endpoint", help="a running moto_server; else one is started on a free port")
    parser.add_argument("--out", default="Tests/AWSTestSupport/Fixtures")
    arguments = parser.parse_args()
    out = pathlib.Path(arguments.out)
    process = None
    endpoint = arguments.endpoint
    if endpoint is None:
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(endpoint)
        session = boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
        elbv2 = session.client("elbv2", endpoint_url=endpoint)
        build_shop(elbv2, session.client("ec2", endpoint_url=endpoint))

        recorder = Recorder()
        elbv2.meta.events.register("before-send.elastic-load-balancing-v2.*", recorder.before_send)
        elbv2.meta.events.register("response-received.elastic-load-balancing-v2.*", recorder.response_received)

        groups = elbv2.describe_target_groups(PageSize=400)
        (out / "elbv2-DescribeTargetGroups.txt").write_text(recorder.capture())
        moto_body = recorder.response["body"].decode()

        arns = [group["TargetGroupArn"] for group in groups["TargetGroups"]]
        elbv2.describe_tags(ResourceArns=arns)
        (out / "elbv2-DescribeTags-target-groups.txt").write_text(recorder.capture())

        synthetic_pages(moto_body, out)
    finally:
        if process is not None:
            # moto_server (werkzeug) does not always stop on SIGTERM; SIGINT does.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
