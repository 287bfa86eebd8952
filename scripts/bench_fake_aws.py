#!/usr/bin/env python3
"""A loopback fake of the AWS APIs the exporter calls, for benchmarks: it keeps connections alive (HTTP/1.1) and
answers at once, so the exporter's own CPU per call can be measured (moto_server closes every connection and answers
slowly).

It serves, on 127.0.0.1, for N classic load balancers named f"a{index:031x}" (each tagged
kubernetes.io/service-name=bench/svc-<index>):
  - CloudWatch JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.*): ListMetrics (pages of 500),
    GetMetricStatistics and GetMetricData (two period-aligned datapoints per series; RequestCount's value is the load
    balancer's index, every other metric's 0.1);
  - classic Elastic Load Balancing (Query, Version=2012-06-01): DescribeLoadBalancers (PageSize, Marker = index) and
    DescribeTags;
  - ELBv2 (Query, Version=2015-12-01): DescribeLoadBalancers (no load balancers) and DescribeTags (none);
  - STS GetCallerIdentity (account 123456789012).
`.counts` (read it with `.snapshot()`) counts requests by "service:Action" and accepted TCP connections under
"connections". Anything else: HTTP 400 {"__type": "UnknownOperationException"}. Every service is reached at the same URL (the
exporter sends all of them to AWS_ENDPOINT_URL); they are told apart by X-Amz-Target or the form's Version.

Usage: python3 scripts/bench_fake_aws.py --port 4566 --load-balancers 200
"""
import argparse
import http.server
import json
import math
import signal
import threading
import urllib.parse
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


class FakeAWS:
    def __init__(self, load_balancers, port=0):
        self.load_balancers = load_balancers
        self.names = [load_balancer_name(i) for i in range(load_balancers)]
        self.index = {name: i for i, name in enumerate(self.names)}
        # Precomputed fragments: the classic DescribeLoadBalancers member and the DescribeTags member of each one.
        self.lb_members = [
            f"<member><LoadBalancerName>{name}</LoadBalancerName>"
            f"<DNSName>{name}-1.us-east-1.elb.amazonaws.com</DNSName><Scheme>internet-facing</Scheme></member>"
            for name in self.names
        ]
        self.tag_members = [
            f"<member><LoadBalancerName>{name}</LoadBalancerName><Tags><member><Key>kubernetes.io/service-name</Key>"
            f"<Value>bench/svc-{i}</Value></member></Tags></member>"
            for i, name in enumerate(self.names)
        ]
        self.list_pages = {}  # (metric name or None, token) -> answer bytes, filled lazily
        self.counts = {}
        self.lock = threading.Lock()
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
                body = self.read_body()
                if self.command == "POST":
                    status, content_type, payload = fake.handle(headers, body)
                else:
                    fake.count(f"unknown:{self.command}")
                    status, content_type, payload = 400, JSON_TYPE, unknown(f"{self.command} {self.path}")
                self.reply(status, content_type, payload)

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
            request_queue_size = 128  # the exporter opens many connections at once; a backlog of 5 drops SYNs

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def count(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1

    def snapshot(self):
        with self.lock:
            return dict(self.counts)

    # Dispatch

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
                    return 200, JSON_TYPE, method(self, request)
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
        return method(self, form)

    # CloudWatch

    def list_metrics(self, request):
        namespace, metric_name = request.get("Namespace"), request.get("MetricName")
        token = request.get("NextToken") or "0"
        filters = request.get("Dimensions") or []
        # Any metric name is answered (every load balancer has it); without one, METRICS are listed.
        matches = namespace in (None, NAMESPACE) and all(
            f.get("Name") == DIMENSION and (f.get("Value") is None or f["Value"] in self.index) for f in filters
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
        key = (metric_name, token)
        page = self.list_pages.get(key)
        if page is None:
            page = self.list_metrics_page(metric_name, token)
            self.list_pages[key] = page
        return page

    def list_metrics_page(self, metric_name, token):
        series = [(m, name) for m in ([metric_name] if metric_name else METRICS) for name in self.names]
        try:
            start = int(token)
        except ValueError:
            return json_error("InvalidNextToken", f"bad NextToken {token!r}")
        chunk = series[start:start + LIST_METRICS_PAGE]
        answer = {"Metrics": [
            {"Namespace": NAMESPACE, "MetricName": m, "Dimensions": [{"Name": DIMENSION, "Value": name}]}
            for m, name in chunk
        ]}
        if start + LIST_METRICS_PAGE < len(series):
            answer["NextToken"] = str(start + LIST_METRICS_PAGE)
        return json.dumps(answer, separators=(",", ":")).encode()

    def get_metric_statistics(self, request):
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

    def get_metric_data(self, request):
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

    def describe_load_balancers(self, form):
        try:
            start = int(form.get("Marker") or 0)
            size = int(form.get("PageSize") or 400)
        except ValueError:
            return query_error("InvalidInput", "bad Marker or PageSize")
        size = max(1, min(size, 400))
        end = min(start + size, self.load_balancers)
        marker = f"<NextMarker>{end}</NextMarker>" if end < self.load_balancers else ""
        return 200, XML_TYPE, (
            f'<DescribeLoadBalancersResponse xmlns="{ELB_XMLNS}"><DescribeLoadBalancersResult>'
            f"<LoadBalancerDescriptions>{''.join(self.lb_members[start:end])}</LoadBalancerDescriptions>{marker}"
            f"</DescribeLoadBalancersResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            "</DescribeLoadBalancersResponse>"
        ).encode()

    def describe_tags(self, form):
        members = []
        for key, name in form.items():
            if key.startswith("LoadBalancerNames.member."):
                index = self.index.get(name)
                if index is None:
                    return query_error("LoadBalancerNotFound", f"There is no ACTIVE Load Balancer named '{name}'")
                members.append(self.tag_members[index])
        return 200, XML_TYPE, (
            f'<DescribeTagsResponse xmlns="{ELB_XMLNS}"><DescribeTagsResult><TagDescriptions>{"".join(members)}'
            f"</TagDescriptions></DescribeTagsResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId>"
            "</ResponseMetadata></DescribeTagsResponse>"
        ).encode()

    def v2_describe_load_balancers(self, form):
        return 200, XML_TYPE, (
            f'<DescribeLoadBalancersResponse xmlns="{ELBV2_XMLNS}"><DescribeLoadBalancersResult><LoadBalancers/>'
            f"</DescribeLoadBalancersResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            "</DescribeLoadBalancersResponse>"
        ).encode()

    def v2_describe_tags(self, form):
        return 200, XML_TYPE, (
            f'<DescribeTagsResponse xmlns="{ELBV2_XMLNS}"><DescribeTagsResult><TagDescriptions/></DescribeTagsResult>'
            f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></DescribeTagsResponse>"
        ).encode()

    def get_caller_identity(self, form):
        return 200, XML_TYPE, (
            f'<GetCallerIdentityResponse xmlns="{STS_XMLNS}"><GetCallerIdentityResult>'
            f"<Arn>arn:aws:iam::{ACCOUNT}:user/bench</Arn><UserId>AIDABENCHBENCHBENCH</UserId>"
            f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ).encode()

    query_actions = {
        ("2012-06-01", "DescribeLoadBalancers"): describe_load_balancers,
        ("2012-06-01", "DescribeTags"): describe_tags,
        ("2015-12-01", "DescribeLoadBalancers"): v2_describe_load_balancers,
        ("2015-12-01", "DescribeTags"): v2_describe_tags,
        ("2011-06-15", "GetCallerIdentity"): get_caller_identity,
    }
    query_services = {"2012-06-01": "elb", "2015-12-01": "elbv2", "2011-06-15": "sts"}


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
    parser.add_argument("--load-balancers", type=int, default=200)
    args = parser.parse_args()
    fake = FakeAWS(args.load_balancers, port=args.port)

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # background jobs ignore SIGINT: TERM also prints the counts
    signal.signal(signal.SIGINT, interrupt)
    print(f"fake AWS with {args.load_balancers} classic load balancers at {fake.url}", flush=True)
    try:
        while fake.thread.is_alive():
            fake.thread.join(1)
    except KeyboardInterrupt:
        pass
    finally:
        print(f"requests: {fake.snapshot()}")
        fake.stop()


if __name__ == "__main__":
    main()
