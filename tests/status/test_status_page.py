"""The status page (`GET /status`) in a real browser.

The exporter runs as a process against moto_server, through a loopback proxy that answers AccessDenied to every
CloudWatch GetMetricStatistics call for `HealthyHostCount` (JSON 1.0 or Query protocol, in the matching shape).
After one `/metrics` scrape, headless Chromium loads `/status`: the dumped DOM is parsed with html.parser and checked
against the page's contract (rules with their dimension-set counts and why-no-data sentences, load balancers with
their derived labels, AWS usage, process), and so is the JSON form (`Accept: application/json`). A tag value
`<script>alert(1)</script>` must come out as text; the secret access key must appear nowhere.

The screenshot, the dumped DOM and the raw answers are saved under $TEST_OUTPUT_DIR (default
.build/test-output/status/). Chromium missing is a failure: `apt-get install chromium` (scripts/install-deps.sh).
"""
import html.parser
import http.server
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import aws_proxy  # noqa: E402
import conftest  # noqa: E402
from conftest import EXPORTER, Seed, exporter_factory, moto  # noqa: E402,F401  (fixtures)

SECRET = "SECRETsecretSECRET0123456789"
XSS = "<script>alert(1)</script>"
DENIED_MESSAGE = "User: arn:aws:iam::123456789012:user/test is not authorized to perform: cloudwatch:GetMetricStatistics"
READY_SECONDS = 60
CHROMIUM_SECONDS = 120

CONFIG = """
delay_seconds: 0
range_seconds: 600
period_seconds: 60
tag_labels:
  tags:
    team: team
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
  aws_metric_name: ActiveFlowCount
  aws_dimensions: [LoadBalancer]
  aws_statistics: [Average]
- aws_namespace: AWS/ELB
  aws_metric_name: Latency
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Average]
  aws_dimension_select_regex:
    LoadBalancerName: ["nothing-matches-.*"]
- aws_namespace: AWS/ELB
  aws_metric_name: HealthyHostCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Average]
"""
HEALTHY = {"AWS/ELB/RequestCount": 3, "AWS/ApplicationELB/RequestCount": 1, "AWS/NetworkELB/ActiveFlowCount": 1}
REGEX_RULE = "AWS/ELB/Latency"
DENIED_RULE = "AWS/ELB/HealthyHostCount"
ALL_RULES = list(HEALTHY) + [REGEX_RULE, DENIED_RULE]
COUNTS = ("listed", "kept", "with_data", "exported")


# --- the proxy ----------------------------------------------------------------------------------------------------


class DenyProxy(aws_proxy.ForwardingProxy):
    """Forwards everything to moto, except CloudWatch GetMetricStatistics for `HealthyHostCount`: AccessDenied."""

    METRIC = "HealthyHostCount"

    def __init__(self, target):
        super().__init__(target)
        self.counts.update(denied_json=0, denied_query=0)

    def denied_protocol(self, headers, body):
        """`json`, `query` or None: whether (and in which protocol) this request is one to deny."""
        target = headers.get("X-Amz-Target", "")
        if target:
            if target.rsplit(".", 1)[-1] != "GetMetricStatistics":
                return None
            try:
                return "json" if json.loads(body or b"{}").get("MetricName") == self.METRIC else None
            except ValueError:
                return "json" if self.METRIC.encode() in body else None
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if form.get("Action") == ["GetMetricStatistics"] and form.get("MetricName") == [self.METRIC]:
            return "query"
        return None

    def intercept(self, headers, body):
        protocol = self.denied_protocol(headers, body)
        if protocol == "json":
            self.count("denied_json")
            payload = json.dumps(
                {"__type": "com.amazon.coral.service#AccessDeniedException", "message": DENIED_MESSAGE}
            ).encode()
            return 400, payload, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-query-error": "AccessDenied;Sender"}
        if protocol == "query":
            self.count("denied_query")
            payload = (
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                f"<Message>{DENIED_MESSAGE}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
            ).encode()
            return 403, payload, {"Content-Type": "text/xml"}
        return None


# --- a small DOM from html.parser ---------------------------------------------------------------------------------


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = {name: (value if value is not None else "") for name, value in attrs}
        self.parent = parent
        self.children = []

    def classes(self):
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants (self excluded) with this tag, class and attributes (`data_rule` means `data-rule`)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            node for node in self.iter()
            if node is not self
            and (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes())
            and all(node.attrs.get(name) == value for name, value in wanted.items())
        ]

    def data(self):
        """The text pieces html.parser handed to handle_data, in order."""
        pieces = []
        for child in self.children:
            pieces.extend(child.data() if isinstance(child, Node) else [child])
        return pieces

    def text(self):
        return " ".join("".join(self.data()).split())

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class DOMParser(html.parser.HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root
        self.start_tags = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append(tag)
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.start_tags.append(tag)
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text):
    parser = DOMParser()
    parser.feed(text)
    parser.close()
    return parser


def section(document, section_id):
    found = document.root.find_all("section", id=section_id)
    assert len(found) == 1, f'expected one <section id="{section_id}">, found {len(found)}'
    return found[0]


# --- helpers ------------------------------------------------------------------------------------------------------


def header(headers, name):
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def output_dir():
    directory = pathlib.Path(os.environ.get("TEST_OUTPUT_DIR") or ROOT / ".build" / "test-output" / "status")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def chromium(*args):
    """Runs headless Chromium (its own process group, killed on timeout); returns (stdout, stderr)."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is missing: apt-get install -y chromium (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--no-default-browser-check", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=CHROMIUM_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"chromium did not finish in {CHROMIUM_SECONDS} s: {' '.join(command)}")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
        assert process.returncode == 0, f"chromium exited {process.returncode}: {stderr[-3000:]}"
        return stdout, stderr


def wait_until(what, probe, seconds=READY_SECONDS):
    """Polls probe() until it returns a true value or `seconds` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            if not value:
                sys.stderr.write(f"gave up waiting for {what} after {seconds} s\n")
            return value
        time.sleep(0.25)


def ready(exporter):
    def probe():
        assert exporter.process.poll() is None, f"exporter exited {exporter.process.returncode}:\n{exporter.log()}"
        try:
            return exporter.get("/-/ready")[0] == 200
        except OSError:
            return False
    assert wait_until("/-/ready", probe), f"exporter not ready in {READY_SECONDS} s:\n{exporter.log()[-4000:]}"


def status_json(exporter):
    status, headers, body = exporter.get("/status", {"Accept": "application/json"})
    assert status == 200, body
    return headers, body, json.loads(body)


def rule_id(rule):
    return f"{rule['namespace']}/{rule['metric_name']}"


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- the test -----------------------------------------------------------------------------------------------------


def seed(moto):
    moto.reset()
    s = Seed(moto)
    s.classic("web-frontend", {"kubernetes.io/service-name": "shop/frontend", "kubernetes.io/cluster/prod": "owned"})
    s.elb.create_load_balancer(  # Seed.classic always sends Tags, and the API wants at least one
        LoadBalancerName="legacy-untagged",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=["us-east-1a"],
    )
    s.classic("xss-lb", {"kubernetes.io/service-name": "shop/cart", "team": XSS})
    alb, _ = s.v2(
        "shop-api", "application", {"kubernetes.io/service-name": "shop/api", "kubernetes.io/cluster/prod": "owned"}
    )
    nlb, _ = s.v2("shop-db", "network", {"service.k8s.aws/stack": "shop/db", "kubernetes.io/cluster/prod": "owned"})
    for name in ("web-frontend", "legacy-untagged", "xss-lb"):
        s.datapoints("AWS/ELB", "RequestCount", {"LoadBalancerName": name}, 10)
    for name in ("web-frontend", "xss-lb"):
        s.datapoints("AWS/ELB", "Latency", {"LoadBalancerName": name}, 0.25)
    s.datapoints("AWS/ELB", "HealthyHostCount", {"LoadBalancerName": "web-frontend"}, 2)
    s.datapoints("AWS/ApplicationELB", "RequestCount", {"LoadBalancer": alb}, 7)
    s.datapoints("AWS/NetworkELB", "ActiveFlowCount", {"LoadBalancer": nlb}, 4)
    return alb, nlb


def expected_load_balancers(alb, nlb):
    return {
        "web-frontend": {"kind": "classic", "namespace": "shop", "service": "frontend", "cluster": "prod",
                         "labels": {"namespace": "shop", "service": "frontend", "cluster": "prod"}},
        "legacy-untagged": {"kind": "classic", "namespace": None, "service": None, "cluster": None, "labels": {}},
        "xss-lb": {"kind": "classic", "namespace": "shop", "service": "cart", "cluster": None,
                   "labels": {"namespace": "shop", "service": "cart", "team": XSS}},
        alb: {"kind": "application", "namespace": "shop", "service": "api", "cluster": "prod",
              "labels": {"namespace": "shop", "service": "api", "cluster": "prod"}},
        nlb: {"kind": "network", "namespace": "shop", "service": "db", "cluster": "prod",
              "labels": {"namespace": "shop", "service": "db", "cluster": "prod"}},
    }


def expected_counts(rule):
    if rule in HEALTHY:
        n = HEALTHY[rule]
        return {"listed": n, "kept": n, "with_data": n, "exported": n}
    if rule == REGEX_RULE:
        return {"listed": 2, "kept": 0, "with_data": 0, "exported": 0}
    return {"listed": 1, "kept": 1, "with_data": 0, "exported": 0}


def version_text():
    out = subprocess.run([str(EXPORTER), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    words = out.stdout.split()  # "cloudwatch-tag-exporter 0.1.0 (revision …)"
    assert len(words) >= 2, out.stdout
    return words[1]


@pytest.fixture
def proxy(moto):
    server = DenyProxy(moto.url)
    yield server
    server.stop()


def test_status_page_in_chromium(moto, proxy, exporter_factory):
    alb, nlb = seed(moto)
    exporter = exporter_factory(
        CONFIG, {"AWS_ENDPOINT_URL": proxy.url, "AWS_SECRET_ACCESS_KEY": SECRET}, wait=False
    )
    ready(exporter)
    out = output_dir()

    # One collection, then wait (bounded) until the status page reflects it.
    metrics = exporter.metrics()
    assert 'load_balancer_name="web-frontend"' in metrics, metrics[-3000:]

    def collected():
        status, _, body = exporter.get("/status", {"Accept": "application/json"})
        assert status != 404, "GET /status answered 404: this binary has no status page (rebuild it?)"
        try:
            document = json.loads(body) if status == 200 else {}
        except ValueError:
            return None  # the assertions below say what the answer is
        rules = {rule_id(rule): rule for rule in document.get("rules", [])}
        listed = rules.get(REGEX_RULE, {}).get("dimension_sets", {}).get("listed", 0)
        return document if is_int(listed) and listed > 0 and len(document.get("load_balancers", [])) >= 5 else None

    wait_until("the regex rule's listed > 0 on /status", collected)
    json_headers, json_body, document = status_json(exporter)
    (out / "status.json").write_text(json_body)
    assert header(json_headers, "Content-Type").startswith("application/json"), json_headers
    assert proxy.counts["denied_json"] + proxy.counts["denied_query"] >= 1, proxy.counts

    # The HTML as served, and as Chromium builds it.
    html_status, html_headers, raw_html = exporter.get("/status", {"Accept": "text/html"})
    assert html_status == 200, raw_html
    (out / "status-served.html").write_text(raw_html)
    assert header(html_headers, "Content-Type") == "text/html; charset=utf-8", html_headers
    csp = header(html_headers, "Content-Security-Policy")
    assert csp and "default-src 'none'" in csp, html_headers
    assert "<script" not in raw_html.lower(), "a <script> in the served page"

    dom_text, dom_stderr = chromium("--dump-dom", exporter.url + "/status")
    dom_path = out / "status-dom.html"
    dom_path.write_text(dom_text)
    screenshot = out / "status.png"
    screenshot.unlink(missing_ok=True)
    chromium(f"--screenshot={screenshot}", "--window-size=1280,2400", exporter.url + "/status")
    assert screenshot.exists() and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "no PNG screenshot written"
    print(f"status page screenshot: {screenshot}")
    print(f"status page DOM (Chromium --dump-dom): {dom_path}")
    print(f"status page JSON: {out / 'status.json'}")

    dom = parse(dom_text)
    assert dom.root.find_all("section"), f"Chromium's DOM has no sections:\n{dom_text[:2000]}\n{dom_stderr[-2000:]}"
    check_html(dom, alb, nlb)
    check_json(document, exporter, alb, nlb)
    check_same_counts(dom, document)

    # No secret anywhere.
    metrics = exporter.metrics()
    for name, text in (("JSON", json_body), ("served HTML", raw_html), ("Chromium DOM", dom_text), ("/metrics", metrics)):
        assert SECRET not in text, f"the secret access key appears in the {name}"

    # The landing page links both.
    status, _, landing = exporter.get("/")
    assert status == 200, landing
    links = {node.attrs.get("href") for node in parse(landing).root.find_all("a")}
    assert {"/metrics", "/status"} <= links, links
    assert SECRET not in landing


def check_html(dom, alb, nlb):
    assert "script" not in dom.start_tags, "a <script> element in the DOM"
    for node in dom.root.iter():
        for name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data", "formaction"):
            value = node.attrs.get(name, "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), f"external resource {name}={value!r} in {node}"
        if node.tag == "style" or "style" in node.attrs:
            css = (node.text() if node.tag == "style" else node.attrs["style"]).lower()
            assert "url(http" not in css.replace("'", "").replace('"', "") and "@import" not in css, css

    rules = section(dom, "rules")
    rows = rules.find_all("tr", cls="rule")
    assert sorted(row.attrs.get("data-rule") for row in rows) == sorted(ALL_RULES), rows
    for rule in ALL_RULES:
        cells = html_counts(rules, rule)
        assert cells == expected_counts(rule), f"{rule}: {cells}"
        whys = [li.text() for li in rules.find_all("li", cls="why", data_rule=rule)]
        if rule in HEALTHY:
            assert whys == [], f"{rule}: {whys}"
        elif rule == REGEX_RULE:
            assert any("kept 0 of" in why and "aws_dimension_select_regex" in why for why in whys), whys
        else:
            assert any("AccessDenied" in why and "cloudwatch:GetMetricStatistics" in why for why in whys), whys

    balancers = section(dom, "load-balancers")
    expected = expected_load_balancers(alb, nlb)
    rows = balancers.find_all("tr", cls="load-balancer")
    assert sorted(row.attrs.get("data-name") for row in rows) == sorted(expected), rows
    for row in rows:
        name = row.attrs["data-name"]
        want = expected[name]
        cells = {}
        for cls in ("kind", "namespace", "service", "cluster", "labels"):
            found = row.find_all("td", cls=cls)
            assert len(found) == 1, f'{name}: expected one <td class="{cls}">, found {len(found)}'
            cells[cls] = found[0]
        assert cells["kind"].text() == want["kind"], (name, cells["kind"].text())
        if want["namespace"]:
            assert cells["namespace"].text() == want["namespace"], (name, cells["namespace"].text())
        assert cells["service"].text() == (want["service"] or ""), (name, cells["service"].text())
        if want["cluster"]:
            assert cells["cluster"].text() == want["cluster"], (name, cells["cluster"].text())
        labels_text = "".join(cells["labels"].data())
        for label, value in want["labels"].items():
            assert f'{label}="{value}"' in labels_text, (name, labels_text)
    xss_cell = next(row for row in rows if row.attrs["data-name"] == "xss-lb").find_all("td", cls="labels")[0]
    assert any(XSS in piece for piece in xss_cell.data()), ("the tag value is not text", xss_cell.data())
    assert not xss_cell.find_all(), ("elements inside the xss-lb labels cell", xss_cell.find_all())
    whys = [li.text() for li in balancers.find_all("li", cls="why", data_load_balancer="legacy-untagged")]
    assert any("no Kubernetes tags" in why for why in whys), whys

    usage = section(dom, "aws-usage")
    assert usage.find_all("svg"), "no inline <svg> in the aws-usage section"
    assert usage.find_all("td", cls="estimated-cost"), 'no <td class="estimated-cost"> in the aws-usage section'
    version = version_text()
    assert version in section(dom, "process").text(), (version, section(dom, "process").text())


def html_counts(rules, rule):
    """The integer cells of a rule's rows (the first of each kind, over every row with that data-rule)."""
    cells = {}
    for row in rules.find_all("tr", data_rule=rule):
        for key in COUNTS:
            for td in row.find_all("td", cls=key.replace("_", "-")):
                text = td.text()  # the number, maybe followed by a note such as "(cached)"
                number = text.split()[0] if text.split() else ""
                assert number.isdigit(), f'{rule}: <td class="{key}"> holds {text!r}, not an integer'
                cells.setdefault(key, int(number))
    return cells


def check_json(document, exporter, alb, nlb):
    assert {"process", "rules", "load_balancers", "aws_usage"} <= set(document), sorted(document)

    rules = document["rules"]
    assert sorted(rule_id(rule) for rule in rules) == sorted(ALL_RULES), [rule_id(rule) for rule in rules]
    for rule in rules:
        name = rule_id(rule)
        sets = rule["dimension_sets"]
        assert all(is_int(sets[key]) for key in COUNTS), (name, sets)
        assert {key: sets[key] for key in COUNTS} == expected_counts(name), (name, sets)
        assert isinstance(rule["why_no_data"], list) and all(isinstance(w, str) for w in rule["why_no_data"]), rule
        if name in HEALTHY:
            assert rule["why_no_data"] == [] and rule["last_error"] is None, rule
        elif name == REGEX_RULE:
            assert any("kept 0 of" in w and "aws_dimension_select_regex" in w for w in rule["why_no_data"]), rule
            assert rule["last_error"] is None, rule
        else:
            assert any("AccessDenied" in w and "cloudwatch:GetMetricStatistics" in w for w in rule["why_no_data"]), rule
            error = rule["last_error"]
            assert isinstance(error, dict) and {"code", "action", "message", "time"} <= set(error), rule
            assert error["code"] == "AccessDenied" and error["action"] == "GetMetricStatistics", error
            assert "cloudwatch:GetMetricStatistics" in error["message"] and error["time"], error

    expected = expected_load_balancers(alb, nlb)
    balancers = {lb["name"]: lb for lb in document["load_balancers"]}
    assert sorted(balancers) == sorted(expected) and len(document["load_balancers"]) == len(expected), list(balancers)
    for name, want in expected.items():
        lb = balancers[name]
        for key in ("namespace", "service", "ingress", "cluster"):
            assert key in lb and (lb[key] is None or isinstance(lb[key], str)), (name, key, lb)
        assert lb["ingress"] is None, lb
        assert {key: lb[key] for key in ("kind", "namespace", "service", "cluster", "labels")} == want, lb
        assert isinstance(lb["why_no_data"], list), lb
    assert any("no Kubernetes tags" in w for w in balancers["legacy-untagged"]["why_no_data"]), balancers["legacy-untagged"]

    usage = document["aws_usage"]
    for window in ("since_start", "last_hour"):
        part = usage[window]
        assert is_number(part["billed_units"]) and part["billed_units"] > 0, (window, part)
        assert is_number(part["estimated_cost_usd"]) and part["estimated_cost_usd"] > 0, (window, part)
        for call in part["calls"]:
            assert isinstance(call["service"], str) and isinstance(call["action"], str), call
            assert is_int(call["count"]) and call["count"] >= 1, call
        actions = {call["action"] for call in part["calls"]}
        assert {"ListMetrics", "GetMetricStatistics"} <= actions, (window, part["calls"])
    since_start = {(c["service"], c["action"]): c["count"] for c in usage["since_start"]["calls"]}
    for call in usage["last_hour"]["calls"]:
        assert call["count"] <= since_start.get((call["service"], call["action"]), 0), (call, since_start)
    per_minute = usage["calls_per_minute"]
    assert len(per_minute) == 60 and all(is_int(n) and n >= 0 for n in per_minute) and sum(per_minute) >= 1, per_minute

    process = document["process"]
    for key in ("version", "config_file", "region", "credential_source"):
        assert isinstance(process.get(key), str) and process[key], (key, process)
    assert version_text() in process["version"], process
    assert process["config_file"] == str(exporter.config), process
    assert process["region"] == "us-east-1", process


def check_same_counts(dom, document):
    rules = section(dom, "rules")
    for rule in document["rules"]:
        name = rule_id(rule)
        assert html_counts(rules, name) == {key: rule["dimension_sets"][key] for key in COUNTS}, name
