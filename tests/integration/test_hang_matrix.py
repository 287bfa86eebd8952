"""Issue 19: a scrape answers by its deadline whatever hangs.

One AWS dependency at a time accepts connections and never answers (a regional brown-out, a blackholed VPC endpoint, a
proxy that hangs): STS (AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity for account labels), instance
metadata, container credentials, CloudWatch (GetMetricStatistics and GetMetricData), the ELB API, the ELBv2 API and the
Resource Groups Tagging API. For each, the first scrape after start-up and the scrapes after it answer before the
deadline Prometheus gives them (X-Prometheus-Scrape-Timeout-Seconds), with every series the answering services can
give; and SIGTERM still ends the process (its own hard limit is 4.5 s).

The assertions are about the deadline the exporter is given, never about how long work takes: the exporter answers at
`timeout - scrape_timeout_margin_seconds` (here 4 - 1 = 3 s), and the test only checks that the answer came before the
4 s Prometheus would wait. The cases run side by side, each with its own exporter, against one moto_server.
"""
import concurrent.futures
import datetime
import os
import pathlib
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

import boto3
import pytest

from aws_proxy import ForwardingProxy
from conftest import EXPORTER, free_port, wait_http

TIMEOUT = 4  # X-Prometheus-Scrape-Timeout-Seconds
MARGIN = 1  # scrape_timeout_margin_seconds: the exporter answers at TIMEOUT - MARGIN
OTHER_ROLE = "arn:aws:iam::222222222222:role/metrics"
CLASSIC = "hangclassic0000000000000000000001"
SERVICE = "shop/web"

HEAD = f"""scrape_timeout_margin_seconds: {MARGIN}
aws_max_attempts: 1
delay_seconds: 0
range_seconds: 600
period_seconds: 60
"""
ELB_RULE = """- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
"""
ALB_RULE = """- aws_namespace: AWS/ApplicationELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancer]
  aws_statistics: [Sum]
"""
TAG_SELECT_RULE = """- aws_namespace: AWS/EC2
  aws_metric_name: CPUUtilization
  aws_dimensions: [InstanceId]
  aws_statistics: [Average]
  aws_tag_select:
    resource_type_selection: "ec2:instance"
    resource_id_dimension: InstanceId
    tag_selections: {team: [shop]}
"""
ROLE_RULE = ELB_RULE + f"  role_arn: {OTHER_ROLE}\n"


class SilentServer:
    """Accepts connections, reads what comes, and never answers."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.connections = []
        self.stopped = threading.Event()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)

    def stop(self):
        self.stopped.set()
        for connection in self.connections:
            connection.close()
        self.socket.close()


class HoldingProxy(ForwardingProxy):
    """Forwards to moto, but holds (never answers) the requests whose body names one of `actions`."""

    def __init__(self, target, actions):
        super().__init__(target)
        self.actions = actions
        self.released = threading.Event()
        self.held = 0

    def intercept(self, headers, body):
        if any(f"Action={action}&".encode() in body + b"&" for action in self.actions):
            self.count("held")
            self.released.wait(timeout=300)
            return 503, b"", {}
        return None

    def stop(self):
        self.released.set()
        super().stop()


def seed(moto_url):
    """Two tagged classic ELBs with datapoints in the default account, one in the role's account, and a tagged ALB."""
    def client(name, **keys):
        keys = keys or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client(name, endpoint_url=moto_url, region_name="us-east-1", **keys)

    def classic(elb, cloudwatch, name, value):
        elb.create_load_balancer(
            LoadBalancerName=name, Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
            AvailabilityZones=["us-east-1a"], Tags=[{"Key": "kubernetes.io/service-name", "Value": SERVICE}])
        now = datetime.datetime.now(datetime.timezone.utc)
        cloudwatch.put_metric_data(Namespace="AWS/ELB", MetricData=[
            {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancerName", "Value": name}],
             "Timestamp": now - datetime.timedelta(minutes=2), "Value": value, "Unit": "Count"}])

    classic(client("elb"), client("cloudwatch"), CLASSIC, 7)
    sts = client("sts")
    assumed = sts.assume_role(RoleArn=OTHER_ROLE, RoleSessionName="seed")["Credentials"]
    keys = {"aws_access_key_id": assumed["AccessKeyId"], "aws_secret_access_key": assumed["SecretAccessKey"],
            "aws_session_token": assumed["SessionToken"]}
    classic(client("elb", **keys), client("cloudwatch", **keys), "hangclassic0000000000000000000002", 9)
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]
               ["SubnetId"] for i, z in enumerate("ab")]
    arn = client("elbv2").create_load_balancer(
        Name="hang-alb", Subnets=subnets, Type="application",
        Tags=[{"Key": "ingress.k8s.aws/stack", "Value": "shop/front"}])["LoadBalancers"][0]["LoadBalancerArn"]
    dimension = "app/hang-alb/" + arn.rsplit("/", 1)[1]
    client("cloudwatch").put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
        {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancer", "Value": dimension}],
         "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2), "Value": 3,
         "Unit": "Count"}])


@pytest.fixture(scope="module")
def moto_seeded(moto):
    moto.reset()
    seed(moto.url)
    return moto


def base_env(moto):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("AWS_"):
            del env[key]
    env.update({"AWS_ENDPOINT_URL": moto.url, "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    return env


def without_keys(env):
    env = dict(env)
    env.pop("AWS_ACCESS_KEY_ID", None)
    env.pop("AWS_SECRET_ACCESS_KEY", None)
    return env


class Case:
    """One dependency that hangs: the config, the environment that points that dependency at a silent endpoint, and
    what the answering services must still give."""

    def __init__(self, name, config, expected_series, env=None, hold=()):
        self.name = name
        self.config = config
        self.expected_series = expected_series  # sample-line prefixes that must be in every answer
        self.env = env or (lambda moto, silent, holding: {})
        self.hold = hold  # STS actions the holding proxy never answers


def cases():
    elb_series = [f'aws_elb_request_count_sum{{job="aws_elb",instance="",load_balancer_name="{CLASSIC}"']
    return [
        # AssumeRole hangs: the default credentials' series stay (with their account_id); the role's cannot be signed.
        Case("sts-assume-role", HEAD + "metrics:\n" + ELB_RULE + ROLE_RULE, elb_series,
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_STS": holding.url}, hold=["AssumeRole"]),
        Case("sts-web-identity", HEAD + "metrics:\n" + ELB_RULE, [],
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_STS": silent.url, "__web_identity__": "1"}),
        Case("sts-get-caller-identity", HEAD + "metrics:\n" + ELB_RULE + ROLE_RULE,
             ['aws_elb_request_count_sum{job="aws_elb",instance="",load_balancer_name="hangclassic0000000000000000000002"'],
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_STS": holding.url}, hold=["GetCallerIdentity"]),
        Case("instance-metadata", HEAD + "metrics:\n" + ELB_RULE, [],
             env=lambda moto, silent, holding: {"AWS_EC2_METADATA_DISABLED": "", "__no_keys__": "1",
                                                "AWS_EC2_METADATA_SERVICE_ENDPOINT": silent.url}),
        Case("container-credentials", HEAD + "metrics:\n" + ELB_RULE, [],
             env=lambda moto, silent, holding: {"__no_keys__": "1",
                                                "AWS_CONTAINER_CREDENTIALS_FULL_URI": silent.url + "/credentials"}),
        Case("cloudwatch-get-metric-statistics", HEAD + "metrics:\n" + ELB_RULE, ["aws_elb_tags{"],
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_CLOUDWATCH": silent.url}),
        Case("cloudwatch-get-metric-data", HEAD + "use_get_metric_data: true\nmetrics:\n" + ELB_RULE,
             ["aws_elb_tags{"], env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_CLOUDWATCH": silent.url}),
        Case("elb", HEAD + "metrics:\n" + ELB_RULE, elb_series,
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING": silent.url}),
        Case("elbv2", HEAD + "metrics:\n" + ALB_RULE + ELB_RULE,
             ['aws_applicationelb_request_count_sum{job="aws_applicationelb",instance="",load_balancer="app/hang-alb/']
             + elb_series,
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": silent.url}),
        Case("tagging", HEAD + "metrics:\n" + TAG_SELECT_RULE + ELB_RULE, elb_series,
             env=lambda moto, silent, holding: {"AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": silent.url}),
    ]


def timed_scrape(url, timeout_header=True):
    """(seconds the answer took as Prometheus sees it, body)."""
    headers = {"X-Prometheus-Scrape-Timeout-Seconds": str(TIMEOUT)} if timeout_header else {}
    request = urllib.request.Request(url + "/metrics", headers=headers)
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
    return time.monotonic() - started, body


def gauge(body, name):
    match = re.search(rf"^{name} (\S+)$", body, re.M)
    return float(match.group(1)) if match else None


def run_case(case, moto):
    silent = SilentServer()
    holding = HoldingProxy(moto.url, case.hold)
    workdir = tempfile.TemporaryDirectory(prefix=f"hang-{case.name}-")
    try:
        config = pathlib.Path(workdir.name) / "config.yml"
        config.write_text(case.config)
        env = base_env(moto)
        extra = case.env(moto, silent, holding)
        if extra.pop("__no_keys__", None) or extra.get("__web_identity__"):
            env = without_keys(env)
        if extra.pop("__web_identity__", None):
            token = pathlib.Path(workdir.name) / "token"
            token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
            env.update({"AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa"})
        env.update({k: v for k, v in extra.items() if v != ""})
        for key, value in extra.items():
            if value == "":
                env.pop(key, None)
        port = free_port()
        log = pathlib.Path(workdir.name) / "exporter.log"
        process = subprocess.Popen(
            [str(EXPORTER), "--web.listen-address", f"127.0.0.1:{port}", "--config.file", str(config)],
            env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/-/ready")
            answers = [timed_scrape(url) for _ in range(3)]
            # SIGTERM while a scrape without a deadline of its own (no timeout header) waits on the silent dependency:
            # it is answered at once with what the store has, and the process ends cleanly.
            in_flight = concurrent.futures.ThreadPoolExecutor(1).submit(timed_scrape, url, False)
            time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                code = None
            try:
                last = in_flight.result(timeout=15)[1]
            except Exception as error:  # noqa: BLE001 - reported below
                last = f"no answer: {error}"
            return answers, code, log.read_text(), last
        finally:
            if process.poll() is None:
                process.kill()
    finally:
        holding.stop()
        silent.stop()
        workdir.cleanup()


def test_every_scrape_answers_by_its_deadline_whatever_hangs(moto_seeded):
    all_cases = cases()
    with concurrent.futures.ThreadPoolExecutor(len(all_cases)) as pool:
        results = dict(zip([case.name for case in all_cases],
                           pool.map(lambda case: run_case(case, moto_seeded), all_cases)))
    table = []
    problems = []
    for case in all_cases:
        answers, code, log, last = results[case.name]
        for index, (seconds, body) in enumerate(answers):
            series = len([line for line in body.splitlines() if line.startswith("aws_")])
            table.append(f"{case.name:34} scrape {index + 1}: {seconds:5.2f} s, {series} aws_* samples")
            which = "first scrape after start-up" if index == 0 else f"scrape {index + 1}"
            if seconds >= TIMEOUT:
                problems.append(f"{case.name}: the {which} took {seconds:.2f} s, past its {TIMEOUT} s deadline")
            for prefix in case.expected_series:
                if not any(line.startswith(prefix) for line in body.splitlines()):
                    problems.append(f"{case.name}: the {which} lacks {prefix}…\n{body[:3000]}")
        if code != 0:
            problems.append(f"{case.name}: SIGTERM did not end the process cleanly (exit {code})\n{log[-3000:]}")
        if "cloudwatch_exporter_scrape_error" not in last:
            problems.append(f"{case.name}: the scrape in flight at SIGTERM was not answered: {last[:300]}")
    print("\n".join(["", "hang matrix (what hung, each scrape's time, its aws_* samples):"] + table))
    assert not problems, "\n".join(problems)


def test_a_silent_sts_fails_only_the_series_that_need_the_account_and_the_status_page_says_why(moto_seeded):
    """GetCallerIdentity never answers: the role's target (account known from the ARN) keeps its series with
    account_id, the default credentials' target loses its series (they need the label), and the status page says
    why."""
    holding = HoldingProxy(moto_seeded.url, ["GetCallerIdentity"])
    workdir = tempfile.TemporaryDirectory(prefix="hang-status-")
    try:
        config = pathlib.Path(workdir.name) / "config.yml"
        config.write_text(HEAD + "metrics:\n" + ELB_RULE + ROLE_RULE)
        env = base_env(moto_seeded)
        env["AWS_ENDPOINT_URL_STS"] = holding.url
        port = free_port()
        process = subprocess.Popen(
            [str(EXPORTER), "--web.listen-address", f"127.0.0.1:{port}", "--config.file", str(config)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/-/ready")
            _, body = timed_scrape(url)
            assert 'account_id="222222222222"' in body, body
            assert f'aws_elb_request_count_sum{{job="aws_elb",instance="",load_balancer_name="{CLASSIC}"' not in body, body
            with urllib.request.urlopen(url + "/status?format=json", timeout=30) as response:
                status = response.read().decode()
            assert "account_id" in status and "GetCallerIdentity" in status, status[:4000]
        finally:
            process.terminate()
            process.wait(timeout=15)
    finally:
        holding.stop()
        workdir.cleanup()
