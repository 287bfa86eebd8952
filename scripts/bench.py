#!/usr/bin/env python3
"""Benchmark: the exporter against moto_server with N seeded classic load balancers.

Prints, for each configuration (GetMetricStatistics or GetMetricData, max_concurrent_requests 1 or 10): AWS API
calls per scrape by action, scrape wall time, the exporter's CPU seconds per scrape and its resident memory.
moto answers in about a millisecond, so scrape times measure the exporter (and moto), not AWS latency; the call
counts are what AWS would bill.
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

RULE = """
  - aws_namespace: AWS/ELB
    aws_metric_name: {metric}
    aws_dimensions: [LoadBalancerName]
    aws_statistics: [{stats}]
"""


def config(gmd, concurrency):
    rules = RULE.format(metric="RequestCount", stats="Sum") + RULE.format(metric="Latency", stats="Average, Maximum")
    return (
        f"delay_seconds: 0\nrange_seconds: 600\nperiod_seconds: 60\nuse_get_metric_data: {str(gmd).lower()}\n"
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
    rss = float(re.search(r"^process_resident_memory_bytes ([0-9.E+-]+)", body, re.M)[1])
    return calls, cpu, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--load-balancers", type=int, default=200)
    parser.add_argument("--scrapes", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every AWS call (e.g. 30 for in-region AWS)")
    args = parser.parse_args()
    moto = conftest.Moto()
    proxy = LatencyProxy(moto.url, args.latency_ms) if args.latency_ms else None
    try:
        seed = conftest.Seed(moto)
        for index in range(args.load_balancers):
            name = f"a{index:031x}"
            seed.classic(name, {"kubernetes.io/service-name": f"bench/svc-{index}"})
            seed.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, index, count=2)
            seed.datapoints("AWS/ELB", "Latency", {"LoadBalancerName": name}, 0.1, count=2)
        print(f"{args.load_balancers} classic load balancers, 2 rules (RequestCount Sum; Latency Average+Maximum), "
              f"{args.scrapes} scrapes each, {args.latency_ms:g} ms added per AWS call, exporter {conftest.EXPORTER}")
        print(f"{'api':<22}{'concurrency':>12}{'calls/scrape':>14}  {'by action (steady state)':<58}{'scrape s':>9}{'cpu s/scrape':>13}{'rss MiB':>9}")
        for gmd in (False, True):
            for concurrency in (1, 10):
                env = conftest.aws_env(moto)
                if proxy:
                    env["AWS_ENDPOINT_URL"] = proxy.url
                exporter = conftest.Exporter(config(gmd, concurrency), env).wait_ready()
                try:
                    exporter.metrics()  # first scrape: ListMetrics and the tag refresh warm up
                    before, cpu0, _ = counters(exporter.metrics())
                    started = time.monotonic()
                    for _ in range(args.scrapes):
                        body = exporter.metrics()
                    elapsed = (time.monotonic() - started) / args.scrapes
                    after, cpu1, rss = counters(body)
                    # Each body's counters include its own scrape, so the difference covers exactly the timed scrapes.
                    per_scrape = {k: (after.get(k, 0) - before.get(k, 0)) / args.scrapes for k in after}
                    per_scrape = {k: v for k, v in per_scrape.items() if v}
                    total = sum(per_scrape.values())
                    detail = ", ".join(f"{k}={v:g}" for k, v in sorted(per_scrape.items()))
                    name = "GetMetricData" if gmd else "GetMetricStatistics"
                    print(f"{name:<22}{concurrency:>12}{total:>14.1f}  {detail:<58}{elapsed:>9.3f}{(cpu1 - cpu0) / args.scrapes:>13.3f}{rss / 2**20:>9.1f}")
                finally:
                    exporter.stop()
    finally:
        if proxy:
            proxy.stop()
        moto.stop()


if __name__ == "__main__":
    main()
