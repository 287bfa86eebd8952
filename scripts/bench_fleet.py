#!/usr/bin/env python3
"""Fleet-scale benchmark: the exporter (release build) against scripts/bench_fake_aws.py in a process of its own,
every AWS call answered after a fixed latency (50 ms by default, as in-region AWS takes), with 2 series per classic
load balancer (RequestCount Sum, Latency Average).

Cases (--cases, comma-separated):
  gms-first:N      N load balancers, GetMetricStatistics, max_concurrent_requests 10: the first scrape after start-up
                   (2N GetMetricStatistics + the ListMetrics pages) against the latency-bound limit
                   (calls / 10 × latency), --repeats times.
  gmd:N            N load balancers, GetMetricData: the first scrape after start-up (answer time, the share of its
                   samples with tag labels, the time until every sample is labelled), then scrapes the datapoint
                   store answers (hits) with the ListMetrics cache off (every hit lists again) and on, and scrapes
                   it cannot answer (misses): wall time, exporter CPU per scrape, peak RSS.
  targets:R:A:N    R regions × A accounts (role_arns, STS AssumeRole answered by the fake) × N load balancers each,
                   GetMetricData: the first scrape after start-up, labelled share per target (each target's
                   samples must carry its own tags), time until every target is labelled, hits, peak RSS.

The first scrape is sent with X-Prometheus-Scrape-Timeout-Seconds (--scrape-timeout, 30 s: the README's scrape
config), as Prometheus sends it. CPU is the exporter's user + system time from /proc around each scrape; the fake's
CPU is measured the same way, apart (it must not be what limits the run).
"""
import argparse
import os
import pathlib
import re
import statistics
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "integration"))
import conftest  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_fake_aws import FakeProcess  # noqa: E402

RULES = """
  - aws_namespace: AWS/ELB
    aws_metric_name: RequestCount
    aws_dimensions: [LoadBalancerName]
    aws_statistics: [Sum]
  - aws_namespace: AWS/ELB
    aws_metric_name: Latency
    aws_dimensions: [LoadBalancerName]
    aws_statistics: [Average]
"""

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1"]
SAMPLE_PREFIXES = ("aws_elb_request_count_sum{", "aws_elb_latency_average{")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def config(gmd, period, list_cache_ttl, regions=None, role_arns=None, concurrency=10):
    text = (f"delay_seconds: 0\nrange_seconds: 600\nperiod_seconds: {period}\n"
            f"use_get_metric_data: {str(gmd).lower()}\nmax_concurrent_requests: {concurrency}\n"
            f"list_metrics_cache_ttl: {list_cache_ttl}\n")
    if regions:
        text += "regions: [" + ", ".join(regions) + "]\n"
    if role_arns:
        text += "role_arns:\n" + "".join(f"  - {arn}\n" for arn in role_arns)
    return text + "metrics:\n" + RULES


def environment(fake):
    """Every service its own endpoint (its own connection pool in the exporter), as each is a host of its own in AWS."""
    urls = fake.urls
    env = conftest.aws_env(fake)
    env["AWS_ENDPOINT_URL_CLOUDWATCH"] = urls[0]
    env["AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING"] = urls[1 % len(urls)]
    env["AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"] = urls[2 % len(urls)]
    env["AWS_ENDPOINT_URL_STS"] = urls[3 % len(urls)]
    return env


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def scrape(exporter, timeout_seconds=None):
    """One /metrics request: (body, wall seconds, exporter CPU seconds)."""
    headers = {"X-Prometheus-Scrape-Timeout-Seconds": str(timeout_seconds)} if timeout_seconds else {}
    request = urllib.request.Request(exporter.url + "/metrics", headers=headers)
    cpu = cpu_seconds(exporter.process.pid)
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=600) as response:
        body = response.read().decode()
    elapsed = time.monotonic() - started
    return body, elapsed, cpu_seconds(exporter.process.pid) - cpu


def samples(body):
    return [line for line in body.splitlines() if line.startswith(SAMPLE_PREFIXES)]


def labelled(lines):
    return sum('service="' in line for line in lines)


def by_target(lines):
    """Per (region, account_id): samples, and those labelled with that target's own tags (its cluster)."""
    targets = {}
    for line in lines:
        labels = dict(LABEL.findall(line.split("{", 1)[1].rsplit("}", 1)[0]))
        key = (labels.get("region", ""), labels.get("account_id", ""))
        total, good = targets.get(key, (0, 0))
        own = labels.get("service") and labels.get("cluster") == f"{key[0]}-{key[1]}"
        targets[key] = (total + 1, good + (1 if own else 0))
    return targets


def median(values):
    return statistics.median(values) if values else float("nan")


def fetched(before, after):
    """GetMetric* calls between two snapshots of the fake's counts."""
    return sum(after.get(k, 0) - before.get(k, 0) for k in after if "GetMetric" in k)


def list_pages(before, after):
    return after.get("cloudwatch:ListMetrics", 0) - before.get("cloudwatch:ListMetrics", 0)


def repeated(exporter, fake, scrapes, want_fetch, timeout_seconds):
    """`scrapes` scrapes that fetched (misses) or did not (hits), each timed; others are left out."""
    walls, cpus, pages = [], [], []
    for _ in range(scrapes * 3):
        if len(walls) == scrapes:
            break
        if want_fetch:
            time.sleep(10 - time.time() % 10 + 0.05)  # period 10 s: every scrape's window holds a new period
        before = fake.snapshot()
        body, wall, cpu = scrape(exporter, timeout_seconds)
        after = fake.snapshot()
        if (fetched(before, after) > 0) == want_fetch and samples(body):
            walls.append(wall)
            cpus.append(cpu)
            pages.append(list_pages(before, after))
    return walls, cpus, pages


def measure(exporter, fake, args, label, misses):
    """`args.scrapes` hits (or misses) reported on one line; returns the exporter's peak RSS in MiB."""
    walls, cpus, pages = repeated(exporter, fake, args.scrapes, misses, None)
    peak = peak_rss_mib(exporter.process.pid)
    report(f"  {label}: wall median {median(walls):.3f} s, CPU median {median(cpus):.3f} s "
           f"(min {min(cpus, default=0):.3f}, max {max(cpus, default=0):.3f}), "
           f"{median(pages):.0f} ListMetrics pages; peak RSS {peak:.0f} MiB")
    return peak


def first_scrape(exporter, fake, timeout_seconds, expected, started):
    """The first scrape after start-up, then scrapes until every sample is labelled (or 5 minutes)."""
    body, wall, cpu = scrape(exporter, timeout_seconds)
    lines = samples(body)
    answered = time.monotonic() - started
    first = (answered, wall, cpu, labelled(lines), len(lines), lines)
    all_labelled = answered if labelled(lines) == expected else None
    while all_labelled is None and time.monotonic() - started < 300:
        time.sleep(1)
        body, _, _ = scrape(exporter, timeout_seconds)
        lines = samples(body)
        if labelled(lines) == expected:
            all_labelled = time.monotonic() - started
    return first, all_labelled


def report(line):
    print(line, flush=True)


def case_gms_first(load_balancers, args):
    fake = FakeProcess(load_balancers, latency_ms=args.latency_ms, listeners=args.listeners)
    try:
        bound = 2 * load_balancers / 10 * args.latency_ms / 1000
        walls, cpus = [], []
        for _ in range(args.repeats):
            exporter = conftest.Exporter(config(False, 60, 0), environment(fake)).wait_ready()
            try:
                fake.take_trace()
                before = fake.snapshot()
                body, wall, cpu = scrape(exporter, args.scrape_timeout)
                after = fake.snapshot()
                traced = [call for call in fake.take_trace()["calls"] if call[2]]
                calls = [(start, end) for start, end, _, _ in traced]
                span = max(end for _, end in calls) - min(start for start, _ in calls) if calls else 0
                in_flight = sum(end - start for start, end in calls) / span if span else 0
                # The exporter's turnaround on a connection: from an answer leaving the fake to the next call
                # arriving on the same connection (what keeps the bound from being full).
                gaps, last = [], {}
                for start, end, _, port in sorted(traced):
                    if port in last:
                        gaps.append(start - last[port])
                    last[port] = end
                count = after.get("cloudwatch:GetMetricStatistics", 0) - before.get("cloudwatch:GetMetricStatistics", 0)
                lines = samples(body)
                walls.append(wall)
                cpus.append(cpu)
                report(f"  gms-first {load_balancers}: {wall:.2f} s ({wall / bound:.3f} × the {bound:.1f} s bound), "
                       f"{count} GetMetricStatistics + {list_pages(before, after)} ListMetrics, CPU {cpu:.2f} s, "
                       f"CloudWatch calls in flight {in_flight:.2f} on average over {span:.2f} s, turnaround "
                       f"median {1000 * median(gaps):.2f} ms (p90 {1000 * sorted(gaps)[int(0.9 * len(gaps))] if gaps else 0:.2f} ms) "
                       f"on {len(last)} connections, "
                       f"{labelled(lines)}/{len(lines)} labelled, peak RSS {peak_rss_mib(exporter.process.pid):.0f} MiB")
            finally:
                exporter.stop()
        report(f"gms-first {load_balancers} ELBs, {args.latency_ms:g} ms/call: median {median(walls):.2f} s = "
               f"{median(walls) / bound:.3f} × the latency bound ({bound:.1f} s), CPU median {median(cpus):.2f} s; "
               f"fake CPU {fake.cpu_seconds():.1f} s in all")
    finally:
        fake.stop()


def case_gmd(load_balancers, args):
    fake = FakeProcess(load_balancers, latency_ms=args.latency_ms, listeners=args.listeners)
    series = 2 * load_balancers
    rss = []
    try:
        # 1. First scrape after start-up, hits with the ListMetrics cache off.
        started = time.monotonic()
        exporter = conftest.Exporter(config(True, 60, 0), environment(fake)).wait_ready()
        try:
            fake_cpu = fake.cpu_seconds()
            (answered, wall, cpu, good, total, _), all_labelled = first_scrape(
                exporter, fake, args.scrape_timeout, series, started)
            report(f"gmd {load_balancers} ELBs ({series} series): first scrape answered {answered:.1f} s after start "
                   f"(request {wall:.1f} s, CPU {cpu:.2f} s), {good} of {total} samples labelled "
                   f"({100 * good / max(1, total):.0f} %); all labelled "
                   + (f"{all_labelled:.1f} s after start" if all_labelled is not None else "not within 5 minutes")
                   + f"; fake CPU {fake.cpu_seconds() - fake_cpu:.1f} s")
            rss.append(measure(exporter, fake, args, "hit, ListMetrics cache off", misses=False))
        finally:
            exporter.stop()
        # 2. Hits with the ListMetrics cache on; 3. misses (period 10 s), ListMetrics cache on.
        for cfg, label, misses in [(config(True, 60, 300), "hit, ListMetrics cache on", False),
                                   (config(True, 10, 300), "miss (GetMetricData, cache on)", True)]:
            exporter = conftest.Exporter(cfg, environment(fake)).wait_ready()
            try:
                scrape(exporter)  # fills the store (and the ListMetrics cache)
                rss.append(measure(exporter, fake, args, label, misses))
            finally:
                exporter.stop()
        report(f"  peak RSS (largest of the three exporters): {max(rss):.0f} MiB; fake CPU {fake.cpu_seconds():.1f} s "
               "in all")
    finally:
        fake.stop()


def case_targets(regions, accounts, load_balancers, args):
    names = REGIONS[:regions]
    fake = FakeProcess(load_balancers, latency_ms=args.latency_ms, regions=names, accounts=accounts, listeners=args.listeners)
    arns = [f"arn:aws:iam::{123456789012 if a == 0 else 100000000000 + a}:role/bench" for a in range(accounts)]
    count = regions * accounts
    try:
        started = time.monotonic()
        exporter = conftest.Exporter(config(True, 60, 0, regions=names, role_arns=arns), environment(fake)).wait_ready()
        try:
            body, wall, cpu = scrape(exporter, args.scrape_timeout)
            answered = time.monotonic() - started
            targets = by_target(samples(body))
            full = sum(1 for total, good in targets.values() if total == good == 2 * load_balancers)
            shares = sorted(good / max(1, total) for total, good in targets.values())
            report(f"targets {regions} regions × {accounts} accounts × {load_balancers} ELBs: first scrape answered "
                   f"{answered:.1f} s after start (request {wall:.1f} s, CPU {cpu:.2f} s); {len(targets)} of {count} "
                   f"targets with samples, {full} of them with every sample labelled with its own tags "
                   f"(least labelled target {100 * (shares[0] if shares else 0):.0f} %)")
            all_labelled = answered if full == count else None
            while all_labelled is None and time.monotonic() - started < 300:
                time.sleep(1)
                body, _, _ = scrape(exporter, args.scrape_timeout)
                targets = by_target(samples(body))
                if sum(1 for total, good in targets.values() if total == good == 2 * load_balancers) == count:
                    all_labelled = time.monotonic() - started
            walls, cpus, _ = repeated(exporter, fake, args.scrapes, False, None)
            report(f"  every target labelled "
                   + (f"{all_labelled:.1f} s after start" if all_labelled is not None else "not within 5 minutes")
                   + f"; hit (ListMetrics cache off): wall median {median(walls):.2f} s, CPU median "
                   f"{median(cpus):.3f} s; peak RSS {peak_rss_mib(exporter.process.pid):.0f} MiB; "
                   f"fake CPU {fake.cpu_seconds():.1f} s")
        finally:
            exporter.stop()
    finally:
        fake.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="gms-first:1000,gmd:10000,gmd:50000,targets:3:10:500")
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--scrapes", type=int, default=5, help="hits and misses measured per line (median)")
    parser.add_argument("--repeats", type=int, default=3, help="first scrapes measured for gms-first (median)")
    parser.add_argument("--listeners", type=int, default=4,
                        help="fake endpoints: 4 gives CloudWatch, ELB, ELBv2 and STS one each (as in AWS, where each "
                             "is a host with its own connection pool in the exporter); 1 serves all at one URL")
    parser.add_argument("--scrape-timeout", type=float, default=30,
                        help="X-Prometheus-Scrape-Timeout-Seconds of the first scrape (default %(default)s)")
    args = parser.parse_args()
    report(f"exporter {conftest.EXPORTER}; fake AWS (bench_fake_aws.py, own process, {args.latency_ms:g} ms per "
           f"call); {os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for case in [c.strip() for c in args.cases.split(",") if c.strip()]:
        kind, *numbers = case.split(":")
        values = [int(n) for n in numbers]
        if kind == "gms-first" and len(values) == 1:
            case_gms_first(values[0], args)
        elif kind == "gmd" and len(values) == 1:
            case_gmd(values[0], args)
        elif kind == "targets" and len(values) == 3:
            case_targets(*values, args)
        else:
            parser.error(f"--cases: cannot read {case!r}")


if __name__ == "__main__":
    main()
