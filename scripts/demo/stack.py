#!/usr/bin/env python3
"""The local stack shared by scripts/demo.sh and tests/e2e/e2e.py: moto_server, the seeder, the exporter, a static
kube-state-metrics stand-in and Prometheus, all on 127.0.0.1 with free ports, all logs under one work directory.

Run directly, it is the demo (scripts/demo.sh calls it after installing and building):

    python3 scripts/demo/stack.py demo --exporter .build/debug/cloudwatch-tag-exporter [--duration 300]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "scripts" / "demo"
SEED_SCRIPT = REPO_ROOT / "scripts" / "seed_moto.py"
DEFAULT_EXPORTER = REPO_ROOT / ".build" / "debug" / "cloudwatch-tag-exporter"
# Series whose presence means the exporter put Kubernetes labels on CloudWatch data.
LABELLED_CLOUDWATCH = '{__name__=~"aws_(elb|applicationelb|networkelb)_.+",namespace!=""}'


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def wait_until(what: str, predicate, timeout: float, interval: float = 1.0, stack: "Stack | None" = None):
    """Polls ``predicate`` until it returns something truthy; raises StackError after ``timeout`` seconds or as
    soon as a process of ``stack`` has died (no point waiting for a crashed component)."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        if stack is not None:
            stack.check_alive()
        try:
            result = predicate()
            if result:
                return result
        except (OSError, ValueError, KeyError) as exc:
            last_exc = exc
        time.sleep(interval)
    raise StackError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" (last error: {last_exc})"
                                                                            if last_exc else ""))


class Stack:
    """Owns child processes (each in its own session so its whole process group can be stopped) and their logs."""

    last: "Stack | None" = None  # the most recent stack, so a caller whose set-up raised can still stop it

    def __init__(self, workdir: Path):
        Stack.last = self
        self.workdir = Path(workdir)
        self.logdir = self.workdir / "logs"
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.moto_url = ""
        self.exporter_url = ""
        self.prometheus_url = ""
        self.ksm_url = ""
        self.summary: dict = {}

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, name: str, argv: list[str], env: dict[str, str | None] | None = None,
              cwd: Path | None = None) -> subprocess.Popen:
        log = self.logdir / f"{name}.log"
        f = open(log, "ab")
        # A None value removes the variable from the child's environment.
        merged = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=merged, cwd=str(cwd or self.workdir),
                                start_new_session=True)
        f.close()
        self.procs.append((name, proc, log))
        return proc

    def check_alive(self) -> None:
        for name, proc, log in self.procs:
            if proc.poll() is not None and not name.startswith("seed-once"):
                raise StackError(f"{name} exited with status {proc.returncode}; see {log}")

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for _, proc, _ in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs.clear()

    def tail_logs(self, lines: int = 30, out=sys.stderr) -> None:
        for log in sorted(self.logdir.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()
            print(f"----- {log} (last {min(lines, len(text))} of {len(text)} lines) -----", file=out)
            for line in text[-lines:]:
                print(line, file=out)

    # --- components -------------------------------------------------------------------------------------------

    def aws_env(self) -> dict[str, str | None]:
        # Fake credentials for moto only; profile/token/role variables are removed so nothing real is picked up.
        return {"AWS_ENDPOINT_URL": self.moto_url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PROFILE": None,
                "AWS_SESSION_TOKEN": None, "AWS_ROLE_ARN": None, "AWS_WEB_IDENTITY_TOKEN_FILE": None,
                "AWS_EC2_METADATA_DISABLED": "true"}

    def start_moto(self, python: str = sys.executable, lb_page_cap: int | None = None) -> str:
        """Starts moto_server; with lb_page_cap, DescribeLoadBalancers answers at most that many per page
        (tests/e2e/moto_paged.py), so that a small fleet still spans several pages."""
        port = free_port()
        moto = shutil.which("moto_server")
        env = None
        if lb_page_cap is not None:
            argv = [python, str(REPO_ROOT / "tests" / "e2e" / "moto_paged.py")]
            env = {"MOTO_LB_PAGE_CAP": str(lb_page_cap)}
        else:
            argv = [moto] if moto else [python, "-m", "moto.server"]
        self.start("moto", argv + ["-H", "127.0.0.1", "-p", str(port)], env=env)
        self.moto_url = f"http://127.0.0.1:{port}"
        wait_until("moto_server", lambda: http_get(self.moto_url + "/moto-api/")[0] < 500, 120, 0.3, self)
        return self.moto_url

    def seed(self, many: int = 0, stream: bool = True, python: str = sys.executable, region: str | None = None,
             cluster: str | None = None) -> dict:
        """Creates the load balancers and a 15-minute backlog, then (optionally) streams fresh datapoints; in
        `region` (default us-east-1) for `cluster` (default demo)."""
        suffix = f"-{region}" if region else ""
        summary_path = self.workdir / f"seed-summary{suffix}.json"
        base = [python, str(SEED_SCRIPT), "--endpoint", self.moto_url, "--many", str(many)]
        base += ["--region", region] if region else []
        base += ["--cluster", cluster] if cluster else []
        proc = self.start("seed-once" + suffix, base + ["--once", "--summary", str(summary_path)])
        try:
            code = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise StackError("seeding moto took over 120 s")
        if code != 0:
            raise StackError(f"seed_moto.py --once failed ({code}); see {self.logdir / f'seed-once{suffix}.log'}")
        summary = json.loads(summary_path.read_text())
        if not region:
            self.summary = summary
        if stream:
            self.start("seed-stream" + suffix, base + ["--stream", "0"])
        return summary

    def start_exporter(self, exporter: str, config: Path, timeout: float = 60) -> str:
        port = free_port()
        exporter = os.path.abspath(exporter)
        if not os.path.exists(exporter):
            raise StackError(f"no exporter at {exporter} (build it with `swift build --product "
                             "cloudwatch-tag-exporter`, or pass tests/e2e/fake_exporter.py)")
        prefix = [sys.executable, exporter] if exporter.endswith(".py") else [exporter]
        self.start("exporter", prefix + ["--web.listen-address", f"127.0.0.1:{port}", "--config.file",
                                         str(Path(config).resolve()),
                                         "--log.level", "info"], env=self.aws_env())
        self.exporter_url = f"http://127.0.0.1:{port}"
        wait_until("the exporter's /-/healthy", lambda: http_get(self.exporter_url + "/-/healthy")[0] == 200,
                   timeout, 0.5, self)
        return self.exporter_url

    def start_ksm(self, pods_per_service: int | None = None) -> str:
        """Serves kube-state-metrics-shaped series for the seeded services from a static file."""
        root = self.workdir / "ksm"
        root.mkdir(exist_ok=True)
        (root / "metrics").write_text(ksm_text(self.summary, pods_per_service))
        port = free_port()
        self.start("ksm", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                           "--directory", str(root)])
        self.ksm_url = f"http://127.0.0.1:{port}"
        wait_until("the kube-state-metrics file server", lambda: http_get(self.ksm_url + "/metrics")[0] == 200,
                   15, 0.3, self)
        return self.ksm_url

    def start_prometheus(self, rule_globs: list[str], evaluation_interval: str = "15s",
                         prometheus: str = "prometheus") -> str:
        port = free_port()
        config = self.workdir / "prometheus.yml"
        render_prometheus_config(DEMO_DIR / "prometheus.yml.in", config, self.exporter_url, self.ksm_url, rule_globs,
                                 evaluation_interval)
        binary = shutil.which(prometheus) or "/usr/bin/prometheus"
        data = self.workdir / "prometheus-data"
        data.mkdir(exist_ok=True)
        self.start("prometheus", [binary, f"--config.file={config}", f"--storage.tsdb.path={data}",
                                  f"--web.listen-address=127.0.0.1:{port}", "--log.level=info"])
        self.prometheus_url = f"http://127.0.0.1:{port}"
        wait_until("Prometheus /-/ready", lambda: http_get(self.prometheus_url + "/-/ready")[0] == 200, 60, 0.5,
                   self)
        return self.prometheus_url

    # --- Prometheus HTTP API ----------------------------------------------------------------------------------

    def api(self, path: str, params: dict[str, str] | None = None) -> dict:
        url = self.prometheus_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        code, body = http_get(url, timeout=15)
        doc = json.loads(body)
        if doc.get("status") != "success":
            raise PromQLError(f"{doc.get('errorType')}: {doc.get('error')}")
        return doc["data"]

    def query(self, expr: str) -> list[dict]:
        return self.api("/api/v1/query", {"query": expr})["result"]


class PromQLError(ValueError):
    pass


def render_prometheus_config(template: Path, out: Path, exporter_url: str, ksm_url: str, rule_globs: list[str],
                             evaluation_interval: str) -> None:
    text = template.read_text()
    text = text.replace("@EVALUATION_INTERVAL@", evaluation_interval)
    text = text.replace("@EXPORTER_TARGET@", exporter_url.split("://", 1)[1])
    text = text.replace("@KSM_TARGET@", ksm_url.split("://", 1)[1])
    text = text.replace("@RULE_FILES@", json.dumps(rule_globs))
    out.write_text(text)


def ksm_text(summary: dict, pods_per_service: int | None = None) -> str:
    """kube-state-metrics v2 shapes: kube_service_info/spec_type (namespace, service, uid), kube_endpoint_address
    (namespace, endpoint, ip, ready) per pod, kube_endpoint_address_available, kube_ingress_info and
    kube_ingress_path for the Ingresses. Pods of a service whose load balancer has no healthy hosts are not
    ready, as they would be in a real cluster."""
    lines = []

    def fam(name: str, help_: str) -> None:
        lines.extend([f"# HELP {name} {help_}", f"# TYPE {name} gauge"])

    services = summary["services"]
    fam("kube_service_info", "Information about service.")
    for i, s in enumerate(services):
        lines.append(f'kube_service_info{{namespace="{s["namespace"]}",service="{s["service"]}",uid="{s["uid"]}",'
                     f'cluster_ip="10.100.{i // 250}.{i % 250 + 1}",external_name="",load_balancer_ip="",'
                     f'external_traffic_policy="Cluster"}} 1')
    fam("kube_service_spec_type", "Type about service.")
    for s in services:
        kind = "LoadBalancer" if s["load_balancers"] else "ClusterIP"
        lines.append(f'kube_service_spec_type{{namespace="{s["namespace"]}",service="{s["service"]}",'
                     f'uid="{s["uid"]}",type="{kind}"}} 1')
    fam("kube_endpoint_address", "Information about Endpoint available and non available addresses.")
    avail = []
    for i, s in enumerate(services):
        pods = pods_per_service if pods_per_service is not None else s["pods"]
        ready = "false" if s["story"] == "no_healthy_hosts" else "true"
        for p in range(pods):
            lines.append(f'kube_endpoint_address{{namespace="{s["namespace"]}",endpoint="{s["service"]}",'
                         f'ip="10.0.{i}.{p + 10}",ready="{ready}"}} 1')
        avail.append((s, pods if ready == "true" else 0, 0 if ready == "true" else pods))
    fam("kube_endpoint_address_available", "Number of addresses available in endpoint.")
    for s, n, _ in avail:
        lines.append(f'kube_endpoint_address_available{{namespace="{s["namespace"]}",endpoint="{s["service"]}"}} {n}')
    fam("kube_endpoint_address_not_ready", "Number of addresses not ready in endpoint.")
    for s, _, n in avail:
        lines.append(f'kube_endpoint_address_not_ready{{namespace="{s["namespace"]}",endpoint="{s["service"]}"}} {n}')
    fam("kube_ingress_info", "Information about ingress.")
    for ing in summary["ingresses"]:
        lines.append(f'kube_ingress_info{{namespace="{ing["namespace"]}",ingress="{ing["ingress"]}",'
                     f'ingressclass="alb"}} 1')
    fam("kube_ingress_path", "Ingress host, paths and backend service information.")
    for ing in summary["ingresses"]:
        for b in ing["backends"]:
            lines.append(f'kube_ingress_path{{namespace="{ing["namespace"]}",ingress="{ing["ingress"]}",'
                         f'host="{ing["ingress"]}.example.com",path="/",service_name="{b}",service_port="80"}} 1')
    return "\n".join(lines) + "\n"


def series_text(s: dict) -> str:
    m = s["metric"]
    name = m.get("__name__", "")
    labels = ",".join(f'{k}="{v}"' for k, v in sorted(m.items()) if k != "__name__")
    value = s["value"][1] if "value" in s else "…"
    return f"{name}{{{labels}}} {value}"


# --- the demo ---------------------------------------------------------------------------------------------------

def run_demo(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="run-", dir=_demo_root()))
    workdir.mkdir(parents=True, exist_ok=True)
    rules_dir = Path(args.rules_dir)
    rule_globs = [str(rules_dir.resolve() / "*.yml")]
    signal.signal(signal.SIGTERM, _interrupt)
    with Stack(workdir) as stack:
        try:
            print(f"demo: work dir {workdir}", flush=True)
            stack.start_moto()
            print(f"demo: moto_server at {stack.moto_url}; seeding…", flush=True)
            summary = stack.seed(many=args.many)
            print(f"demo: seeded {len(summary['load_balancers'])} load balancers for "
                  f"{len(summary['services'])} services", flush=True)
            stack.start_exporter(args.exporter, Path(args.config))
            stack.start_ksm()
            stack.start_prometheus(rule_globs)
            print(f"demo: exporter {stack.exporter_url}, Prometheus {stack.prometheus_url}; waiting for data…",
                  flush=True)
            wait_until("labelled CloudWatch series in Prometheus", lambda: stack.query(LABELLED_CLOUDWATCH), 180,
                       2, stack)
            time.sleep(args.settle)
            show(stack)
            if args.duration is not None:
                print(f"demo: running for {args.duration:.0f} s (Ctrl-C stops earlier)", flush=True)
            else:
                print("demo: running; Ctrl-C stops and cleans up", flush=True)
            deadline = time.monotonic() + args.duration if args.duration is not None else None
            while deadline is None or time.monotonic() < deadline:
                stack.check_alive()
                time.sleep(0.5)
            return 0
        except StackError as exc:
            print(f"demo: FAILED: {exc}", file=sys.stderr)
            stack.tail_logs()
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            print("demo: stopping…", flush=True)


def show(stack: Stack) -> None:
    _, body = http_get(stack.exporter_url + "/metrics", timeout=60)
    # namespace= alone would also match cloudwatch_requests_total{namespace="AWS/ELB"}: want the tag labels.
    labelled = [line for line in body.splitlines() if line.startswith("aws_") and "namespace=" in line
                and ("service=" in line or "ingress=" in line)]
    print(f"\n== {len(labelled)} service-labelled lines from {stack.exporter_url}/metrics (first 15) ==")
    for line in labelled[:15]:
        print("  " + line)
    expr = "namespace_service:aws_load_balancer_requests:per_second"
    print(f"\n== per Service, whatever fronts it: {expr} ==")
    for line in per_service_lines(stack.summary, stack.query(expr)):
        print("  " + line)
    try:
        groups = stack.api("/api/v1/rules")["groups"]
    except (OSError, ValueError):
        groups = []
    records = [r for g in groups for r in g["rules"] if r["type"] == "recording"]
    if records:
        print(f"\n== {len(records)} recording rules (from the repo's rules/) ==")
        for r in records:
            result = stack.query(r["name"])
            print(f"  {r['name']}: {len(result)} series" + (f", e.g. {series_text(result[0])}" if result else ""))
    alerts = stack.api("/api/v1/alerts")["alerts"]
    print(f"\n== alerts pending/firing: {len(alerts)} ==")
    for a in alerts:
        lab = a["labels"]
        print(f"  [{a['state']}] {lab.get('alertname')} "
              + ", ".join(f"{k}={v}" for k, v in sorted(lab.items()) if k in ("namespace", "service", "ingress")))
    print(f"""
== look at ==
  exporter status    {stack.exporter_url}/status   (rules, why no data, load balancers, AWS calls and cost)
  exporter metrics   {stack.exporter_url}/metrics
  Prometheus         {stack.prometheus_url}/graph?g0.expr={urllib.parse.quote(expr)}
  Prometheus alerts  {stack.prometheus_url}/alerts
  Prometheus rules   {stack.prometheus_url}/rules
  moto_server        {stack.moto_url}/moto-api/
  logs               {stack.logdir}
""", flush=True)


def per_service_lines(summary: dict, result: list[dict]) -> list[str]:
    """One line per seeded Service with a load balancer in front of it: its request rate from the per-Service rule
    (summed over every load balancer and target group in front of it) and what fronts it. NLBs count new flows,
    so "new flows" is said only where an NLB fronts the Service."""
    rate = {(s["metric"].get("namespace", ""), s["metric"].get("service", "")): float(s["value"][1])
            for s in result}
    names = {"classic": "classic ELB", "alb": "ALB", "nlb": "NLB"}
    lines = []
    for entry in summary.get("services", []):
        fronts = entry.get("fronted_by") or []
        if not fronts:
            continue
        kinds = {f["kind"] for f in fronts}
        unit = ("new flows/s" if kinds == {"nlb"} else "requests + new flows/s" if "nlb" in kinds
                else "requests/s")
        via = ", ".join(f"{names[f['kind']]} {f['load_balancer']}" + (f" ({f['via']})" if f.get("via") else "")
                        for f in fronts)
        key = (entry["namespace"], entry["service"])
        value = f"{rate[key]:.1f} {unit}" if key in rate else f"no data yet ({unit})"
        lines.append(f"{entry['namespace']}/{entry['service']}: {value} via {via}")
    return lines


def _interrupt(*_) -> None:
    """SIGTERM (e.g. from demo.sh's trap) unwinds like Ctrl-C, so the Stack context manager stops every child."""
    raise KeyboardInterrupt


def _demo_root(keep: int = 3) -> Path:
    """.demo/ (git-ignored), pruned to the ``keep`` newest earlier runs so Prometheus data does not pile up."""
    root = REPO_ROOT / ".demo"
    root.mkdir(exist_ok=True)
    runs = sorted(root.glob("run-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return root


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="cloudwatch-tag-exporter local demo stack")
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("demo", help="run the demo until Ctrl-C or --duration")
    d.add_argument("--exporter", default=str(DEFAULT_EXPORTER),
                   help="exporter binary (a .py path runs with python, e.g. tests/e2e/fake_exporter.py)")
    d.add_argument("--config", default=str(DEMO_DIR / "config.yml"))
    d.add_argument("--rules-dir", default=str(REPO_ROOT / "rules"))
    d.add_argument("--duration", type=float, help="stop after this many seconds")
    d.add_argument("--many", type=int, default=0, help="extra classic ELBs to create")
    d.add_argument("--workdir", help="state directory (default: a new .demo/run-* directory)")
    d.add_argument("--settle", type=float, default=20, help="seconds to let rules evaluate before printing")
    args = p.parse_args(argv)
    return run_demo(args)


if __name__ == "__main__":
    sys.exit(main())
