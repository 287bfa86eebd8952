"""The exporter as a process against moto_server, scraped over HTTP."""
import concurrent.futures
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import CLASSIC, EXPORTER, Seed, aws_env

RULES = """
delay_seconds: 0
range_seconds: 600
period_seconds: 60
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
- aws_namespace: AWS/ApplicationELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancer]
  aws_statistics: [Sum]
- aws_namespace: AWS/NetworkELB
  aws_metric_name: NewFlowCount
  aws_dimensions: [LoadBalancer]
  aws_statistics: [Sum]
"""


@pytest.fixture(scope="module")
def seeded(moto):
    moto.reset()
    seed = Seed(moto)
    seed.classic(CLASSIC, {"kubernetes.io/service-name": "default/test-service", "kubernetes.io/cluster/demo": "owned", "service": "test-service"})
    seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": CLASSIC}, 42)
    alb, _ = seed.v2("k8s-default-web-0123456789", "application", {"ingress.k8s.aws/stack": "default/web", "elbv2.k8s.aws/cluster": "demo"})
    seed.datapoints("AWS/ApplicationELB", "RequestCount", {"LoadBalancer": alb}, 7)
    nlb, _ = seed.v2("k8s-shop-api-9876543210", "network", {"service.k8s.aws/stack": "shop/api", "elbv2.k8s.aws/cluster": "demo"})
    seed.datapoints("AWS/NetworkELB", "NewFlowCount", {"LoadBalancer": nlb}, 3)
    # More than one DescribeTags batch (20 names each) of classic load balancers, each with a datapoint.
    for index in range(45):
        name = f"b{index:031x}"
        seed.classic(name, {"kubernetes.io/service-name": f"bulk/svc-{index}"})
        seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, index, count=1)
    return {"alb": alb, "nlb": nlb, "seed": seed}


def series(body, name):
    return [line for line in body.splitlines() if line.startswith(name + "{") or line.startswith(name + " ")]


def test_every_sample_carries_its_load_balancers_kubernetes_labels(exporter_factory, seeded):
    exporter = exporter_factory(RULES)
    body = exporter.metrics()
    classic = [line for line in series(body, "aws_elb_request_count_sum") if CLASSIC in line]
    assert len(classic) == 1, body
    assert re.fullmatch(
        r'aws_elb_request_count_sum\{job="aws_elb",instance="",load_balancer_name="%s",namespace="default",'
        r'service="test-service",cluster="demo",\} 42\.0 \d{13}' % CLASSIC,
        classic[0],
    ), classic[0]
    alb = series(body, "aws_applicationelb_request_count_sum")
    assert alb and f'load_balancer="{seeded["alb"]}"' in alb[0] and 'namespace="default",ingress="web",cluster="demo"' in alb[0]
    nlb = series(body, "aws_networkelb_new_flow_count_sum")
    assert nlb and 'namespace="shop",service="api",cluster="demo"' in nlb[0], nlb
    bulk = [line for line in series(body, "aws_elb_request_count_sum") if 'namespace="bulk"' in line]
    assert len(bulk) == 45
    tags = [line for line in series(body, "aws_elb_tags") if CLASSIC in line]
    assert tags and 'kubernetes_io_service_name="default/test-service"' in tags[0] and 'service="test-service"' in tags[0]
    # 46 classic names → 3 DescribeTags calls of at most 20; the refresh happened once, off the scrape path.
    assert 'cloudwatch_exporter_aws_api_requests_total{service="elb",action="DescribeTags",} 3.0' in body, body
    assert 'cloudwatch_exporter_scrape_error 0.0' in body
    assert '# HELP cloudwatch_requests_total API requests made to CloudWatch' in body
    assert 'cloudwatch_exporter_build_info{build_version="' in body
    assert re.search(r"^process_resident_memory_bytes \d", body, re.M)


def test_exposition_formats_filters_and_promtool(exporter_factory, seeded):
    exporter = exporter_factory(RULES)
    status, headers, body = exporter.get("/metrics")
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    status, headers, om = exporter.get("/metrics", {"Accept": "application/openmetrics-text; version=1.0.0"})
    assert headers["Content-Type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8"
    assert om.endswith("# EOF\n")
    assert re.search(r'^aws_elb_request_count_sum\{job="aws_elb",instance="",load_balancer_name="%s".*\} 42\.0 \d{10}\.\d{3}$' % CLASSIC, om, re.M)
    assert "# TYPE cloudwatch_requests counter" in om
    _, _, filtered = exporter.get("/metrics?name[]=cloudwatch_exporter_scrape_error")
    assert [l for l in filtered.splitlines() if not l.startswith("#")] == ["cloudwatch_exporter_scrape_error 0.0"]
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: scripts/install-deps.sh installs it"
    check = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True)
    findings = (check.stdout + check.stderr).strip()
    # promtool 2.42 exits 0 when clean, 3 for lint findings only, 1 when the exposition does not parse. The only
    # lint we accept is the `_sum` suffix on CloudWatch gauges, whose names are cloudwatch_exporter's.
    assert check.returncode in (0, 3), f"promtool check metrics exited {check.returncode}: {findings}"
    accepted = 'non-histogram and non-summary metrics should not have "_sum" suffix'
    unexpected = [line for line in findings.splitlines() if not line.endswith(accepted)]
    assert not unexpected, f"unexpected promtool findings: {unexpected}"


def test_http_endpoints(exporter_factory, seeded):
    exporter = exporter_factory(RULES)
    assert exporter.get("/-/healthy")[0:3:2] == (200, "ok")
    assert exporter.get("/-/ready")[0:3:2] == (200, "ok")
    status, headers, body = exporter.get("/")
    assert status == 200 and "<h1>CloudWatch Exporter</h1>" in body and '<a href="/metrics">Metrics</a>' in body
    assert exporter.get("/-/reload")[0:3:2] == (405, "Only POST requests allowed")
    assert exporter.get("/metrics", method="TRACE")[0] == 405
    assert exporter.get("/metrics", method="HEAD")[0] == 200
    assert exporter.get("/metrics", method="POST")[0] == 200
    assert exporter.get("/no-such-page")[0] == 404  # upstream serves the landing page here (README deviation 12)


def test_reload_applies_good_config_and_keeps_old_on_bad(exporter_factory, seeded):
    exporter = exporter_factory(RULES)
    assert "aws_elb_request_count_sum{" in exporter.metrics()
    exporter.config.write_text(RULES.replace("aws_statistics: [Sum]", "aws_statistics: [Sum, Maximum]", 1))
    status, _, body = exporter.get("/-/reload", method="POST")
    assert (status, body) == (200, "OK")
    assert "aws_elb_request_count_maximum{" in exporter.metrics()
    exporter.config.write_text("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n  period_seconds: \"60\"\n")
    status, _, body = exporter.get("/-/reload", method="POST")
    assert status == 500 and "config.yml:4" in body and "period_seconds" in body, body
    assert "aws_elb_request_count_maximum{" in exporter.metrics()
    exporter.config.write_text(RULES)
    exporter.process.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline and "aws_elb_request_count_maximum{" in exporter.metrics():
        time.sleep(0.2)
    assert "aws_elb_request_count_maximum{" not in exporter.metrics()


def test_bad_config_fails_at_start_with_position(exporter_factory, seeded):
    exporter = exporter_factory("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n  aws_statistics: [average]\n", wait=False)
    assert exporter.process.wait(timeout=30) != 0
    log = exporter.log()
    assert "config.yml:4" in log and "aws_statistics" in log and "Average" in log, log


def test_check_config_lists_problems(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text(RULES)
    result = subprocess.run([str(EXPORTER), "check-config", str(good)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    typo = tmp_path / "typo.yml"
    typo.write_text("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n  aws_dimension: [LoadBalancerName]\n")
    result = subprocess.run([str(EXPORTER), "check-config", str(typo)], capture_output=True, text=True)
    assert result.returncode == 1 and "aws_dimensions" in result.stderr, result.stderr


# Every flag the server takes (README "Usage"); `--help` lists each, as node_exporter and every exporter-toolkit
# exporter do, and still names the subcommands.
SERVER_FLAGS = ["--config.file", "--web.listen-address", "--web.config.file", "--web.read-timeout",
                "--web.idle-timeout", "--web.max-connections", "--web.max-request-body-bytes", "--log.level",
                "--log.format", "--version", "--help"]


def test_help_lists_every_server_flag_and_the_subcommands():
    result = subprocess.run([str(EXPORTER), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    missing = [flag for flag in SERVER_FLAGS if flag not in result.stdout]
    assert not missing, result.stdout
    assert "<port> <config.yml>" in result.stdout
    for subcommand in ("serve", "check-config", "scrape"):
        assert re.search(rf"^\s+{subcommand}\b", result.stdout, re.M), result.stdout
    # The subcommands keep their own help.
    result = subprocess.run([str(EXPORTER), "scrape", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "--format" in result.stdout, result.stdout
    # A bad server flag is still refused before anything starts.
    result = subprocess.run([str(EXPORTER), "--web.max-connections", "0", "--config.file", "x.yml"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "--web.max-connections must be at least 1" in result.stderr, result.stderr


def test_flags_after_serve_and_after_the_positional_arguments(moto, seeded, tmp_path):
    """The server flags work wherever they stand: before or after `serve`, and after `<port> <config.yml>`."""
    from conftest import free_port, wait_http
    import os
    config = tmp_path / "config.yml"
    config.write_text(RULES)
    env = dict(os.environ)
    env.update(aws_env(moto))
    for args in (lambda port: ["serve", "--web.listen-address", f"127.0.0.1:{port}", "--config.file", str(config)],
                 lambda port: ["--web.listen-address", f"127.0.0.1:{port}", "serve", "--config.file", str(config)],
                 lambda port: [str(port), str(config), "--log.level", "debug", "--web.read-timeout", "5s"]):
        port = free_port()
        process = subprocess.Popen([str(EXPORTER), *args(port)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            assert wait_http(f"http://127.0.0.1:{port}/-/healthy") == 200, args(port)
        finally:
            process.terminate()
            assert process.wait(timeout=15) == 0


def test_positional_port_and_config_like_upstream(moto, seeded, tmp_path):
    from conftest import Exporter, free_port
    import os
    port = free_port()
    config = tmp_path / "config.yml"
    config.write_text(RULES)
    env = dict(os.environ)
    env.update(aws_env(moto))
    process = subprocess.Popen([str(EXPORTER), str(port), str(config)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from conftest import wait_http
        assert wait_http(f"http://127.0.0.1:{port}/-/healthy") == 200
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0


def test_scrape_subcommand_prints_one_scrape(moto, seeded, tmp_path, exporter_factory):
    import os
    config = tmp_path / "config.yml"
    config.write_text(RULES)
    env = dict(os.environ)
    env.update(aws_env(moto))
    result = subprocess.run([str(EXPORTER), "scrape", str(config)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert 'service="test-service"' in result.stdout
    # The same path as /metrics: the same families, process metrics and build info included.
    served = exporter_factory(RULES).metrics()
    families = lambda body: {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE ")}
    assert families(result.stdout) == families(served)
    assert "process_resident_memory_bytes" in families(result.stdout)
    bad = subprocess.run([str(EXPORTER), "scrape", str(config), "--format", "json"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode != 0 and "--format must be text or openmetrics" in bad.stderr


def test_concurrent_scrapes_all_answer(exporter_factory, seeded):
    exporter = exporter_factory(RULES)
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        bodies = list(pool.map(lambda _: exporter.metrics(), range(5)))
    for body in bodies:
        assert len([l for l in series(body, "aws_elb_request_count_sum")]) == 46


def test_tag_failure_keeps_metrics_and_is_counted(exporter_factory, seeded):
    from conftest import free_port
    closed = f"http://127.0.0.1:{free_port()}"
    exporter = exporter_factory(RULES, {"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING": closed, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": closed})
    pattern = r'cloudwatch_exporter_load_balancer_tags_refresh_errors_total\{service="elb",\} [1-9]'
    deadline = time.time() + 30  # the refresh fails only after its retries
    body = exporter.metrics()
    while time.time() < deadline and not re.search(pattern, body):
        time.sleep(1)
        body = exporter.metrics()
    classic = [line for line in series(body, "aws_elb_request_count_sum") if CLASSIC in line]
    assert classic and "namespace=" not in classic[0]
    assert re.search(r'cloudwatch_exporter_load_balancer_tags_refresh_errors_total\{service="elb",\} [1-9]', body), body
    assert "cloudwatch_exporter_scrape_error 0.0" in body


def test_tag_changes_and_deletions_follow_the_ttl(exporter_factory, seeded):
    seed = seeded["seed"]
    seed.classic("c" * 32, {"kubernetes.io/service-name": "ttl/before"})
    seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": "c" * 32}, 1)
    exporter = exporter_factory("tag_labels:\n  cache_ttl_seconds: 10\n" + RULES)
    assert 'service="before"' in exporter.metrics()
    seed.elb.add_tags(LoadBalancerNames=["c" * 32], Tags=[{"Key": "kubernetes.io/service-name", "Value": "ttl/after"}])
    deadline = time.time() + 25
    while time.time() < deadline and 'service="after"' not in exporter.metrics():
        time.sleep(1)
    assert 'service="after"' in exporter.metrics()
    seed.elb.delete_load_balancer(LoadBalancerName="c" * 32)
    deadline = time.time() + 25
    while time.time() < deadline and ('load_balancer_name="%s"' % ("c" * 32)) in "\n".join(series(exporter.metrics(), "aws_elb_tags")):
        time.sleep(1)
    assert ('load_balancer_name="%s"' % ("c" * 32)) not in "\n".join(series(exporter.metrics(), "aws_elb_tags"))


def test_a_failing_rule_keeps_the_other_rules(exporter_factory, seeded):
    # range_seconds: 0 makes StartTime equal EndTime, which CloudWatch (and moto) reject with InvalidParameterValue.
    broken = RULES + "- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n  range_seconds: 0\n"
    exporter = exporter_factory(broken)
    body = exporter.metrics()
    assert "cloudwatch_exporter_scrape_error 1.0" in body
    assert [line for line in series(body, "aws_elb_request_count_sum") if CLASSIC in line], body
    assert series(body, "aws_applicationelb_request_count_sum") and series(body, "aws_networkelb_new_flow_count_sum")
    assert re.search(r'cloudwatch_exporter_rule_errors_total\{namespace="AWS/ELB",metric_name="Latency",code="InvalidParameterValue",\} [1-9]', body), body
    log = exporter.log()
    assert "rule.metric_name=Latency" in log and "InvalidParameterValue" in log, log


def test_a_region_reload_serves_the_new_regions_tags_at_once(exporter_factory, seeded, moto):
    import boto3
    import datetime
    west = {k: boto3.client(k, endpoint_url=moto.url, region_name="us-west-2", aws_access_key_id="testing",
                            aws_secret_access_key="testing") for k in ("elb", "cloudwatch")}
    west["elb"].create_load_balancer(
        LoadBalancerName="west-lb", Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=["us-west-2a"], Tags=[{"Key": "kubernetes.io/service-name", "Value": "west/web"}])
    now = datetime.datetime.now(datetime.timezone.utc)
    west["cloudwatch"].put_metric_data(Namespace="AWS/ELB", MetricData=[
        {"MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancerName", "Value": "west-lb"}],
         "Timestamp": now - datetime.timedelta(minutes=2), "Value": 5, "Unit": "Count"}])
    # A tag cache TTL far longer than the test: only the reload's immediate refresh can bring the new region's tags.
    config = "region: us-east-1\ntag_labels:\n  cache_ttl_seconds: 3600\n" + RULES
    exporter = exporter_factory(config)
    assert 'service="test-service"' in exporter.metrics()
    exporter.config.write_text(config.replace("region: us-east-1", "region: us-west-2"))
    status, _, body = exporter.get("/-/reload", method="POST")
    assert (status, body) == (200, "OK")
    body = exporter.metrics()
    west_series = [line for line in series(body, "aws_elb_request_count_sum") if "west-lb" in line]
    assert len(west_series) == 1 and 'namespace="west"' in west_series[0] and 'service="web"' in west_series[0], body
    assert CLASSIC not in body
    status, _, page = exporter.get("/status", headers={"Accept": "application/json"})
    import json
    report = json.loads(page)
    assert report["process"]["region"] == "us-west-2"
    assert report["process"]["last_config_load"]["trigger"] == "reload"
    assert report["process"]["last_config_load"]["succeeded"] is True
