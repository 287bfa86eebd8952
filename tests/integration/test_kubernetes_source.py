"""Issue 20: the Kubernetes API as an exact source, end to end. The exporter (a process) reads a kubeconfig that
points at a small loopback Kubernetes API (paged lists, watches that stay open, a bearer token it checks) and moto
for AWS. A load balancer without Kubernetes tags gets the Service showing its DNS name; a target group without tags
gets the Service its TargetGroupBinding names; both carry the allowlisted Service label; the status page and the self
metrics show the source in sync."""
import datetime
import http.server
import json
import re
import threading
import time
import urllib.parse
import urllib.request

import boto3
import pytest

from conftest import wait_http

TOKEN = "test-token-0123456789"


class FakeKubernetesAPI:
    """Lists Services and TargetGroupBindings (one page each, resourceVersion 10); a watch answers 200 and stays open
    without events until the server stops. Every request must carry the bearer token."""

    def __init__(self, services, bindings):
        self.requests = []
        self.stopped = threading.Event()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = urllib.parse.parse_qs(url.query)
                api.requests.append((url.path, query))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401, {"kind": "Status", "code": 401, "reason": "Unauthorized"})
                items = {"/api/v1/services": services,
                         "/apis/elbv2.k8s.aws/v1beta1/targetgroupbindings": bindings}.get(url.path)
                if items is None:
                    return self.answer(404, {"kind": "Status", "code": 404, "reason": "NotFound"})
                if query.get("watch") == ["1"] or query.get("watch") == ["true"]:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.flush()
                    api.stopped.wait(timeout=600)
                    return
                self.answer(200, {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "10"},
                                  "items": items})

            def answer(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


def kubeconfig(server):
    return f"""apiVersion: v1
kind: Config
current-context: test
clusters:
- name: test
  cluster:
    server: {server}
contexts:
- name: test
  context:
    cluster: test
    user: test
users:
- name: test
  user:
    token: {TOKEN}
"""


@pytest.fixture(scope="module")
def aws(moto):
    moto.reset()
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = lambda name: boto3.client(name, endpoint_url=moto.url, region_name="us-east-1", **keys)
    ec2, elbv2, cloudwatch = client("ec2"), client("elbv2"), client("cloudwatch")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]
               ["SubnetId"] for i, z in enumerate("ab")]
    # No Kubernetes tags at all: only the Kubernetes API can tell whose they are.
    alb = elbv2.create_load_balancer(Name="untagged-alb", Subnets=subnets, Type="application")["LoadBalancers"][0]
    group = elbv2.create_target_group(Name="untagged-tg", Protocol="HTTP", Port=8080, VpcId=vpc,
                                      TargetType="ip")["TargetGroups"][0]
    elbv2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
    lb_dimension = "app/untagged-alb/" + alb["LoadBalancerArn"].rsplit("/", 1)[1]
    tg_dimension = group["TargetGroupArn"].split(":", 5)[5]
    now = datetime.datetime.now(datetime.timezone.utc)
    cloudwatch.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
        {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancer", "Value": lb_dimension}],
         "Timestamp": now - datetime.timedelta(minutes=2), "Value": 10, "Unit": "Count"},
        {"MetricName": "HTTPCode_Target_5XX_Count",
         "Dimensions": [{"Name": "TargetGroup", "Value": tg_dimension}, {"Name": "LoadBalancer", "Value": lb_dimension}],
         "Timestamp": now - datetime.timedelta(minutes=2), "Value": 2, "Unit": "Count"},
    ])
    return {"dns": alb["DNSName"], "tg_arn": group["TargetGroupArn"], "lb": lb_dimension, "tg": tg_dimension}


CONFIG = """delay_seconds: 0
range_seconds: 600
period_seconds: 60
kubernetes:
  enabled: true
  kubeconfig: kubeconfig
  service_labels: [team]
metrics:
- aws_namespace: AWS/ApplicationELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancer]
  aws_statistics: [Sum]
- aws_namespace: AWS/ApplicationELB
  aws_metric_name: HTTPCode_Target_5XX_Count
  aws_dimensions: [TargetGroup, LoadBalancer]
  aws_statistics: [Sum]
"""


def test_the_kubernetes_api_labels_what_tags_cannot(exporter_factory, aws):
    api = FakeKubernetesAPI(
        services=[{"metadata": {"name": "gateway", "namespace": "edge", "resourceVersion": "7",
                                "labels": {"team": "edge-team", "secret-ish": "not-kept"}},
                   "spec": {"type": "LoadBalancer"},
                   "status": {"loadBalancer": {"ingress": [{"hostname": aws["dns"].upper() + "."}]}}},
                  {"metadata": {"name": "cart", "namespace": "shop", "resourceVersion": "8",
                                "labels": {"team": "payments"}},
                   "spec": {"type": "ClusterIP"}}],
        bindings=[{"metadata": {"name": "cart-tgb", "namespace": "shop", "resourceVersion": "9"},
                   "spec": {"targetGroupARN": aws["tg_arn"], "serviceRef": {"name": "cart", "port": 8080}}}],
    )
    try:
        exporter = exporter_factory(CONFIG, wait=False)
        (exporter.config.parent / "kubeconfig").write_text(kubeconfig(api.url))
        wait_http(exporter.url + "/-/ready")
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            body = exporter.metrics()
            if 'service="gateway"' in body and 'service="cart"' in body:
                break
            time.sleep(0.5)
        lb_line = next(line for line in body.splitlines() if line.startswith("aws_applicationelb_request_count_sum{"))
        assert 'namespace="edge",service="gateway"' in lb_line and 'label_team="edge-team"' in lb_line, body
        assert "not-kept" not in body
        tg_line = next(line for line in body.splitlines()
                       if line.startswith("aws_applicationelb_httpcode_target_5_xx_count_sum{"))
        assert 'namespace="shop",service="cart"' in tg_line and 'label_team="payments"' in tg_line, body
        info = next(line for line in body.splitlines() if line.startswith("aws_elb_target_group_info{"))
        assert 'source="kubernetes_api"' in info and 'port="8080"' in info and f'load_balancer="{aws["lb"]}"' in info
        assert re.search(r'^cloudwatch_exporter_kubernetes_synced\{resource="services",\} 1\.0$', body, re.M), body
        assert re.search(r'^cloudwatch_exporter_kubernetes_api_requests_total\{verb="list",resource="services",code="200",\} ',
                         body, re.M), body
        with urllib.request.urlopen(exporter.url + "/status?format=json", timeout=30) as response:
            status = json.loads(response.read())
        states = {r["name"]: r["state"] for r in status["kubernetes"]["resources"]}
        assert states == {"services": "synced", "targetgroupbindings": "synced"}, status["kubernetes"]
        groups = {g["name"]: g for g in status["target_groups"]}
        assert groups[aws["tg"]]["service"] == "cart" and groups[aws["tg"]]["source"] == "kubernetes_api"
        fronts = {(f["namespace"], f["service"]): f for f in status["services"]}
        assert fronts[("shop", "cart")]["target_groups"] == [aws["tg"]]
        assert fronts[("edge", "gateway")]["load_balancers"] == [aws["lb"]]
        # Lists were paged (limit) and watches started from the list's resourceVersion with bookmarks.
        watches = [query for path, query in api.requests if query.get("watch")]
        assert any(q.get("resourceVersion") == ["10"] and q.get("allowWatchBookmarks") == ["true"] for q in watches)
        assert any("limit" in query for path, query in api.requests if not query.get("watch"))
    finally:
        api.stop()


def test_an_unusable_kubeconfig_fails_start_up_with_file_and_key(exporter_factory, tmp_path):
    exporter = exporter_factory(CONFIG.replace("kubeconfig: kubeconfig", "kubeconfig: missing/kubeconfig"), wait=False)
    code = exporter.process.wait(timeout=60)
    assert code != 0
    log = exporter.log()
    assert "missing/kubeconfig" in log, log
