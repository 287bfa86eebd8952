#!/usr/bin/env python3
"""Benchmark: the exporter against moto_server with N seeded classic load balancers.

Prints, for GetMetricStatistics (max_concurrent_requests 1, upstream's sequential algorithm, and 10) and
GetMetricData, for scrapes the datapoint store cannot answer (miss) and scrapes it answers (hit): AWS API calls per
scrape by action, scrape latency p50 and p99 as Prometheus sees it, the exporter's CPU seconds per scrape and per AWS
call, and its peak resident memory. moto answers in about a millisecond, so scrape times measure the exporter (and
moto), not AWS latency (--latency-ms adds some); the call counts are what AWS would bill.

--fake replaces moto with scripts/bench_fake_aws.py, a loopback fake that keeps connections alive and answers at once:
moto closes every connection and is slow, which inflates the exporter's CPU per call. --runs picks some of the lines
(gms-1-miss, gms-10-miss, gms-10-hit, gmd-1-miss, gmd-10-miss, gmd-10-hit).
"""
import argparse
import http.server
import pathlib
import re
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "integration"))
import conftest  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_fake_aws import FakeAWS  # noqa: E402

RULE = """
  - aws_namespace: AWS/ELB
    aws_metric_name: {metric}
    aws_dimensions: [LoadBalancerName]
    aws_statistics: [{stats}]
"""


# The Latency statistics; --latency-statistics Average gives 2 series per load balancer (issue 9's 20,000-series
# GetMetricData scrape is 10,000 load balancers with RequestCount Sum and Latency Average).
LATENCY_STATISTICS = "Average, Maximum"


def config(gmd, concurrency, period):
    rules = RULE.format(metric="RequestCount", stats="Sum") + RULE.format(metric="Latency", stats=LATENCY_STATISTICS)
    return (
        f"delay_seconds: 0\nrange_seconds: 600\nperiod_seconds: {period}\nuse_get_metric_data: {str(gmd).lower()}\n"
        f"max_concurrent_requests: {concurrency}\nlist_metrics_cache_ttl: 300\nmetrics:\n{rules}"
    )


class LatencyProxy:
    """Forwards to moto after a fixed delay per request, in parallel threads, so calls cost what a call to AWS costs
    (tens of milliseconds) and concurrency shows; moto alone answers in about a millisecond, one request at a time."""

    def __init__(self, target, latency_ms):
        delay = latency_ms / 1000

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(target + self.path, data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload, reply_headers = response.status, response.read(), response.headers
                except urllib.error.HTTPError as error:
                    status, payload, reply_headers = error.code, error.read(), error.headers
                self.send_response(status)
                for key, value in reply_headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def counters(body):
    calls = {}
    for match in re.finditer(r'^cloudwatch_exporter_aws_api_requests_total\{service="(\w+)",action="(\w+)",\} ([0-9.E]+)', body, re.M):
        calls[f"{match[1]}:{match[2]}"] = float(match[3])
    cpu = float(re.search(r"^process_cpu_seconds_total ([0-9.E+-]+)", body, re.M)[1])
    return calls, cpu


# Not 1 s: moto's GetMetricData computes every period of the range, and 600 one-second periods for 600 queries take it
# longer than the request timeout.
MISS_PERIOD = 10


def peak_rss(pid):
    """VmHWM: the most resident memory the process has had."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def percentile(values, fraction):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))]


def measure(exporter, scrapes, miss):
    """Times `scrapes` scrapes. For misses, each starts in a new period (period_seconds MISS_PERIOD), so its window holds
    a new period start and the datapoint store cannot answer it; for hits (period_seconds 60), the scrapes that
    happened to cross a minute boundary (and so went to CloudWatch) are left out."""
    exporter.metrics()  # first scrape: ListMetrics, the tag refresh and the store warm up
    previous, cpu_previous = counters(exporter.metrics())
    times, cpu, calls, by_action = [], 0.0, 0.0, {}
    for _ in range(scrapes * 3):
        if len(times) == scrapes:
            break
        if miss:
            time.sleep(MISS_PERIOD - time.time() % MISS_PERIOD + 0.01)
        started = time.monotonic()
        body = exporter.metrics()
        elapsed = time.monotonic() - started
        now, cpu_now = counters(body)
        delta = {k: now.get(k, 0) - previous.get(k, 0) for k in now}
        fetched = any(v for k, v in delta.items() if "GetMetric" in k)
        if fetched == miss:
            times.append(elapsed)
            cpu += cpu_now - cpu_previous
            for k, v in delta.items():
                if v:
                    by_action[k] = by_action.get(k, 0) + v
                    calls += v
        previous, cpu_previous = now, cpu_now
    if len(times) < scrapes:
        raise SystemExit(f"bench: only {len(times)} of {scrapes} scrapes were {'misses' if miss else 'hits'}")
    return times, cpu / scrapes, calls / scrapes, {k: v / scrapes for k, v in by_action.items()}, body


RUNS = {  # name: (use_get_metric_data, max_concurrent_requests, miss)
    "gms-1-miss": (False, 1, True),
    "gms-10-miss": (False, 10, True),
    "gms-10-hit": (False, 10, False),
    "gmd-1-miss": (True, 1, True),
    "gmd-10-miss": (True, 10, True),
    "gmd-10-hit": (True, 10, False),
}


def first_scrape(env, load_balancers):
    """Starts an exporter and scrapes it at once: how long after start the first answer came, and how many of its
    RequestCount samples already carry their load balancer's tag labels (the tag refresh runs DescribeTags, 20 names a
    call, concurrently; the first scrape waits up to 5 s for it)."""
    started = time.monotonic()
    exporter = conftest.Exporter(config(True, 10, 60), env).wait_ready()
    try:
        body = exporter.metrics()
        elapsed = time.monotonic() - started
        samples = [line for line in body.splitlines() if line.startswith("aws_elb_request_count_sum{")]
        labelled = sum('service="' in line for line in samples)
        print(f"first scrape after start-up ({load_balancers} classic ELBs, GetMetricData): answered {elapsed:.2f} s "
              f"after the process started, {labelled} of {len(samples)} RequestCount samples with tag labels")
    finally:
        exporter.stop()


def scrape_health(body):
    """A scrape's cloudwatch_exporter_scrape_error and its number of aws_ samples by metric name."""
    error = re.search(r"^cloudwatch_exporter_scrape_error ([0-9.E+-]+)", body, re.M)
    samples = {}
    for line in body.splitlines():
        if line.startswith("aws_"):
            name = line.split("{", 1)[0].split(" ", 1)[0]
            samples[name] = samples.get(name, 0) + 1
    return (float(error[1]) if error else None), samples


def main():
    global LATENCY_STATISTICS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--load-balancers", type=int, default=200)
    parser.add_argument("--scrapes", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every AWS call (e.g. 30 for in-region AWS)")
    parser.add_argument("--fake", action="store_true",
                        help="answer from scripts/bench_fake_aws.py (keep-alive, instant) instead of moto_server")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help=f"comma-separated subset of {', '.join(RUNS)} (default: all)")
    parser.add_argument("--latency-statistics", default=LATENCY_STATISTICS,
                        help="statistics of the Latency rule (default: %(default)s)")
    parser.add_argument("--first-scrape", action="store_true",
                        help="also time the first scrape after start-up and count its tag-labelled samples")
    args = parser.parse_args()
    LATENCY_STATISTICS = args.latency_statistics
    selected = [name.strip() for name in args.runs.split(",") if name.strip()]
    unknown = [name for name in selected if name not in RUNS]
    if unknown or not selected:
        parser.error(f"--runs: unknown {', '.join(unknown) or '(empty)'}; choose from {', '.join(RUNS)}")
    if args.fake:
        backend = FakeAWS(args.load_balancers)
    else:
        backend = conftest.Moto()
    proxy = LatencyProxy(backend.url, args.latency_ms) if args.latency_ms else None
    fake_lines = []
    try:
        if not args.fake:
            seed = conftest.Seed(backend)
            for index in range(args.load_balancers):
                name = f"a{index:031x}"
                seed.classic(name, {"kubernetes.io/service-name": f"bench/svc-{index}"})
                seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, index, count=2)
                seed.datapoints("AWS/ELB", "Latency", {"LoadBalancerName": name}, 0.1, count=2)
        print(f"{args.load_balancers} classic load balancers, 2 rules (RequestCount Sum; Latency {LATENCY_STATISTICS}), "
              f"{args.scrapes} scrapes each, {args.latency_ms:g} ms added per AWS call, exporter {conftest.EXPORTER}, "
              f"AWS: {'fake (bench_fake_aws.py, keep-alive)' if args.fake else 'moto_server'}")
        print(f"miss: the window holds a new period (period_seconds {MISS_PERIOD}), every dimension set is fetched; "
              "hit: the datapoint store answers (period_seconds 60, same minute)")
        print(f"{'api':<20}{'conc.':>6}{'scrape':>7}{'calls/scrape':>13}  {'by action':<52}{'p50 s':>8}{'p99 s':>8}"
              f"{'cpu s/scrape':>13}{'cpu ms/call':>12}{'peak rss MiB':>13}")
        for run in selected:
            gmd, concurrency, miss = RUNS[run]
            env = conftest.aws_env(backend)
            if proxy:
                env["AWS_ENDPOINT_URL"] = proxy.url
            before = backend.snapshot() if args.fake else {}
            bench_cpu = time.process_time()  # this process: the fake's threads (and the scrapes' parsing)
            exporter = conftest.Exporter(config(gmd, concurrency, MISS_PERIOD if miss else 60), env).wait_ready()
            try:
                try:
                    times, cpu, calls, by_action, body = measure(exporter, args.scrapes, miss)
                except BaseException:
                    sys.stderr.write(f"--- exporter log ({run}) ---\n{exporter.log()[-4000:]}\n")
                    raise
                detail = ", ".join(f"{k.split(':')[1]}={v:g}" for k, v in sorted(by_action.items())) or "none"
                per_call = f"{cpu / calls * 1000:.2f}" if calls else "-"
                name = "GetMetricData" if gmd else "GetMetricStatistics"
                print(f"{name:<20}{concurrency:>6}{'miss' if miss else 'hit':>7}{calls:>13.1f}  {detail:<52}"
                      f"{percentile(times, 0.5):>8.3f}{percentile(times, 0.99):>8.3f}{cpu:>13.3f}{per_call:>12}"
                      f"{peak_rss(exporter.process.pid) / 2**20:>13.1f}")
                error, samples = scrape_health(body)
                problems = [line for line in exporter.log().splitlines()
                            if any(word in line.lower() for word in ("error", "malformed", "decod", "warn"))]
                if error != 0 or not samples:
                    sys.stderr.write(f"bench: {run}: cloudwatch_exporter_scrape_error {error}, aws_ samples {samples}\n"
                                     f"--- exporter log ({run}) ---\n{exporter.log()[-4000:]}\n")
                if args.fake:
                    after = backend.snapshot()
                    requests = {k: v - before.get(k, 0) for k, v in sorted(after.items()) if v - before.get(k, 0)}
                    connections = requests.pop("connections", 0)
                    families = ", ".join(f"{k}={v}" for k, v in sorted(samples.items())) or "none"
                    fake_lines.append(
                        f"{run:<12} scrape_error {error}, aws_ samples in the last scrape: {families}; "
                        f"{len(problems)} error/warning log lines; fake CPU {time.process_time() - bench_cpu:.2f} s "
                        f"for {sum(requests.values())} requests on {connections} connections: "
                        + ", ".join(f"{k}={v}" for k, v in requests.items()))
                elif problems:
                    fake_lines.append(f"{run:<12} {len(problems)} error/warning log lines")
                for line in problems[:5]:
                    fake_lines.append(f"{'':<12} log: {line[:300]}")
            finally:
                exporter.stop()
        if args.first_scrape:
            env = conftest.aws_env(backend)
            if proxy:
                env["AWS_ENDPOINT_URL"] = proxy.url
            first_scrape(env, args.load_balancers)
        if fake_lines:
            print("fake AWS requests per run (warm-up scrapes included) and the exporter's health:" if args.fake
                  else "exporter log:")
            for line in fake_lines:
                print(line)
    finally:
        if proxy:
            proxy.stop()
        backend.stop()


if __name__ == "__main__":
    main()
