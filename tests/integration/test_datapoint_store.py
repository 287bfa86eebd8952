"""The datapoint store and shared collections, seen from outside: the exporter as a process against moto_server.

- A second scrape whose window holds no new period start makes no CloudWatch request (the store answers it); the
  first scrape after a period boundary does.
- Two concurrent scrapes with different X-Prometheus-Scrape-Timeout-Seconds share one collection, and each answers at
  its own deadline: the short one with what the store has while AWS has not answered, the long one with the data once
  AWS answers. AWS "answers" when the test opens a gate in a proxy, so no assertion depends on how fast the machine is.
"""
import concurrent.futures
import re
import threading
import time
import urllib.request

import pytest

import aws_proxy
from conftest import Seed

NAMES = [f"store{index:027x}" for index in range(3)]

CONFIG = """
delay_seconds: 0
range_seconds: 600
period_seconds: 60
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
"""


@pytest.fixture(scope="module")
def seeded(moto):
    moto.reset()
    seed = Seed(moto)
    for index, name in enumerate(NAMES):
        seed.classic(name, {"kubernetes.io/service-name": f"store/svc-{index}"})
        seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, index + 1)
    return seed


def counter(body, name, labels=""):
    total = 0.0
    for line in body.splitlines():
        if line.startswith(name + "{") and labels in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def gauge(body, name):
    match = re.search(rf"^{re.escape(name)} (\S+)", body, re.M)
    return float(match[1]) if match else None


def request_count_series(body):
    return [line for line in body.splitlines() if line.startswith("aws_elb_request_count_sum{")]


def get_metrics(url, timeout_header=None):
    headers = {"X-Prometheus-Scrape-Timeout-Seconds": timeout_header} if timeout_header else {}
    request = urllib.request.Request(url + "/metrics", headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read().decode()


GMS = 'cloudwatch_requests_total{action="getMetricStatistics"'


def test_a_scrape_in_the_same_period_makes_no_cloudwatch_request_and_one_after_the_boundary_does(
    exporter_factory, seeded
):
    exporter = exporter_factory(CONFIG)
    warm = exporter.metrics()
    # The first scrape fetches every dimension set.
    assert len(request_count_series(warm)) == len(NAMES), warm
    assert counter(warm, "cloudwatch_requests_total", 'action="getMetricStatistics"') == len(NAMES), warm
    # Two scrapes inside one minute (the period): retried when a boundary happened to fall between them. Counters are
    # compared between the two, so a retry starts from wherever the counts are.
    for _ in range(5):
        started = time.time()
        first = exporter.metrics()
        second = exporter.metrics()
        ended = time.time()
        if int(started // 60) == int(ended // 60):
            break
    else:
        pytest.fail("could not make two scrapes inside one minute")
    assert request_count_series(second) == request_count_series(first)
    fetched = counter(first, "cloudwatch_requests_total", 'action="getMetricStatistics"')
    assert counter(second, "cloudwatch_requests_total", 'action="getMetricStatistics"') == fetched, second
    hits = counter(second, "cloudwatch_exporter_datapoint_store_hits_total")
    assert hits - counter(first, "cloudwatch_exporter_datapoint_store_hits_total") == len(NAMES), second
    assert counter(second, "cloudwatch_exporter_datapoint_store_saved_requests_total") >= len(NAMES), second

    # After the next period boundary the window holds a new period start: one request per dimension set again.
    time.sleep(60 - time.time() % 60 + 1)
    third = exporter.metrics()
    assert counter(third, "cloudwatch_requests_total", 'action="getMetricStatistics"') == fetched + len(NAMES), third
    assert len(request_count_series(third)) == len(NAMES), third


class GateProxy(aws_proxy.ForwardingProxy):
    """Forwards to moto; GetMetricStatistics requests wait until the test opens the gate."""

    def __init__(self, target):
        super().__init__(target)
        self.gate = threading.Event()
        self.held = threading.Semaphore(0)

    def intercept(self, headers, body):
        if "GetMetricStatistics" in headers.get("X-Amz-Target", "") or b"Action=GetMetricStatistics" in body:
            self.held.release()
            self.gate.wait(timeout=120)
        return None

    def stop(self):
        self.gate.set()
        super().stop()


def test_concurrent_scrapes_with_different_timeouts_each_answer_at_their_own_deadline(
    exporter_factory, seeded, moto
):
    proxy = GateProxy(moto.url)
    try:
        # Held requests must not time out and retry while the test holds them.
        config = "aws_request_timeout_seconds: 120\n" + CONFIG
        exporter = exporter_factory(config, env_extra={"AWS_ENDPOINT_URL": proxy.url})
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            long = pool.submit(get_metrics, exporter.url, "60")
            # The shared collection has reached CloudWatch: its requests are held at the gate.
            assert proxy.held.acquire(timeout=60), "no GetMetricStatistics request reached the proxy"
            short = pool.submit(get_metrics, exporter.url, "2")
            short_body = short.result(timeout=60)
            # The short request answered at its deadline while AWS still held every request: no datapoint yet,
            # the abandoned requests counted, and the long request still waiting.
            assert request_count_series(short_body) == [], short_body
            assert gauge(short_body, "cloudwatch_exporter_scrape_missed_requests") >= 1, short_body
            assert not long.done()
            proxy.gate.set()
            long_body = long.result(timeout=60)
        assert len(request_count_series(long_body)) == len(NAMES), long_body
        assert gauge(long_body, "cloudwatch_exporter_scrape_error") == 0, long_body
        # One collection for both requests: one request per dimension set, not two.
        assert counter(long_body, "cloudwatch_requests_total", 'action="getMetricStatistics"') == len(NAMES), long_body
    finally:
        proxy.stop()
