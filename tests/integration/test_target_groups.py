"""Issue 20 against moto_server: load balancers and target groups tagged exactly as each Kubernetes controller tags
them (an implicit Ingress group, an explicit IngressGroup with dashes in Ingress and Service names, an AWS Load
Balancer Controller NLB Service, an in-tree NLB), datapoints with [TargetGroup, LoadBalancer]: every target group
series carries its backend Service, and the one whose Service the tags cannot settle is on the status page."""
import datetime
import json
import urllib.request

import boto3
import pytest

CONFIG = """delay_seconds: 0
range_seconds: 600
period_seconds: 60
metrics:
- aws_namespace: AWS/ApplicationELB
  aws_metric_name: HTTPCode_Target_5XX_Count
  aws_dimensions: [TargetGroup, LoadBalancer]
  aws_statistics: [Sum]
- aws_namespace: AWS/NetworkELB
  aws_metric_name: HealthyHostCount
  aws_dimensions: [TargetGroup, LoadBalancer]
  aws_statistics: [Average]
"""


def tags(pairs):
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


@pytest.fixture(scope="module")
def fleet(moto):
    moto.reset()
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = lambda name: boto3.client(name, endpoint_url=moto.url, region_name="us-east-1", **keys)
    ec2, elbv2, cloudwatch = client("ec2"), client("elbv2"), client("cloudwatch")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]
               ["SubnetId"] for i, z in enumerate("ab")]
    expected = {}  # TargetGroup dimension -> (namespace, service or None)
    datapoints = []

    def load_balancer(name, kind, lb_tags):
        arn = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=kind, Tags=tags(lb_tags))[
            "LoadBalancers"][0]["LoadBalancerArn"]
        return arn, {"application": "app", "network": "net"}[kind] + f"/{name}/" + arn.rsplit("/", 1)[1]

    def target_group(name, protocol, lb, tg_tags, backend, namespace):
        arn, lb_dimension = lb
        group = elbv2.create_target_group(Name=name, Protocol=protocol, Port=8080, VpcId=vpc, TargetType="ip",
                                          Tags=tags(tg_tags))["TargetGroups"][0]
        elbv2.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=80 + len(expected),
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
        dimension = group["TargetGroupArn"].split(":", 5)[5]
        expected[dimension] = (namespace, backend)
        metric, namespace_cw = (("HTTPCode_Target_5XX_Count", "AWS/ApplicationELB") if protocol == "HTTP"
                                else ("HealthyHostCount", "AWS/NetworkELB"))
        datapoints.append((namespace_cw, metric, dimension, lb_dimension))

    # An Ingress of its own: the stack names it, the resource id splits after it.
    web = load_balancer("k8s-shop-web-0a1b2c3d4e", "application",
                        {"ingress.k8s.aws/stack": "shop/web", "ingress.k8s.aws/resource": "LoadBalancer",
                         "elbv2.k8s.aws/cluster": "prod"})
    target_group("k8s-shop-frontend-1a2b3c4d5e", "HTTP", web,
                 {"ingress.k8s.aws/stack": "shop/web", "ingress.k8s.aws/resource": "shop/web-frontend:8080",
                  "elbv2.k8s.aws/cluster": "prod"}, "frontend", "shop")
    # An explicit IngressGroup: dashes in the Ingress and Service names; the target group names settle the split,
    # except for the last one, whose name does not have the controller's shape.
    group = load_balancer("k8s-shopgroup-9f8e7d6c5b", "application",
                          {"ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "LoadBalancer"})
    target_group("k8s-shop-checkout-2b3c4d5e6f", "HTTP", group,
                 {"ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080"},
                 "checkout-api", "shop")
    target_group("k8s-shop-cart-3c4d5e6f7a", "HTTP", group,
                 {"ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-cart:8080"},
                 "cart", "shop")
    target_group("hand-named-tg", "HTTP", group,
                 {"ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-cart-v2:8080"},
                 None, "shop")
    # The AWS Load Balancer Controller's NLB for a Service.
    ledger = load_balancer("k8s-payments-ledger-4d5e6f7a8b", "network",
                           {"service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "LoadBalancer",
                            "elbv2.k8s.aws/cluster": "prod"})
    target_group("k8s-payments-ledger-5e6f7a8b9c", "TCP", ledger,
                 {"service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "payments/ledger:8443"},
                 "ledger", "payments")
    # The in-tree cloud provider's NLB: the target group gets the load balancer's tag map.
    intree_tags = {"kubernetes.io/service-name": "edge/gateway", "kubernetes.io/cluster/prod": "owned"}
    intree = load_balancer("a0123456789abcdef0123456789abcde", "network", intree_tags)
    target_group("k8s-edge-gateway-6f7a8b9c0d", "TCP", intree, intree_tags, "gateway", "edge")

    now = datetime.datetime.now(datetime.timezone.utc)
    for namespace_cw, metric, dimension, lb_dimension in datapoints:
        cloudwatch.put_metric_data(Namespace=namespace_cw, MetricData=[
            {"MetricName": metric, "Dimensions": [{"Name": "TargetGroup", "Value": dimension},
                                                  {"Name": "LoadBalancer", "Value": lb_dimension}],
             "Timestamp": now - datetime.timedelta(minutes=2), "Value": 1, "Unit": "Count"}])
    return expected


def labels_of(line):
    inside = line[line.index("{") + 1:line.rindex("}")]
    pairs = {}
    for part in inside.rstrip(",").split('",'):
        if "=" in part:
            key, value = part.split("=", 1)
            pairs[key] = value.strip('"')
    return pairs


def test_every_target_group_series_carries_its_backend_service(exporter_factory, fleet):
    exporter = exporter_factory(CONFIG)
    body = exporter.metrics()
    series = {}
    for line in body.splitlines():
        if line.startswith(("aws_applicationelb_httpcode_target_5_xx_count_sum{", "aws_networkelb_healthy_host_count_average{")):
            labels = labels_of(line)
            series[labels["target_group"]] = labels
    assert set(series) == set(fleet), body
    for dimension, (namespace, service) in fleet.items():
        labels = series[dimension]
        assert labels.get("namespace") == namespace, (dimension, labels)
        assert labels.get("service") == service, (dimension, labels)
    # The implicit group's Ingress, and the cluster from the load balancer, stay.
    frontend = next(l for l in series.values() if l.get("service") == "frontend")
    assert frontend.get("ingress") == "web" and frontend.get("cluster") == "prod"
    checkout = next(l for l in series.values() if l.get("service") == "checkout-api")
    assert checkout.get("ingress") == "shop-web"
    info = [labels_of(line) for line in body.splitlines() if line.startswith("aws_elb_target_group_info{")]
    assert len(info) == len(fleet)
    assert {i["source"] for i in info} == {"target_group_tags"}, info

    with urllib.request.urlopen(exporter.url + "/status?format=json", timeout=30) as response:
        status = json.loads(response.read())
    groups = {g["name"]: g for g in status["target_groups"]}
    unsettled = [name for name, (_, service) in fleet.items() if service is None]
    assert len(unsettled) == 1
    notes = " ".join(groups[unsettled[0]]["notes"])
    assert "ambiguous" in notes and "cart-v2" in notes, groups[unsettled[0]]
    fronts = {(f["namespace"], f["service"]): f for f in status["services"]}
    assert len(fronts[("shop", "cart")]["target_groups"]) == 1
    assert fronts[("payments", "ledger")]["load_balancers"], fronts
    with urllib.request.urlopen(exporter.url + "/status", timeout=30) as response:
        page = response.read().decode()
    assert 'id="target-groups"' in page and 'id="services"' in page
