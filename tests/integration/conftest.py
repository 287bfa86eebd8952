"""Fixtures for process-level tests: a moto_server on loopback, seeded load balancers and datapoints, and the
exporter binary started as a child process and scraped over HTTP."""
import datetime
import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPORTER = pathlib.Path(os.environ.get("EXPORTER_BINARY", ROOT / ".build" / "debug" / "cloudwatch-tag-exporter"))
CLASSIC = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=30.0, method="GET"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            last = error
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer: {last}")


class Moto:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            ["moto_server", "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_http(self.url + "/moto-api/", timeout=120)  # importing moto takes ~20 s on a busy 2-core machine

    def client(self, service):
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST"), timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def moto():
    if not EXPORTER.exists():
        pytest.fail(f"exporter binary {EXPORTER} missing: run `swift build` first")
    server = Moto()
    yield server
    server.stop()


class Seed:
    """Load balancers of the three kinds with Kubernetes tags, and datapoints for them."""

    def __init__(self, moto):
        self.moto = moto
        ec2 = moto.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
            for i, z in enumerate("ab")
        ]
        self.elb = moto.client("elb")
        self.elbv2 = moto.client("elbv2")
        self.cloudwatch = moto.client("cloudwatch")

    def classic(self, name, tags):
        self.elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
            AvailabilityZones=["us-east-1a"],
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )

    def v2(self, name, kind, tags):
        arn = self.elbv2.create_load_balancer(
            Name=name, Subnets=self.subnets, Type=kind, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )["LoadBalancers"][0]["LoadBalancerArn"]
        lb_id = arn.rsplit("/", 1)[1]
        return {"application": "app", "network": "net"}[kind] + f"/{name}/{lb_id}", arn

    def datapoints(self, namespace, metric, dimensions, value, count=5):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                    "Timestamp": now - datetime.timedelta(minutes=minute + 2),
                    "Value": value,
                    "Unit": "Count",
                }
                for minute in range(count)
            ],
        )


class Exporter:
    def __init__(self, config_text, env_extra=None, args=None):
        self.dir = tempfile.TemporaryDirectory(prefix="exporter-")
        self.config = pathlib.Path(self.dir.name) / "config.yml"
        self.config.write_text(config_text)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = pathlib.Path(self.dir.name) / "exporter.log"
        env = dict(os.environ)
        env.update(env_extra or {})
        self.process = subprocess.Popen(
            [str(EXPORTER)] + (args or ["--web.listen-address", f"127.0.0.1:{self.port}", "--config.file", str(self.config)]),
            env=env,
            stdout=open(self.log_path, "w"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self):
        wait_http(self.url + "/-/ready")
        return self

    def get(self, path, headers=None, method="GET"):
        request = urllib.request.Request(self.url + path, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def metrics(self, headers=None):
        status, headers_, body = self.get("/metrics", headers)
        assert status == 200, body
        return body

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.dir.cleanup()


def aws_env(moto):
    return {
        "AWS_ENDPOINT_URL": moto.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.fixture
def exporter_factory(moto):
    started = []

    def start(config_text, env_extra=None, args=None, wait=True):
        env = aws_env(moto)
        env.update(env_extra or {})
        exporter = Exporter(config_text, env, args)
        started.append(exporter)
        return exporter.wait_ready() if wait else exporter

    yield start
    for exporter in started:
        if exporter.process.poll() is None or True:
            log = exporter.log()
            exporter.stop()
            sys.stderr.write(f"--- exporter log ({exporter.url}) ---\n{log[-4000:]}\n")
