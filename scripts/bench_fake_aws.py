#!/usr/bin/env python3
"""A loopback fake of the AWS APIs the exporter calls, for benchmarks: it keeps connections alive (HTTP/1.1) and
answers at once, or after a fixed latency per call (--latency-ms, as in-region AWS takes), so the exporter's own CPU
per call and its concurrency can be measured (moto_server closes every connection and answers slowly).

It serves, on 127.0.0.1, a fleet of N classic load balancers per target, named f"a{index:031x}" (each tagged
kubernetes.io/service-name=bench/svc-<index>; with several targets also kubernetes.io/cluster/<region>-<account>,
so that every sample says which target's tags it got):
  - CloudWatch JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.*): ListMetrics (pages of 500),
    GetMetricStatistics and GetMetricData (two period-aligned datapoints per series; RequestCount's value is the load
    balancer's index, every other metric's 0.1);
  - classic Elastic Load Balancing (Query, Version=2012-06-01): DescribeLoadBalancers (PageSize, Marker = index) and
    DescribeTags;
  - ELBv2 (Query, Version=2015-12-01): DescribeLoadBalancers (no load balancers) and DescribeTags (none);
  - STS (Query, Version=2011-06-15): GetCallerIdentity, and AssumeRole, whose credentials name the role's account
    (access key ASIA<account>BNCH), so a later call signed with them is answered from that account's fleet.

Targets: without --regions/--accounts there is one fleet, answered whatever region and account a call is signed
for. With `--regions us-east-1,eu-west-1 --accounts 3`, each (region, account) pair has its own fleet of N load
balancers (indices k*N .. k*N+N-1 for the k-th pair, regions first): a call is told apart by the region of its
signature's scope and by its access key (the default credentials are account 123456789012, the first of
--accounts; the others are 100000000001, 100000000002, ...). The exporter reaches every region at the same URL
(AWS_ENDPOINT_URL overrides the host, not the signing region).

--listeners K serves the same fake on K ports (`.urls`), so that each AWS service can be given its own endpoint
(AWS_ENDPOINT_URL_CLOUDWATCH, ..._ELASTIC_LOAD_BALANCING): in AWS each service is a host of its own, with its own
connection pool in the exporter.

`.counts` (read it with `.snapshot()`, or GET /__fake/counts as JSON) counts requests by "service:Action" and
accepted TCP connections under "connections"; `.take_trace()` (GET /__fake/trace) hands over the arrival and answer
times of the calls since the last take (how many the exporter kept in flight). Anything else: HTTP 400 {"__type": "UnknownOperationException"}.
Services are told apart by X-Amz-Target or the form's Version.

Usage: python3 scripts/bench_fake_aws.py --port 4566 --load-balancers 200 [--latency-ms 50] [--regions ...]
       [--accounts N] [--listeners K]
The first line printed is JSON: {"urls": [...]} once it listens.
"""
import argparse
import datetime
import http.server
import json
import math
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

CLOUDWATCH_PREFIX = "GraniteServiceVersion20100801."
NAMESPACE = "AWS/ELB"
DIMENSION = "LoadBalancerName"
METRICS = ("RequestCount", "Latency")  # ListMetrics without MetricName lists these
LIST_METRICS_PAGE = 500
ACCOUNT = "123456789012"
ELB_XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/"
ELBV2_XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
JSON_TYPE = b"application/x-amz-json-1.0"
XML_TYPE = b"text/xml"
COUNTS_PATH = "/__fake/counts"
TRACE_PATH = "/__fake/trace"


def load_balancer_name(index):
    return f"a{index:031x}"


def index_of(name):
    """The index of a load balancer name, or None when it is not one of ours."""
    if len(name) != 32 or name[0] != "a":
        return None
    try:
        return int(name[1:], 16)
    except ValueError:
        return None


def quote(text):
    """A JSON string; json.dumps only when the text needs escaping (ids and labels seldom do)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def metric_value(metric_name, dimension_values):
    """RequestCount: the load balancer's index; anything else: 0.1."""
    if metric_name == "RequestCount":
        for value in dimension_values:
            index = index_of(value)
            if index is not None:
                return float(index)
        return 1.0
    return 0.1


def two_periods(start, end, period):
    """The two latest period starts inside [start, end), oldest first (fewer when the window is shorter)."""
    period = max(1, int(period))
    last = math.floor(end / period) * period
    if last >= end:
        last -= period
    return [t for t in (last - period, last) if t >= start]


def account_number(position):
    """The account id of the position-th account: the default credentials' first, then 100000000001, ..."""
    return ACCOUNT if position == 0 else f"{100000000000 + position}"


def access_key_of(account):
    """The access key AssumeRole hands out for a role of `account` (20 characters, as AWS's are)."""
    return f"ASIA{account}BNCH"


class Fleet:
    """The load balancers of one target, with every answer part that does not depend on the request precomputed."""

    def __init__(self, first, count, cluster=None):
        self.first, self.count = first, count
        self.names = [load_balancer_name(first + i) for i in range(count)]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.lb_members = [
            f"<member><LoadBalancerName>{name}</LoadBalancerName>"
            f"<DNSName>{name}-1.us-east-1.elb.amazonaws.com</DNSName><Scheme>internet-facing</Scheme></member>"
            for name in self.names
        ]
        cluster_tag = (
            f"<member><Key>kubernetes.io/cluster/{cluster}</Key><Value>owned</Value></member>" if cluster else ""
        )
        self.tag_members = [
            f"<member><LoadBalancerName>{name}</LoadBalancerName><Tags><member><Key>kubernetes.io/service-name</Key>"
            f"<Value>bench/svc-{first + i}</Value></member>{cluster_tag}</Tags></member>"
            for i, name in enumerate(self.names)
        ]
        self.list_pages = {}  # (metric name or None, token) -> answer bytes, filled as asked
        self.lock = threading.Lock()

    def list_metrics_page(self, metric_name, token):
        key = (metric_name, token)
        page = self.list_pages.get(key)
        if page is not None:
            return page
        metrics = [metric_name] if metric_name else METRICS
        total = len(metrics) * self.count
        try:
            start = int(token)
        except ValueError:
            return json_error("InvalidNextToken", f"bad NextToken {token!r}")
        end = min(start + LIST_METRICS_PAGE, total)
        answer = {"Metrics": [
            {"Namespace": NAMESPACE, "MetricName": metrics[position // self.count],
             "Dimensions": [{"Name": DIMENSION, "Value": self.names[position % self.count]}]}
            for position in range(max(0, start), end)
        ]}
        if end < total:
            answer["NextToken"] = str(end)
        page = json.dumps(answer, separators=(",", ":")).encode()
        with self.lock:
            self.list_pages[key] = page
        return page


class FakeAWS:
    def __init__(self, load_balancers, port=0, latency_ms=0.0, regions=None, accounts=0, listeners=1):
        self.load_balancers = load_balancers
        self.latency = max(0.0, latency_ms) / 1000
        # Targets: (region, account) -> fleet; None: one fleet for every call.
        self.fleets = {}
        self.default_fleet = None
        if regions or accounts:
            account_ids = [account_number(i) for i in range(max(1, accounts))]
            for position, (region, account) in enumerate(
                (region, account) for region in (regions or ["us-east-1"]) for account in account_ids
            ):
                self.fleets[(region, account)] = Fleet(position * load_balancers, load_balancers,
                                                       cluster=f"{region}-{account}")
        else:
            self.default_fleet = Fleet(0, load_balancers)
        self.empty_fleet = Fleet(0, 0)
        self.counts = {}
        self.lock = threading.Lock()
        # (arrival, answer, is CloudWatch, client port) of every AWS call since the last take_trace(): how many calls the
        # exporter kept in flight over time.
        self.trace = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self):
                super().setup()
                fake.count("connections")  # TCP connections accepted: few when keep-alive works

            def handle_one_request(self):
                # BaseHTTPRequestHandler's own parsing (email.parser for the headers) costs more than the answer;
                # this reads the request line and the headers into a dict with lower-case names.
                line = self.rfile.readline(65537)
                if not line or len(line) > 65536:
                    self.close_connection = True
                    return
                parts = line.split()
                if len(parts) != 3:
                    self.close_connection = True
                    return
                self.command, self.path = parts[0].decode("latin-1"), parts[1].decode("latin-1")
                headers = {}
                while True:
                    header = self.rfile.readline(65537)
                    if header in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = header.partition(b":")
                    headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
                self.headers = headers
                self.close_connection = parts[2] != b"HTTP/1.1" or headers.get("connection", "").lower() == "close"
                started = time.monotonic()
                body = self.read_body()
                if self.command == "POST":
                    status, content_type, payload = fake.handle(headers, body)
                elif self.command == "GET" and self.path in (COUNTS_PATH, TRACE_PATH):
                    answer = fake.snapshot() if self.path == COUNTS_PATH else fake.take_trace()
                    status, content_type, payload = 200, JSON_TYPE, json.dumps(answer).encode()
                    started = None
                else:
                    fake.count(f"unknown:{self.command}")
                    status, content_type, payload = 400, JSON_TYPE, unknown(f"{self.command} {self.path}")
                if fake.latency and started is not None:
                    # The answer leaves `latency` after the request came in, however long it took to compute.
                    remaining = fake.latency - (time.monotonic() - started)
                    if remaining > 0:
                        time.sleep(remaining)
                self.reply(status, content_type, payload)
                if started is not None:
                    fake.trace.append((started, time.monotonic(), "x-amz-target" in headers, self.client_address[1]))

            def read_body(self):
                length = self.headers.get("content-length")
                if length is not None:
                    return self.rfile.read(int(length))
                if "chunked" in self.headers.get("transfer-encoding", "").lower():
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return b""

            def reply(self, status, content_type, payload):
                # One write (status line, headers and body): no Nagle / delayed-ACK stall between two segments.
                reason = b"OK" if status == 200 else b"Bad Request"
                head = b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n" % (
                    status, reason, content_type, len(payload))
                if self.close_connection:
                    head += b"Connection: close\r\n"
                self.wfile.write(head + b"x-amzn-RequestId: " + REQUEST_ID.encode() + b"\r\n\r\n" + payload)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False  # stop() must not wait for the exporter's idle keep-alive connections
            request_queue_size = 1024  # the exporter opens many connections at once; a backlog of 5 drops SYNs

        self.servers = []
        for position in range(max(1, listeners)):
            server = Server(("127.0.0.1", port if position == 0 else 0), Handler)
            self.servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.urls = [f"http://127.0.0.1:{server.server_address[1]}" for server in self.servers]
        self.url = self.urls[0]
        self.port = self.servers[0].server_address[1]

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def count(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1

    def snapshot(self):
        with self.lock:
            return dict(self.counts)

    def take_trace(self):
        """The calls traced since the last take, and a clock reading to relate them to."""
        with self.lock:
            trace, self.trace = self.trace, []
        return {"now": time.monotonic(), "calls": trace}

    def cpu_seconds(self):
        """CPU time of this process (the fake runs in the caller's process here; see FakeProcess)."""
        return time.process_time()

    # Dispatch

    def fleet(self, headers):
        """The fleet of the target a call is signed for: the region of the signature's scope and the account of
        its access key."""
        if self.default_fleet is not None:
            return self.default_fleet
        authorization = headers.get("authorization", "")
        marker = authorization.find("Credential=")
        if marker < 0:
            return self.empty_fleet
        scope = authorization[marker + len("Credential="):].split(",", 1)[0].split("/")
        if len(scope) < 3:
            return self.empty_fleet
        key_id, region = scope[0], scope[2]
        account = key_id[4:16] if key_id.startswith("ASIA") and key_id.endswith("BNCH") else ACCOUNT
        return self.fleets.get((region, account), self.empty_fleet)

    def handle(self, headers, body):
        """Status, Content-Type and body of the answer to a POST; `headers` has lower-case names."""
        target = headers.get("x-amz-target")
        if target is not None:
            if target.startswith(CLOUDWATCH_PREFIX):
                action = target[len(CLOUDWATCH_PREFIX):]
                method = self.cloudwatch_actions.get(action)
                if method is not None:
                    self.count(f"cloudwatch:{action}")
                    try:
                        request = json.loads(body) if body else {}
                    except ValueError as error:
                        return 400, JSON_TYPE, json_error("SerializationException", str(error))
                    return 200, JSON_TYPE, method(self, self.fleet(headers), request)
            self.count(f"unknown:{target}")
            return 400, JSON_TYPE, unknown(target)
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action, version = form.get("Action", ""), form.get("Version", "")
        method = self.query_actions.get((version, action))
        if method is None:
            self.count(f"unknown:{version}:{action}")
            return 400, JSON_TYPE, unknown(f"{action} (Version {version or 'none'})")
        service = self.query_services[version]
        self.count(f"{service}:{action}")
        return method(self, self.fleet(headers), form)

    # CloudWatch

    def list_metrics(self, fleet, request):
        namespace, metric_name = request.get("Namespace"), request.get("MetricName")
        token = request.get("NextToken") or "0"
        filters = request.get("Dimensions") or []
        # Any metric name is answered (every load balancer has it); without one, METRICS are listed.
        matches = namespace in (None, NAMESPACE) and all(
            f.get("Name") == DIMENSION and (f.get("Value") is None or f["Value"] in fleet.index) for f in filters
        )
        if not matches:
            return b'{"Metrics": []}'
        if any(f.get("Value") is not None for f in filters):  # one named load balancer: not cached
            value = next(f["Value"] for f in filters if f.get("Value") is not None)
            names = [metric_name] if metric_name else list(METRICS)
            return json.dumps({"Metrics": [
                {"Namespace": NAMESPACE, "MetricName": m, "Dimensions": [{"Name": DIMENSION, "Value": value}]}
                for m in names
            ]}).encode()
        return fleet.list_metrics_page(metric_name, token)

    def get_metric_statistics(self, fleet, request):
        metric_name = request.get("MetricName", "")
        values = [d.get("Value", "") for d in request.get("Dimensions") or ()]
        value = metric_value(metric_name, values)
        times = two_periods(float(request["StartTime"]), float(request["EndTime"]), request.get("Period", 60))
        stats = "".join(f',"{s}":{value!r}' for s in request.get("Statistics") or ())
        extended = request.get("ExtendedStatistics")
        if extended:
            stats += ',"ExtendedStatistics":{' + ",".join(f'"{s}":{value!r}' for s in extended) + "}"
        points = ",".join(f'{{"Timestamp":{t},"Unit":"Count"{stats}}}' for t in times)
        return f'{{"Label":{quote(metric_name)},"Datapoints":[{points}]}}'.encode()

    def get_metric_data(self, fleet, request):
        start, end = float(request["StartTime"]), float(request["EndTime"])
        results = []
        windows = {}
        for query in request.get("MetricDataQueries") or ():
            stat = query.get("MetricStat")
            if stat is None:  # an expression: nothing to compute here
                results.append(f'{{"Id":{quote(query["Id"])},"Timestamps":[],"Values":[],"StatusCode":"Complete"}}')
                continue
            metric = stat["Metric"]
            metric_name = metric.get("MetricName", "")
            value = metric_value(metric_name, [d.get("Value", "") for d in metric.get("Dimensions") or ()])
            period = stat.get("Period", 60)
            window = windows.get(period)
            if window is None:
                times = two_periods(start, end, period)[::-1]  # TimestampDescending
                window = windows[period] = (",".join(str(t) for t in times), len(times))
            label = query.get("Label") or metric_name
            results.append(
                f'{{"Id":{quote(query["Id"])},"Label":{quote(label)},"Timestamps":[{window[0]}],'
                f'"Values":[{",".join([repr(value)] * window[1])}],"StatusCode":"Complete"}}'
            )
        return ('{"MetricDataResults":[' + ",".join(results) + '],"Messages":[]}').encode()

    cloudwatch_actions = {
        "ListMetrics": list_metrics,
        "GetMetricStatistics": get_metric_statistics,
        "GetMetricData": get_metric_data,
    }

    # Classic ELB, ELBv2, STS (Query protocol, XML)

    def describe_load_balancers(self, fleet, form):
        try:
            start = int(form.get("Marker") or 0)
            size = int(form.get("PageSize") or 400)
        except ValueError:
            return query_error("InvalidInput", "bad Marker or PageSize")
        size = max(1, min(size, 400))
        end = min(start + size, fleet.count)
        marker = f"<NextMarker>{end}</NextMarker>" if end < fleet.count else ""
        return 200, XML_TYPE, (
            f'<DescribeLoadBalancersResponse xmlns="{ELB_XMLNS}"><DescribeLoadBalancersResult>'
            f"<LoadBalancerDescriptions>{''.join(fleet.lb_members[start:end])}</LoadBalancerDescriptions>{marker}"
            f"</DescribeLoadBalancersResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            "</DescribeLoadBalancersResponse>"
        ).encode()

    def describe_tags(self, fleet, form):
        members = []
        for key, name in form.items():
            if key.startswith("LoadBalancerNames.member."):
                index = fleet.index.get(name)
                if index is None:
                    return query_error("LoadBalancerNotFound", f"There is no ACTIVE Load Balancer named '{name}'")
                members.append(fleet.tag_members[index])
        return 200, XML_TYPE, (
            f'<DescribeTagsResponse xmlns="{ELB_XMLNS}"><DescribeTagsResult><TagDescriptions>{"".join(members)}'
            f"</TagDescriptions></DescribeTagsResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId>"
            "</ResponseMetadata></DescribeTagsResponse>"
        ).encode()

    def v2_describe_load_balancers(self, fleet, form):
        return 200, XML_TYPE, (
            f'<DescribeLoadBalancersResponse xmlns="{ELBV2_XMLNS}"><DescribeLoadBalancersResult><LoadBalancers/>'
            f"</DescribeLoadBalancersResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            "</DescribeLoadBalancersResponse>"
        ).encode()

    def v2_describe_tags(self, fleet, form):
        return 200, XML_TYPE, (
            f'<DescribeTagsResponse xmlns="{ELBV2_XMLNS}"><DescribeTagsResult><TagDescriptions/></DescribeTagsResult>'
            f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></DescribeTagsResponse>"
        ).encode()

    def get_caller_identity(self, fleet, form):
        return 200, XML_TYPE, (
            f'<GetCallerIdentityResponse xmlns="{STS_XMLNS}"><GetCallerIdentityResult>'
            f"<Arn>arn:aws:iam::{ACCOUNT}:user/bench</Arn><UserId>AIDABENCHBENCHBENCH</UserId>"
            f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ).encode()

    def assume_role(self, fleet, form):
        arn = form.get("RoleArn", "")
        parts = arn.split(":")
        if len(parts) < 6 or not parts[4].isdigit() or len(parts[4]) != 12:
            return query_error("ValidationError", f"bad RoleArn {arn!r}")
        account = parts[4]
        expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        session = form.get("RoleSessionName", "bench")
        return 200, XML_TYPE, (
            f'<AssumeRoleResponse xmlns="{STS_XMLNS}"><AssumeRoleResult><Credentials>'
            f"<AccessKeyId>{access_key_of(account)}</AccessKeyId><SecretAccessKey>bench-secret-{account}"
            f"</SecretAccessKey><SessionToken>bench-token-{account}</SessionToken><Expiration>{expiration}"
            f"</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/bench/"
            f"{escape(session)}</Arn><AssumedRoleId>AROABENCH:{escape(session)}</AssumedRoleId></AssumedRoleUser>"
            f"</AssumeRoleResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>"
        ).encode()

    query_actions = {
        ("2012-06-01", "DescribeLoadBalancers"): describe_load_balancers,
        ("2012-06-01", "DescribeTags"): describe_tags,
        ("2015-12-01", "DescribeLoadBalancers"): v2_describe_load_balancers,
        ("2015-12-01", "DescribeTags"): v2_describe_tags,
        ("2011-06-15", "GetCallerIdentity"): get_caller_identity,
        ("2011-06-15", "AssumeRole"): assume_role,
    }
    query_services = {"2012-06-01": "elb", "2015-12-01": "elbv2", "2011-06-15": "sts"}


class FakeProcess:
    """The fake in a process of its own, so that its CPU is measured apart from the benchmark's (which parses
    scrapes) and does not share a GIL with it. Same `.url`, `.urls`, `.snapshot()` and `.stop()` as FakeAWS."""

    def __init__(self, load_balancers, latency_ms=0.0, regions=None, accounts=0, listeners=1):
        command = [sys.executable, str(pathlib.Path(__file__).resolve()), "--load-balancers", str(load_balancers),
                   "--latency-ms", str(latency_ms), "--listeners", str(listeners)]
        if regions:
            command += ["--regions", ",".join(regions)]
        if accounts:
            command += ["--accounts", str(accounts)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fake AWS process ended before it listened")
        self.urls = json.loads(line)["urls"]
        self.url = self.urls[0]
        self.load_balancers = load_balancers

    def snapshot(self):
        with urllib.request.urlopen(self.url + COUNTS_PATH, timeout=30) as response:
            return json.loads(response.read())

    def take_trace(self):
        with urllib.request.urlopen(self.url + TRACE_PATH, timeout=30) as response:
            return json.loads(response.read())

    def cpu_seconds(self):
        """User and system CPU seconds the fake has used (its threads included)."""
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def json_error(kind, message):
    return json.dumps({"__type": kind, "message": message}).encode()


def unknown(what):
    return json_error("UnknownOperationException", f"the fake AWS does not answer {what}")


def query_error(code, message):
    return 400, XML_TYPE, (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>"
    ).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--load-balancers", type=int, default=200, help="per target")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="every answer leaves this long after its call")
    parser.add_argument("--regions", default="", help="comma-separated: a fleet per region (and account)")
    parser.add_argument("--accounts", type=int, default=0, help="a fleet per account (and region)")
    parser.add_argument("--listeners", type=int, default=1, help="ports serving the fake (one per AWS service)")
    args = parser.parse_args()
    regions = [region.strip() for region in args.regions.split(",") if region.strip()]
    fake = FakeAWS(args.load_balancers, port=args.port, latency_ms=args.latency_ms, regions=regions,
                   accounts=args.accounts, listeners=args.listeners)

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # background jobs ignore SIGINT: TERM also prints the counts
    signal.signal(signal.SIGINT, interrupt)
    print(json.dumps({"urls": fake.urls}), flush=True)
    targets = len(fake.fleets) or 1
    print(f"fake AWS with {args.load_balancers} classic load balancers per target, {targets} target(s), "
          f"{args.latency_ms:g} ms per call, at {' '.join(fake.urls)}", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        print(f"requests: {fake.snapshot()}", file=sys.stderr, flush=True)
        fake.stop()


if __name__ == "__main__":
    main()
