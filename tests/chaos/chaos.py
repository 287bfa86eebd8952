#!/usr/bin/env python3
"""Chaos run: the exporter as a process against moto_server, through a fault-injecting loopback proxy.

Usage (repository root, after `swift build`):
    python3 tests/chaos/chaos.py [--exporter PATH] [--soak-seconds 150] [--soak-interval 0.25] [--only NAME ...]

Scenarios, each bounded in time, each printing its figures:
  throttling   20 % of AWS calls answered `Throttling`: every series of a 50-load-balancer config is present in
               every scrape.
  unreachable  AWS accepts connections and never answers: /metrics answers inside X-Prometheus-Scrape-Timeout-Seconds
               with cloudwatch_exporter_scrape_error 1, every time; the process stays up; SIGTERM ends it in time.
  malformed    one rule's answers are truncated, mistyped, huge, empty or HTML: no crash, that rule's error is counted
               and logged, the other rule's series stay.
  reloads      100 concurrent scrapes with a SIGHUP reload every 100 ms for 30 s: no crash, no failed scrape, no
               series lost, no growth of open files.
  soak         scrapes back to back, at most four a second, for 150 s (by default; a scrape against moto takes about
               a second, so about 130 scrapes, half what the 5-minute run made in twice the suite's time; RSS
               settles within the first third either way): resident memory settles (start, peak, end printed).

Only loopback addresses are used. Exits non-zero when any scenario fails, and ends with `N passed, N failed`.
"""
import argparse
import concurrent.futures
import http.server
import json
import os
import pathlib
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import conftest  # noqa: E402

LOAD_BALANCERS = 50

# period_seconds 1: every scrape (a second or more after the last) needs a new period, so the datapoint store cannot
# answer it and each scrape really goes to AWS through the faults.
CONFIG = """
delay_seconds: 0
range_seconds: 600
period_seconds: 1
list_metrics_cache_ttl: 300
{extra}
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
- aws_namespace: AWS/ELB
  aws_metric_name: Latency
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Average]
"""


RELOAD_SERIES = 10
RELOAD_CONFIG = """
delay_seconds: 0
range_seconds: 600
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
  aws_dimension_select:
    LoadBalancerName: [{names}]
"""


class FaultProxy:
    """Forwards to moto and injects faults: throttling, silence (accepts, never answers), malformed bodies."""

    def __init__(self, target):
        self.target = target
        self.throttle_fraction = 0.0
        self.silent = False
        self.malform_metric = None  # CloudWatch requests naming this metric get a malformed answer
        self.random = random.Random(8)
        self.lock = threading.Lock()
        self.counts = {"forwarded": 0, "throttled": 0, "malformed": 0, "silenced": 0}
        self.malformed_index = 0
        self.release = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                proxy.handle(self, body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, key):
        with self.lock:
            self.counts[key] += 1

    def handle(self, handler, body):
        if self.silent:
            self.count("silenced")
            # Holds the connection open without a byte of answer, as a black-holed endpoint does.
            self.release.wait(timeout=120)
            handler.close_connection = True
            return
        target = handler.headers.get("X-Amz-Target", "")
        is_json = bool(target)
        with self.lock:
            throttle = self.random.random() < self.throttle_fraction
        if throttle:
            self.count("throttled")
            if is_json:
                payload = b'{"__type":"com.amazonaws.cloudwatch#Throttling","message":"Rate exceeded"}'
                self.reply(handler, 400, payload, {"Content-Type": "application/x-amz-json-1.0",
                                                    "x-amzn-query-error": "Throttling;Sender"})
            else:
                payload = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                           b"<Message>Rate exceeded</Message></Error><RequestId>chaos</RequestId></ErrorResponse>")
                self.reply(handler, 400, payload, {"Content-Type": "text/xml"})
            return
        if self.malform_metric and self.malform_metric.encode() in body and "GetMetric" in target:
            self.count("malformed")
            with self.lock:
                self.malformed_index += 1
                index = self.malformed_index
            status, payload, content_type = MALFORMED[index % len(MALFORMED)]
            self.reply(handler, status, payload, {"Content-Type": content_type})
            return
        self.count("forwarded")
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        request = urllib.request.Request(self.target + handler.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, reply_headers = error.code, error.read(), error.headers
        kept = {k: v for k, v in reply_headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")}
        self.reply(handler, status, payload, kept)

    @staticmethod
    def reply(handler, status, payload, headers):
        try:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the exporter gave up on this call (deadline, shutdown)

    def stop(self):
        self.release.set()
        self.server.shutdown()


MALFORMED = [
    (200, b'{"Label":"Latency","Datapoints":[{"Timestamp":17', "application/x-amz-json-1.0"),  # truncated
    (200, b'{"Label":"Latency","Datapoints":"none"}', "application/x-amz-json-1.0"),  # wrong type
    (200, b'{"Datapoints":[{"Timestamp":1e20,"Average":1e400}]}', "application/x-amz-json-1.0"),  # huge
    (200, b'{"Datapoints":[{"Timestamp":"soon","Average":"1"}]}', "application/x-amz-json-1.0"),  # wrong types
    (200, b"", "application/x-amz-json-1.0"),  # empty
    (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),  # a proxy's error page
    (200, b"<html><head><title>Login</title></head><body>captive portal</body></html>", "text/html"),
    (200, b"<GetMetricStatisticsResponse><GetMetricStatisticsResult><Datapoints><member>", "text/xml"),
    (200, b"[" * 100000 + b"]" * 100000, "application/x-amz-json-1.0"),  # deep nesting
    (200, b'{"Datapoints":[' + b'{"Timestamp":1700000000,"Average":1},' * 50000 + b'{}]}',
     "application/x-amz-json-1.0"),  # large, last element incomplete
]


def series(body, name):
    return [line for line in body.splitlines() if line.startswith(name + "{")]


def gauge(body, name):
    match = re.search(rf"^{re.escape(name)} ([0-9.E+-]+)", body, re.M)
    return float(match[1]) if match else None


def counter_sum(body, name, label_filter=""):
    total = 0.0
    for line in body.splitlines():
        if line.startswith(name + "{") and label_filter in line and not line.startswith(name + "_created"):
            total += float(line.rsplit(" ", 1)[1])
    return total


class Run:
    def __init__(self, args):
        self.args = args
        self.moto = conftest.Moto()
        self.proxy = FaultProxy(self.moto.url)
        seed = conftest.Seed(self.moto)
        self.names = [f"c{index:031x}" for index in range(LOAD_BALANCERS)]
        for index, name in enumerate(self.names):
            seed.classic(name, {"kubernetes.io/service-name": f"chaos/svc-{index}"})
            seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, index + 1, count=3)
            seed.datapoints("AWS/ELB", "Latency", {"LoadBalancerName": name}, 0.25, count=3)
        self.results = []

    def exporter(self, extra="", config=None, direct=False):
        env = conftest.aws_env(self.moto)
        if not direct:
            env["AWS_ENDPOINT_URL"] = self.proxy.url
        return conftest.Exporter(config or CONFIG.format(extra=extra), env).wait_ready()

    def reset_faults(self):
        self.proxy.throttle_fraction = 0.0
        self.proxy.silent = False
        self.proxy.malform_metric = None

    def scenario(self, name, function):
        if self.args.only and name not in self.args.only:
            return
        print(f"\n=== {name}", flush=True)
        self.reset_faults()
        started = time.monotonic()
        try:
            function()
            self.results.append((name, True))
            print(f"--- {name}: passed in {time.monotonic() - started:.1f} s", flush=True)
        except AssertionError as error:
            self.results.append((name, False))
            print(f"--- {name}: FAILED: {error}", flush=True)
        finally:
            self.reset_faults()

    # Scenarios -------------------------------------------------------------------------------------------------

    def throttling(self):
        # Attempts raised from the default 3: at 20 % a call fails every attempt with probability 0.2^n, and the first
        # scrape has no earlier datapoint to fall back on. Later scrapes keep a series whose request failed from its
        # last datapoint while that is in the window.
        exporter = self.exporter("aws_max_attempts: 8\naws_retry_base_delay_seconds: 0.02\n")
        try:
            self.proxy.throttle_fraction = 0.2
            before = dict(self.proxy.counts)
            present = []
            for _ in range(10):
                time.sleep(1.1)  # a new period: the store cannot answer, the scrape goes to AWS
                body = exporter.metrics({"X-Prometheus-Scrape-Timeout-Seconds": "30"})
                count = len(series(body, "aws_elb_request_count_sum")) + len(series(body, "aws_elb_latency_average"))
                present.append(count)
            throttled = self.proxy.counts["throttled"] - before["throttled"]
            forwarded = self.proxy.counts["forwarded"] - before["forwarded"]
            retries = counter_sum(body, "cloudwatch_exporter_aws_api_retries_total", 'reason="throttling"')
            print(f"series per scrape (of {2 * LOAD_BALANCERS}): {present}")
            print(f"AWS calls through the proxy: {throttled + forwarded}, throttled {throttled} "
                  f"({throttled / max(1, throttled + forwarded):.0%}); throttling retries counted by the exporter "
                  f"{retries:g}")
            assert exporter.process.poll() is None, "the exporter died"
            assert all(count == 2 * LOAD_BALANCERS for count in present), f"series lost: {present}"
        finally:
            exporter.stop()

    def unreachable(self):
        exporter = self.exporter("aws_request_timeout_seconds: 10\n")
        try:
            exporter.metrics()  # warm: ListMetrics cached, tags known
            self.proxy.silent = True
            timings = []
            for _ in range(5):
                time.sleep(1.1)  # a new period: the store cannot answer, the scrape goes to AWS
                started = time.monotonic()
                # Prometheus sends its timeout and gives up at it; so does this client (a read timeout of 5 s).
                status, _, body = exporter.get_with_timeout("/metrics", {"X-Prometheus-Scrape-Timeout-Seconds": "5"}, 5)
                timings.append(time.monotonic() - started)
                assert status == 200, f"status {status}"
                assert gauge(body, "cloudwatch_exporter_scrape_error") == 1.0, "scrape_error is not 1"
            print("answer times with a 5 s scrape timeout: " + ", ".join(f"{t:.2f} s" for t in timings))
            assert exporter.process.poll() is None, "the exporter died"
            started = time.monotonic()
            exporter.process.send_signal(signal.SIGTERM)
            try:
                exporter.process.wait(timeout=20)
            except Exception:
                raise AssertionError("SIGTERM did not end the process within 20 s")
            stopped = time.monotonic() - started
            print(f"SIGTERM to exit with AWS silent: {stopped:.2f} s (the exporter's own bound is 4.5 s)")
            assert stopped < 10, f"SIGTERM took {stopped:.1f} s"
        finally:
            exporter.stop()

    def malformed(self):
        exporter = self.exporter()
        try:
            self.proxy.malform_metric = "Latency"
            lost = []
            scrapes = len(MALFORMED) // 5 + 2
            for _ in range(scrapes):
                time.sleep(1.1)  # a new period: the store cannot answer, the scrape goes to AWS
                body = exporter.metrics({"X-Prometheus-Scrape-Timeout-Seconds": "30"})
                lost.append(LOAD_BALANCERS - len(series(body, "aws_elb_request_count_sum")))
                assert exporter.process.poll() is None, "the exporter died"
            errors = counter_sum(body, "cloudwatch_exporter_rule_errors_total", 'metric_name="Latency"')
            other_errors = counter_sum(body, "cloudwatch_exporter_rule_errors_total", 'metric_name="RequestCount"')
            log = exporter.log()
            print(f"malformed answers served: {self.proxy.counts['malformed']}; Latency rule errors counted: {errors:g}; "
                  f"RequestCount series lost per scrape: {lost}")
            # Every Latency request gets a malformed answer (some after retrying a 502): each is one rule error.
            assert errors == scrapes * LOAD_BALANCERS, (
                f"{errors:g} Latency rule errors counted, expected {scrapes * LOAD_BALANCERS}: a malformed answer passed")
            assert other_errors == 0, "the healthy rule counted errors"
            assert all(count == 0 for count in lost), "the healthy rule lost series"
            assert "MalformedResponse" in log, "the malformed answers were not logged"
        finally:
            exporter.stop()

    def reloads(self):
        # Every reload builds a new collector (and ListMetrics cache), so each is a fresh collection: a config without
        # ListMetrics, straight to moto, keeps moto (one request at a time) from being what is measured.
        names = ", ".join(self.names[:RELOAD_SERIES])
        config = RELOAD_CONFIG.format(names=names)
        exporter = self.exporter(config=config, direct=True)
        try:
            exporter.metrics()
            fds_before = len(os.listdir(f"/proc/{exporter.process.pid}/fd"))
            stop = threading.Event()
            failures = []
            counts = []
            lock = threading.Lock()

            def scraper():
                while not stop.is_set():
                    try:
                        status, _, body = exporter.get_with_timeout("/metrics", {}, 60)
                        with lock:
                            if status != 200:
                                failures.append(f"status {status}")
                            else:
                                counts.append(len(series(body, "aws_elb_request_count_sum")))
                    except OSError as error:
                        with lock:
                            failures.append(repr(error))

            duration = 30
            with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
                for _ in range(100):
                    pool.submit(scraper)
                reloads = 0
                deadline = time.monotonic() + duration
                while time.monotonic() < deadline:
                    exporter.process.send_signal(signal.SIGHUP)
                    reloads += 1
                    time.sleep(0.1)
                stop.set()
            alive = exporter.process.poll() is None
            fds_after = len(os.listdir(f"/proc/{exporter.process.pid}/fd")) if alive else -1
            lost = [c for c in counts if c != RELOAD_SERIES]
            print(f"{reloads} SIGHUP reloads, {len(counts)} scrapes answered, {len(failures)} failed, "
                  f"{len(lost)} with series missing; open files {fds_before} -> {fds_after}")
            assert alive, "the exporter died"
            assert not failures, f"failed scrapes: {failures[:5]}"
            assert counts, "no scrape answered"
            assert not lost, f"series lost in {len(lost)} scrapes, e.g. {lost[:5]}"
            # Keep-alive connections of the 100 clients close as they finish; allow the pool's idle connections.
            assert fds_after <= fds_before + 20, f"open files grew from {fds_before} to {fds_after}"
        finally:
            exporter.stop()

    def soak(self):
        exporter = self.exporter()
        try:
            samples = []
            deadline = time.monotonic() + self.args.soak_seconds
            while time.monotonic() < deadline:
                started = time.monotonic()
                body = exporter.metrics()
                samples.append(gauge(body, "process_resident_memory_bytes") / 2**20)
                time.sleep(max(0.0, self.args.soak_interval - (time.monotonic() - started)))
            third = max(1, len(samples) // 3)
            early_peak = max(samples[:third])
            late_peak = max(samples[-third:])
            print(f"{len(samples)} scrapes over {self.args.soak_seconds} s; RSS start {samples[0]:.1f} MiB, "
                  f"peak {max(samples):.1f} MiB, end {samples[-1]:.1f} MiB; first third peak {early_peak:.1f}, "
                  f"last third peak {late_peak:.1f}")
            assert exporter.process.poll() is None, "the exporter died"
            # Settled: the last third grows no more than a few MiB (allocator noise) over the first third.
            assert late_peak <= early_peak + 8, f"RSS still growing: {early_peak:.1f} -> {late_peak:.1f} MiB"
        finally:
            exporter.stop()

    def close(self):
        self.proxy.stop()
        self.moto.stop()


def get_with_timeout(self, path, headers, timeout):
    request = urllib.request.Request(self.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


conftest.Exporter.get_with_timeout = get_with_timeout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exporter", help="the exporter binary (default: .build/debug/cloudwatch-tag-exporter)")
    parser.add_argument("--soak-seconds", type=int, default=150)
    parser.add_argument("--soak-interval", type=float, default=0.25, help="seconds between soak scrapes")
    parser.add_argument("--only", nargs="*", help="run only these scenarios")
    args = parser.parse_args()
    if args.exporter:
        conftest.EXPORTER = pathlib.Path(args.exporter).resolve()
    if not conftest.EXPORTER.exists():
        print(f"exporter binary {conftest.EXPORTER} missing: run `swift build` first")
        return 1
    run = Run(args)
    try:
        run.scenario("throttling", run.throttling)
        run.scenario("unreachable", run.unreachable)
        run.scenario("malformed", run.malformed)
        run.scenario("reloads", run.reloads)
        run.scenario("soak", run.soak)
    finally:
        run.close()
    passed = sum(1 for _, ok in run.results if ok)
    failed = len(run.results) - passed
    print(f"\nchaos: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
