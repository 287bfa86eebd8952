"""Issue 12: one exporter for two regions and two accounts, against moto_server (which keeps separate state per
region and per account, and answers STS AssumeRole and GetCallerIdentity)."""
import datetime
import json
import re
import socket
import subprocess

import boto3
import pytest

from aws_proxy import ForwardingProxy
from conftest import EXPORTER, aws_env

OTHER_ROLE = "arn:aws:iam::222222222222:role/cloudwatch-exporter"
RULE = """
delay_seconds: 0
range_seconds: 600
period_seconds: 60
aws_max_attempts: 1
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
"""
# The same rule, and once more in us-east-1 under a role of another account.
CONFIG = "regions: [us-east-1, eu-west-1]\n" + RULE + f"""- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
  region: us-east-1
  role_arn: {OTHER_ROLE}
"""


def clients(moto, region, credentials=None):
    keys = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return {name: boto3.client(name, endpoint_url=moto.url, region_name=region, **keys) for name in ("elb", "cloudwatch")}


def seed(aws, region, name, service, value):
    aws["elb"].create_load_balancer(
        LoadBalancerName=name, Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=[region + "a"], Tags=[{"Key": "kubernetes.io/service-name", "Value": service}])
    now = datetime.datetime.now(datetime.timezone.utc)
    aws["cloudwatch"].put_metric_data(Namespace="AWS/ELB", MetricData=[
        {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancerName", "Value": name}],
         "Timestamp": now - datetime.timedelta(minutes=2), "Value": value, "Unit": "Count"}])


@pytest.fixture(scope="module")
def seeded(moto):
    moto.reset()
    seed(clients(moto, "us-east-1"), "us-east-1", "east-lb", "shop/web", 1)
    seed(clients(moto, "eu-west-1"), "eu-west-1", "west-lb", "shop/web", 2)
    sts = boto3.client("sts", endpoint_url=moto.url, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    assumed = sts.assume_role(RoleArn=OTHER_ROLE, RoleSessionName="seed")["Credentials"]
    keys = {"aws_access_key_id": assumed["AccessKeyId"], "aws_secret_access_key": assumed["SecretAccessKey"],
            "aws_session_token": assumed["SessionToken"]}
    seed(clients(moto, "us-east-1", keys), "us-east-1", "other-lb", "shop/web", 3)


def samples(body, name):
    """{frozenset of (label, value)}: value} of one family's samples."""
    result = {}
    for line in body.splitlines():
        match = re.match(name + r"\{(.*)\} (\S+)", line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(1)))
            result[labels] = float(match.group(2))
    return result


def labelled(found, **labels):
    return {value for key, value in found.items() if set(labels.items()) <= key}


def test_two_regions_and_two_accounts_are_exported_and_labelled(exporter_factory, seeded):
    exporter = exporter_factory(CONFIG)
    body = exporter.metrics()
    found = samples(body, "aws_elb_request_count_sum")
    assert labelled(found, load_balancer_name="east-lb", region="us-east-1", account_id="123456789012",
                    namespace="shop", service="web") == {1.0}, body
    assert labelled(found, load_balancer_name="west-lb", region="eu-west-1", account_id="123456789012") == {2.0}, body
    assert labelled(found, load_balancer_name="other-lb", region="us-east-1", account_id="222222222222",
                    namespace="shop", service="web") == {3.0}, body
    assert len(found) == 3, body
    # Label order: job, instance, the dimension, region, account_id, then the tag labels.
    east = next(line for line in body.splitlines() if line.startswith("aws_elb_request_count_sum{") and "east-lb" in line)
    assert re.match(r'aws_elb_request_count_sum\{job="aws_elb",instance="",load_balancer_name="east-lb",'
                    r'region="us-east-1",account_id="123456789012",namespace="shop"', east), east
    tags = samples(body, "aws_elb_tags")
    assert {(dict(key)["load_balancer_name"], dict(key)["region"], dict(key)["account_id"]) for key in tags} == {
        ("east-lb", "us-east-1", "123456789012"), ("west-lb", "eu-west-1", "123456789012"),
        ("other-lb", "us-east-1", "222222222222")}, body
    errors = samples(body, "cloudwatch_exporter_target_scrape_error")
    assert len(errors) == 3 and set(errors.values()) == {0.0}, body
    assert re.search(r"^cloudwatch_exporter_scrape_error 0", body, re.M), body
    # One AssumeRole for the role, one GetCallerIdentity for the default credentials, whatever the scrapes.
    exporter.metrics()
    calls = samples(exporter.metrics(), "cloudwatch_exporter_aws_api_requests_total")
    assert labelled(calls, service="sts", action="AssumeRole") == {1.0}, calls
    assert labelled(calls, service="sts", action="GetCallerIdentity") == {1.0}, calls
    status, _, page = exporter.get("/status", headers={"Accept": "application/json"})
    report = json.loads(page)
    assert report["process"]["region"] == "us-east-1, eu-west-1", report["process"]
    names = [rule["name"] for rule in report["rules"]]
    assert any(name.endswith(f"in us-east-1 as {OTHER_ROLE}") for name in names), names
    assert len(names) == 3, names
    assert {(rule["target"]["region"], rule["target"]["role_arn"]) for rule in report["rules"]} == {
        ("us-east-1", None), ("eu-west-1", None), ("us-east-1", OTHER_ROLE)}
    # Each load balancer with where it lives and the rule (of its region and account) that exported it.
    places = {lb["name"]: (lb["target"]["region"], lb["target"]["role_arn"], lb["rules"]) for lb in report["load_balancers"]}
    assert places == {
        "east-lb": ("us-east-1", None, ["AWS/ELB/RequestCount in us-east-1 as (default credentials)"]),
        "west-lb": ("eu-west-1", None, ["AWS/ELB/RequestCount in eu-west-1 as (default credentials)"]),
        "other-lb": ("us-east-1", OTHER_ROLE, [f"AWS/ELB/RequestCount in us-east-1 as {OTHER_ROLE}"]),
    }, places
    status, _, html = exporter.get("/status")
    assert '<td class="target">eu-west-1 as (default credentials)</td>' in html, html[:3000]


class RegionOutage(ForwardingProxy):
    """Drops every connection whose request is signed for `region` (the SigV4 credential scope names it), as an
    unreachable regional endpoint does; forwards the rest to moto."""

    def __init__(self, target, region):
        super().__init__(target)
        self.region = region

    def handle(self, handler, body):
        if f"/{self.region}/" in handler.headers.get("Authorization", ""):
            self.count("dropped")
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        super().handle(handler, body)


def test_an_unreachable_region_keeps_the_other_regions_series_and_sets_its_error(exporter_factory, seeded, moto):
    outage = RegionOutage(moto.url, "eu-west-1")
    try:
        exporter = exporter_factory(CONFIG, {"AWS_ENDPOINT_URL": outage.url})
        body = exporter.metrics()
        found = samples(body, "aws_elb_request_count_sum")
        assert {dict(key)["load_balancer_name"] for key in found} == {"east-lb", "other-lb"}, body
        errors = {(dict(key)["region"], dict(key)["account_id"]): value
                  for key, value in samples(body, "cloudwatch_exporter_target_scrape_error").items()}
        assert errors == {("us-east-1", "123456789012"): 0.0, ("eu-west-1", "123456789012"): 1.0,
                          ("us-east-1", "222222222222"): 0.0}, body
        assert re.search(r"^cloudwatch_exporter_scrape_error 1", body, re.M), body
        assert outage.counts.get("dropped", 0) > 0
        assert "eu-west-1" in exporter.log()
    finally:
        outage.stop()


def test_one_listed_region_prints_what_the_top_level_region_prints(moto, seeded, tmp_path):
    """The contract for configs that keep to one region: the same bytes (CloudWatch families), no new label."""
    def scrape(header):
        config = tmp_path / "config.yml"
        config.write_text(header + RULE)
        result = subprocess.run([str(EXPORTER), "scrape", str(config)], env=aws_env(moto),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return "\n".join(line for line in result.stdout.splitlines()
                         if line.startswith(("aws_", "# HELP aws_", "# TYPE aws_")))
    top_level = scrape("region: us-east-1\n")
    assert 'load_balancer_name="east-lb"' in top_level and "region=" not in top_level, top_level
    assert scrape("regions: [us-east-1]\n") == top_level
