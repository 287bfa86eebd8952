"""Differential HTTP and TLS conformance: the exporter beside a real Go exporter built on exporter-toolkit (Debian's
prometheus-node-exporter), both on loopback with the same web config (none, basic auth, TLS, TLS requiring client
certificates), sent the same raw bytes. Compared: the status line (version, code, reason phrase up to Go's ": detail"),
the headers that matter (framing: Content-Length / Transfer-Encoding / to the connection's end; Connection; the basic
auth challenge), a HEAD answer's length against the GET's, TLS handshake outcome, version and ALPN, and whether and
when the connection closes: closed is seen as EOF (or a reset) while reading, open as an answer to a further request
on the same connection. Nothing is timed; a read only gives up after http_wire.SAFETY_SECONDS, which fails the case.

Every difference that is on purpose is named in DIFFERENCES and attached to the cases that show it; any other
difference fails, and so does a named one that no longer shows (then the entry goes). `pytest -s` prints the list.
Each server starts once per web config (module-scoped fixtures); the exporter needs no AWS (a config without rules)."""
import base64
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import bcrypt
import pytest

import http_wire
from conftest import EXPORTER, free_port

NODE_EXPORTER = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
USER, PASSWORD = "prometheus", "conformance-pa55"
AUTH = "Authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode() + "\r\n"

# node_exporter 1.5.0 as Debian 12 ships it: exporter-toolkit v0.8, built with go1.19.8.
DIFFERENCES = {
    "our-endpoints": "Our routes are cloudwatch_exporter's (README endpoint table): other paths 404, other methods "
    "404, TRACE 405; node_exporter 1.5.0 answers every method, and every path with its landing page.",
    "metrics-length": "/metrics is rendered whole before it is sent, so it has a Content-Length (and HTTP/1.0 "
    "keep-alive works); Go's promhttp streams it: chunked on HTTP/1.1, to the connection's end on HTTP/1.0.",
    "go1.22-no-rsa-key-exchange": "Default cipher suites follow current Go: Go 1.22 dropped RSA key exchange "
    "(TLS_RSA_WITH_*, no forward secrecy) from its defaults; go1.19 still accepts it.",
    "go1.23-no-3des": "Default cipher suites follow current Go: Go 1.23 dropped 3DES from its defaults; go1.19 still "
    "accepts TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA.",
    "http1-only": "HTTP/1.1 only (docs/web-configuration.md): ALPN selects http/1.1, never h2; exporter-toolkit "
    "defaults to http2: true.",
    "llhttp-strict-syntax": "NIO's parser (llhttp) refuses with 400 what Go's reader tolerates: method tokens it does "
    "not know (lowercase `get`), bare LF line ends, obs-fold continuation lines, HTTP/1.2.",
    "llhttp-smuggling-guards": "NIO's parser refuses (400, close) a request with both Content-Length and "
    "Transfer-Encoding, or Content-Length twice; Go drops Content-Length in favour of chunked and accepts equal "
    "repeats. RFC 9112 allows either; refusing is the request smuggling guard.",
    "head-limit": "A request head over 80 KiB gets 431 (docs/web-configuration.md, HTTP limits); Go's default "
    "MaxHeaderBytes, which node_exporter keeps, is 1 MiB.",
    "request-body-read": "A request body is read (up to --web.max-request-body-bytes) before the answer, so the "
    "connection stays usable; Go leaves an unread body over 256 KiB and closes.",
}


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    tls: bool = False
    auth: str = ""
    pki: pathlib.Path = None
    client: str = None  # client certificate sent by default (mutual TLS variant)
    log: pathlib.Path = None

    def context(self, client="default", **options):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.load_verify_locations(str(self.pki / "ca.crt"))
        client = self.client if client == "default" else client
        if client:
            context.load_cert_chain(str(self.pki / f"{client}.crt"), str(self.pki / f"{client}.key"))
        if "versions" in options:
            context.minimum_version, context.maximum_version = options["versions"]
        if "ciphers" in options:
            context.set_ciphers(options["ciphers"])
        if "group" in options:
            context.set_ecdh_curve(options["group"])
        if "alpn" in options:
            context.set_alpn_protocols(options["alpn"])
        return context

    def connect(self, sni="localhost", **options):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=http_wire.SAFETY_SECONDS)
        if self.tls:
            sock = self.context(**options).wrap_socket(sock, server_hostname=sni)
        return http_wire.Wire(sock)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki():
    """An RSA server certificate (static RSA key exchange is only possible with one), a client certificate from the
    same CA and one from another CA."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix="conformance-pki-"))
    for ca in ("ca", "otherca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2", "-subj", f"/CN={ca}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
                cwd=directory)
    for name, ca, key, ext in [
        ("server", "ca", ["rsa:2048"], "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        ("client", "ca", ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"], "extendedKeyUsage=clientAuth\n"),
        ("stranger", "otherca", ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"], "extendedKeyUsage=clientAuth\n"),
    ]:
        (directory / f"{name}.ext").write_text(ext)
        openssl("req", "-new", "-newkey", *key, "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN={name}", cwd=directory)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=directory)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def web_config(variant, pki):
    if variant == "plain":
        return None
    if variant == "basic":
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        return f"basic_auth_users:\n  {USER}: '{hashed}'\n"
    client_auth = {"tls": "VerifyClientCertIfGiven", "mtls": "RequireAndVerifyClientCert"}[variant]
    return (f"tls_server_config:\n  cert_file: {pki}/server.crt\n  key_file: {pki}/server.key\n"
            f"  client_ca_file: {pki}/ca.crt\n  client_auth_type: {client_auth}\n")


def ready(server):
    """Polls until the server answers a request (a bounded wait on an outcome, not a timed assertion)."""
    deadline = time.time() + 60
    last = None
    while time.time() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"{server.name} exited: {server.log.read_text() if server.log else ''}")
        try:
            wire = server.connect()
            try:
                wire.send(f"GET / HTTP/1.1\r\nHost: x\r\n{server.auth}Connection: close\r\n\r\n".encode())
                if wire.read_response("GET") is not None:
                    return server
            finally:
                wire.close()
        except (OSError, ssl.SSLError, http_wire.Hung) as error:
            last = error
        time.sleep(0.1)
    raise AssertionError(f"{server.name} did not answer: {last}")


def start_pair(variant, pki, directory):
    if not NODE_EXPORTER:
        pytest.fail("prometheus-node-exporter is missing: run scripts/install-deps.sh (apt-get install "
                    "prometheus-node-exporter)")
    if not EXPORTER.exists():
        pytest.fail(f"exporter binary {EXPORTER} missing: run `swift build` first")
    text = web_config(variant, pki)
    web = None
    if text is not None:
        web = directory / f"web-{variant}.yml"
        web.write_text(text)
    common = dict(tls=variant in ("tls", "mtls"), auth=AUTH if variant == "basic" else "", pki=pki,
                  client="client" if variant == "mtls" else None)
    go_port, our_port = free_port(), free_port()
    go_log, our_log = directory / f"go-{variant}.log", directory / f"ours-{variant}.log"
    go = subprocess.Popen(
        [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{go_port}", "--collector.disable-defaults",
         "--collector.time"] + ([f"--web.config.file={web}"] if web else []),
        stdout=open(go_log, "w"), stderr=subprocess.STDOUT)
    config = directory / "config.yml"
    config.write_text("metrics: []\n")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL="http://127.0.0.1:1", AWS_EC2_METADATA_DISABLED="true")
    ours = subprocess.Popen(
        [str(EXPORTER), "--web.listen-address", f"127.0.0.1:{our_port}", "--config.file", str(config)]
        + (["--web.config.file", str(web)] if web else []),
        env=env, stdout=open(our_log, "w"), stderr=subprocess.STDOUT)
    pair = (Server("go", go_port, go, log=go_log, **common), Server("ours", our_port, ours, log=our_log, **common))
    try:
        return tuple(ready(server) for server in pair)
    except BaseException:
        for server in pair:
            server.stop()
        raise


@pytest.fixture(scope="module")
def directory():
    path = pathlib.Path(tempfile.mkdtemp(prefix="conformance-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def pair_fixture(variant):
    @pytest.fixture(scope="module")
    def fixture(pki, directory):
        pair = start_pair(variant, pki, directory)
        yield pair
        for server in pair:
            server.stop()
    return fixture


plain = pair_fixture("plain")
basic = pair_fixture("basic")
tls = pair_fixture("tls")
mtls = pair_fixture("mtls")


# --- Observations ------------------------------------------------------------------------------------------------

def response_facts(response, prefix):
    reason = response.reason.split(":")[0]  # Go appends ": detail" to some reason phrases
    connection = ",".join(sorted(token.strip().lower() for value in response.headers_named("connection")
                                 for token in value.split(",") if token.strip()))
    return {
        f"{prefix}.status": f"{response.version} {response.code} {reason}",
        f"{prefix}.framing": response.framing,
        f"{prefix}.connection": connection or "-",
        f"{prefix}.www-authenticate": response.header("www-authenticate") or "-",
    }


def exchange(server, request, methods, then=None, **connect):
    """Sends `request`, reads one answer per method (1xx answers are recorded too), sends `then` if any, and finds
    out whether the connection is still open by a further request on it."""
    facts = {}
    try:
        wire = server.connect(**connect)
    except (OSError, ssl.SSLError):
        return {"connection": "refused"}
    try:
        wire.send(request)
        answered = 0
        pending = list(methods)
        while pending:
            response = wire.read_response(pending[0])
            if response is None:
                break
            facts.update(response_facts(response, f"{answered}"))
            facts[f"{answered}.body"] = response.body
            facts[f"{answered}.content-length"] = response.header("content-length")
            answered += 1
            if not 100 <= response.code < 200:
                pending.pop(0)
        facts["answers"] = answered
        if then is not None:
            wire.send(then)
        facts["after"] = after(server, wire)
    except http_wire.Hung:
        facts["after"] = "hung"
    finally:
        wire.close()
    return facts


def after(server, wire):
    if wire.eof:
        return "closed"
    wire.send(f"GET / HTTP/1.1\r\nHost: probe\r\n{server.auth}\r\n".encode())
    return "closed" if wire.read_response("GET") is None else "open"


def comparable(facts):
    """What is compared: bodies and raw lengths differ by page, so they are left out."""
    return {key: value for key, value in facts.items() if not key.endswith((".body", ".content-length"))}


@dataclass
class Case:
    name: str
    request: str  # {auth} is replaced by the variant's Authorization line (empty without basic auth)
    methods: list
    variants: tuple = ("plain",)
    differs: dict = field(default_factory=dict)  # observation key -> name in DIFFERENCES
    then: bytes = None
    head_length_path: str = None  # a HEAD case: also compare its Content-Length with the GET's

    def bytes(self, server):
        return self.request.replace("{auth}", server.auth).encode("latin-1")


H = "Host: localhost:9100\r\n{auth}"
STRICT = "llhttp-strict-syntax"
CASES = [
    # Versions and keep-alive.
    Case("HTTP/1.1 keep-alive", f"GET / HTTP/1.1\r\n{H}\r\n", ["GET"], ("plain", "basic", "tls")),
    Case("HTTP/1.0 without keep-alive", "GET / HTTP/1.0\r\n{auth}\r\n", ["GET"], ("plain", "basic", "tls")),
    Case("HTTP/1.0 with Connection: keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n{auth}\r\n", ["GET"],
         ("plain", "tls")),
    Case("HTTP/1.0 HEAD without keep-alive", "HEAD / HTTP/1.0\r\n\r\n", ["HEAD"], head_length_path="/"),
    Case("HTTP/1.0 GET /metrics", "GET /metrics HTTP/1.0\r\n\r\n", ["GET"],
         differs={"0.framing": "metrics-length"}),
    Case("HTTP/1.0 GET /metrics with keep-alive", "GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ["GET"],
         differs={"0.framing": "metrics-length", "0.connection": "metrics-length", "after": "metrics-length"}),
    Case("HTTP/1.0 HEAD /metrics with keep-alive", "HEAD /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
         ["HEAD"]),
    Case("Connection: close", f"GET / HTTP/1.1\r\n{H}Connection: close\r\n\r\n", ["GET"], ("plain", "basic", "tls")),
    Case("Connection: keep-alive, Close", f"GET / HTTP/1.1\r\n{H}Connection: keep-alive, Close\r\n\r\n", ["GET"]),
    Case("Connection: close on HTTP/1.0", "GET / HTTP/1.0\r\nConnection: close\r\n\r\n", ["GET"]),
    Case("pipelined three", f"GET / HTTP/1.1\r\n{H}\r\nHEAD / HTTP/1.1\r\n{H}\r\nGET /-/healthy HTTP/1.1\r\n{H}\r\n",
         ["GET", "HEAD", "GET"], ("plain", "basic", "tls")),
    Case("pipelined after Connection: close",
         f"GET / HTTP/1.1\r\n{H}Connection: close\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n", ["GET", "GET"],
         ("plain", "tls")),
    Case("pipelined HTTP/1.0 then HTTP/1.1", f"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n", ["GET", "GET"]),
    # Upgrade and CONNECT are ignored: the connection goes on with HTTP/1.1.
    Case("Upgrade: h2c (curl --http2), then another request",
         f"GET / HTTP/1.1\r\n{H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
         f"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n", ["GET", "GET"],
         ("plain", "basic", "tls")),
    Case("Upgrade: websocket, then another request",
         f"GET / HTTP/1.1\r\n{H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
         f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n", ["GET", "GET"]),
    Case("Upgrade without Connection: upgrade", f"GET / HTTP/1.1\r\n{H}Upgrade: h2c\r\n\r\n", ["GET"]),
    Case("Upgrade with a body, then another request",
         f"POST /metrics HTTP/1.1\r\n{H}Connection: upgrade\r\nUpgrade: x\r\nContent-Length: 3\r\n\r\nabc"
         f"GET / HTTP/1.1\r\n{H}\r\n", ["POST", "GET"], differs={"0.framing": "metrics-length"}),
    Case("CONNECT, then another request",
         "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
         ["CONNECT", "GET"]),
    Case("HTTP/2 prior-knowledge preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ["PRI"]),
    # Host.
    Case("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n{auth}\r\n", ["GET"], ("plain", "basic", "tls")),
    Case("HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", ["GET"]),
    Case("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ["GET"]),
    Case("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", ["GET"]),
    Case("Host with @", "GET / HTTP/1.1\r\nHost: user@host\r\n\r\n", ["GET"]),
    Case("Host with <>", "GET / HTTP/1.1\r\nHost: <x>\r\n\r\n", ["GET"]),
    Case("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", ["GET"]),
    Case("IPv6 Host with zone", "GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]:9100\r\n\r\n", ["GET"]),
    Case("Host with tabs and odd case", "GET / HTTP/1.1\r\nhOsT:\tlocalhost\t\r\n\r\n", ["GET"]),
    Case("absolute-form target", f"GET http://example/metrics HTTP/1.1\r\n{H}\r\n", ["GET"],
         differs={"0.framing": "metrics-length"}),
    Case("absolute-form target without Host", "GET http://example/ HTTP/1.1\r\n\r\n", ["GET"]),
    # Every method on the endpoints (node_exporter 1.5.0 serves its landing page on every path).
    Case("HEAD /", f"HEAD / HTTP/1.1\r\n{H}\r\n", ["HEAD"], ("plain", "basic", "tls"), head_length_path="/"),
    Case("HEAD /metrics", f"HEAD /metrics HTTP/1.1\r\n{H}\r\n", ["HEAD"], ("plain", "basic", "tls"),
         head_length_path="/metrics"),
    Case("HEAD /-/healthy", f"HEAD /-/healthy HTTP/1.1\r\n{H}\r\n", ["HEAD"], head_length_path="/-/healthy"),
    Case("HEAD /status", f"HEAD /status HTTP/1.1\r\n{H}\r\n", ["HEAD"], head_length_path="/status"),
    Case("GET /metrics", f"GET /metrics HTTP/1.1\r\n{H}\r\n", ["GET"], ("plain", "basic", "tls"),
         differs={"0.framing": "metrics-length"}),
    Case("POST /metrics", f"POST /metrics HTTP/1.1\r\n{H}Content-Length: 0\r\n\r\n", ["POST"],
         differs={"0.framing": "metrics-length"}),
    Case("POST /metrics, chunked body", f"POST /metrics HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n0\r\n\r\n", ["POST"], differs={"0.framing": "metrics-length"}),
    Case("GET /-/healthy", f"GET /-/healthy HTTP/1.1\r\n{H}\r\n", ["GET"]),
    Case("GET /-/ready", f"GET /-/ready HTTP/1.1\r\n{H}\r\n", ["GET"]),
    Case("GET /status", f"GET /status HTTP/1.1\r\n{H}\r\n", ["GET"]),
    Case("GET /no-such-page", f"GET /no-such-page HTTP/1.1\r\n{H}\r\n", ["GET"], ("plain", "basic"),
         differs={"0.status": "our-endpoints"}),
    Case("GET /-/reload", f"GET /-/reload HTTP/1.1\r\n{H}\r\n", ["GET"], differs={"0.status": "our-endpoints"}),
    Case("POST /-/healthy", f"POST /-/healthy HTTP/1.1\r\n{H}Content-Length: 0\r\n\r\n", ["POST"],
         differs={"0.status": "our-endpoints"}),
    *[Case(f"{method} /metrics", f"{method} /metrics HTTP/1.1\r\n{H}Content-Length: 0\r\n\r\n", [method],
           differs={"0.status": "our-endpoints", "0.framing": "metrics-length"})
      for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")],
    Case("TRACE /", f"TRACE / HTTP/1.1\r\n{H}\r\n", ["TRACE"], ("plain", "basic"),
         differs={"0.status": "our-endpoints"}),
    Case("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", ["OPTIONS"], ("plain", "basic")),
    Case("GET *", f"GET * HTTP/1.1\r\n{H}\r\n", ["GET"], ("plain", "basic")),
    Case("percent-encoded path", f"GET /%6Detrics HTTP/1.1\r\n{H}\r\n", ["GET"],
         differs={"0.framing": "metrics-length"}),
    Case("unclean path //metrics", f"GET //metrics?x=1 HTTP/1.1\r\n{H}\r\n", ["GET"], ("plain", "basic")),
    Case("unclean path /a/../metrics", f"POST /a/../metrics HTTP/1.1\r\n{H}Content-Length: 0\r\n\r\n", ["POST"]),
    # Expect.
    Case("Expect: 100-continue, body withheld until the answer",
         f"POST /metrics HTTP/1.1\r\n{H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n", ["POST"],
         differs={"0.framing": "metrics-length"}, then=b"hello"),
    Case("Expect: 100-continue with the body sent",
         f"POST /metrics HTTP/1.1\r\n{H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello", ["POST"],
         differs={"0.framing": "metrics-length"}),
    Case("Expect: 100-continue without a body", f"GET / HTTP/1.1\r\n{H}Expect: 100-continue\r\n\r\n", ["GET"]),
    Case("Expect: 100-continue on HTTP/1.0",
         "POST /metrics HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
         ["POST"], differs={"0.framing": "metrics-length", "0.connection": "metrics-length",
                            "after": "metrics-length"}),
    Case("Expect: something else", f"GET / HTTP/1.1\r\n{H}Expect: teapot\r\n\r\n", ["GET"], ("plain", "basic")),
    # Odd but legal header shapes, and some that are not.
    Case("header names in odd case, whitespace around values",
         "GET / HTTP/1.1\r\nhost: x\r\nACCEPT:   */*   \r\nX-Empty:\r\nx-tab:\ta\tb\t\r\n\r\n", ["GET"]),
    Case("a hundred headers", "GET / HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-H{i}: {i}\r\n" for i in range(100))
         + "\r\n", ["GET"]),
    Case("an 8 KiB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 8192 + "\r\n\r\n", ["GET"]),
    Case("a 9 KiB query", "GET /?" + "a" * 9000 + " HTTP/1.1\r\nHost: x\r\n\r\n", ["GET"]),
    Case("Content-Length with leading zeros", f"POST /metrics HTTP/1.1\r\n{H}Content-Length: 005\r\n\r\nhello",
         ["POST"], differs={"0.framing": "metrics-length"}),
    Case("a 300 KB body", f"POST /metrics HTTP/1.1\r\n{H}Content-Length: 300000\r\n\r\n" + "a" * 300000, ["POST"],
         differs={"0.framing": "metrics-length", "0.connection": "request-body-read",
                  "after": "request-body-read"}),
    Case("Transfer-Encoding: gzip", f"POST /metrics HTTP/1.1\r\n{H}Transfer-Encoding: gzip\r\n\r\n", ["POST"]),
    Case("Transfer-Encoding and Content-Length",
         f"POST /metrics HTTP/1.1\r\n{H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ["POST"],
         differs={"0.status": "llhttp-smuggling-guards", "0.framing": "llhttp-smuggling-guards",
                  "0.connection": "llhttp-smuggling-guards", "after": "llhttp-smuggling-guards"}),
    Case("Content-Length twice, equal",
         f"POST /metrics HTTP/1.1\r\n{H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", ["POST"],
         differs={"0.status": "llhttp-smuggling-guards", "0.framing": "llhttp-smuggling-guards",
                  "0.connection": "llhttp-smuggling-guards", "after": "llhttp-smuggling-guards"}),
    Case("space before the colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n", ["GET"]),
    Case("request line without a version", "GET /\r\n\r\n", ["GET"]),
    Case("oversized head (100 KiB)", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 102400 + "\r\n\r\n", ["GET"],
         differs={"0.status": "head-limit", "0.framing": "head-limit", "0.connection": "head-limit",
                  "after": "head-limit"}),
    *[Case(name, request, ["GET"],
           differs={"0.status": STRICT, "0.framing": STRICT, "0.connection": STRICT, "after": STRICT})
      for name, request in [
          ("lowercase method", "get / HTTP/1.1\r\nHost: x\r\n\r\n"),
          ("bare LF line ends", "GET / HTTP/1.1\nHost: x\n\n"),
          ("obs-fold continuation line", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
          ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n"),
      ]],
    # Basic auth.
    Case("no credentials", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", ["GET"], ("basic",)),
    Case("wrong password", "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
         + base64.b64encode(f"{USER}:wrong".encode()).decode() + "\r\n\r\n", ["GET"], ("basic",)),
    Case("malformed credentials", "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!!\r\n\r\n", ["GET"],
         ("basic",)),
    Case("Bearer instead of Basic", "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\n\r\n", ["GET"],
         ("basic",)),
    Case("HEAD without credentials", "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", ["HEAD"], ("basic",)),
    Case("unauthorized, then authorized, pipelined",
         f"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n", ["GET", "GET"], ("basic",)),
    Case("HTTP/1.0 without credentials", "GET / HTTP/1.0\r\n\r\n", ["GET"], ("basic",)),
]


def compare(case, variant, go, ours, differences):
    go_facts, our_facts = exchange(go, case.bytes(go), case.methods, case.then), \
        exchange(ours, case.bytes(ours), case.methods, case.then)
    if case.head_length_path:
        for server, facts in ((go, go_facts), (ours, our_facts)):
            facts["head-length"] = head_length(server, case.head_length_path, facts.get("0.content-length"))
    check(f"{case.name} [{variant}]", comparable(go_facts), comparable(our_facts), case.differs, differences)


def head_length(server, path, value):
    """A HEAD answer's Content-Length: none (a streamed or unscraped body), or the GET's. Only a page whose length
    does not change between two requests is compared exactly (the status pages show ages)."""
    if value is None:
        return "none"
    if path != "/-/healthy":
        return "present"
    facts = exchange(server, f"GET {path} HTTP/1.1\r\nHost: x\r\n{server.auth}Connection: close\r\n\r\n".encode(),
                     ["GET"])
    return "same as GET" if facts.get("0.content-length") == value else f"{value}, GET has {facts.get('0.content-length')}"


def check(name, go_facts, our_facts, declared, differences):
    for key in declared.values():
        assert key in DIFFERENCES, f"{name}: unknown difference {key}"
    keys = sorted(set(go_facts) | set(our_facts))
    differing = {key for key in keys if go_facts.get(key) != our_facts.get(key)}
    unexplained = {key: (go_facts.get(key), our_facts.get(key)) for key in differing - set(declared)}
    stale = set(declared) - differing
    assert not unexplained, f"{name}: differs from Go (go, ours): {unexplained}\n go:   {go_facts}\n ours: {our_facts}"
    assert not stale, f"{name}: declared differences no longer differ: {sorted(stale)}\n facts: {our_facts}"
    for key in sorted(differing):
        differences.append((declared[key], name, key, go_facts.get(key), our_facts.get(key)))


@pytest.fixture(scope="module")
def differences():
    found = []
    yield found
    print("\nDeliberate differences from node_exporter 1.5.0 (go1.19.8, exporter-toolkit), as observed:")
    for name in DIFFERENCES:
        rows = [row for row in found if row[0] == name]
        if not rows:
            continue
        print(f"\n[{name}] {DIFFERENCES[name]}")
        for _, case, key, go_value, our_value in rows:
            print(f"  {case}: {key}: go={go_value!r} ours={our_value!r}")


@pytest.mark.parametrize("case", [case for case in CASES if "plain" in case.variants], ids=lambda case: case.name)
def test_plain(case, plain, differences):
    compare(case, "plain", *plain, differences)


@pytest.mark.parametrize("case", [case for case in CASES if "basic" in case.variants], ids=lambda case: case.name)
def test_basic_auth(case, basic, differences):
    compare(case, "basic auth", *basic, differences)


@pytest.mark.parametrize("case", [case for case in CASES if "tls" in case.variants], ids=lambda case: case.name)
def test_over_tls(case, tls, differences):
    compare(case, "TLS", *tls, differences)


# --- TLS ---------------------------------------------------------------------------------------------------------

def handshake(server, request=True, **options):
    """The handshake outcome (version, ALPN) and whether a request is then answered."""
    try:
        wire = server.connect(**options)
    except (OSError, ssl.SSLError):
        return {"handshake": "refused"}
    try:
        facts = {"handshake": "ok", "version": wire.sock.version(), "alpn": wire.sock.selected_alpn_protocol()}
        if facts["alpn"] == "h2":
            facts["answer"] = "h2 (not spoken here)"
        elif request:
            wire.send(f"GET / HTTP/1.1\r\nHost: x\r\n{server.auth}\r\n".encode())
            response = wire.read_response("GET")
            facts["answer"] = response.code if response else "none"
        return facts
    except http_wire.Hung:
        return {"handshake": "hung"}
    finally:
        wire.close()


TLS12 = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2)
TLS_CASES = [
    ("defaults (TLS 1.3)", {}, {}),
    ("TLS 1.2, default suites", {"versions": TLS12}, {}),
    *[(f"key exchange group {group} only", {"group": group}, {})
      for group in ("X25519", "prime256v1", "secp384r1", "secp521r1")],
    ("ALPN h2, http/1.1", {"alpn": ["h2", "http/1.1"]}, {"alpn": "http1-only", "answer": "http1-only"}),
    ("ALPN http/1.1", {"alpn": ["http/1.1"]}, {}),
    ("ALPN h2 only", {"alpn": ["h2"]}, {"alpn": "http1-only", "answer": "http1-only"}),
    ("SNI localhost", {"sni": "localhost"}, {}),
    ("no SNI", {"sni": None}, {}),
    ("SNI of another name", {"sni": "elsewhere.example"}, {}),
    ("client certificate from the CA", {"client": "client"}, {}),
    ("client certificate from another CA", {"client": "stranger"}, {}),
]


SUITES = {
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA": 0x000A, "TLS_RSA_WITH_AES_128_CBC_SHA": 0x002F,
    "TLS_RSA_WITH_AES_256_CBC_SHA": 0x0035, "TLS_RSA_WITH_AES_128_CBC_SHA256": 0x003C,
    "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C, "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256": 0x009E, "TLS_RSA_WITH_RC4_128_SHA": 0x0005,
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA": 0xC011, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA": 0xC012,
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256": 0xC027, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384": 0xC028,
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
}


def extension(kind, data):
    return kind.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data


def offer_suites(server, suites, version=0x0303):
    """Sends a ClientHello (TLS 1.2 unless `version` says otherwise) offering exactly `suites`, built here so the
    local OpenSSL's policy (no 3DES, RC4, TLS 1.0 or 1.1 at all) does not decide what is offered, and names the
    suite the ServerHello picks, with the version when it is not TLS 1.2, or "refused"."""
    ids = b"".join(SUITES[suite].to_bytes(2, "big") for suite in suites)
    groups = bytes.fromhex("001d00170018")
    algorithms = bytes.fromhex("0804040105010601040305030201")
    extensions = (extension(10, len(groups).to_bytes(2, "big") + groups) + extension(11, b"\x01\x00")
                  + extension(13, len(algorithms).to_bytes(2, "big") + algorithms) + extension(0xFF01, b"\x00"))
    body = (version.to_bytes(2, "big") + os.urandom(32) + b"\x00" + len(ids).to_bytes(2, "big") + ids + b"\x01\x00"
            + len(extensions).to_bytes(2, "big") + extensions)
    handshake_message = b"\x01" + len(body).to_bytes(3, "big") + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=http_wire.SAFETY_SECONDS) as sock:
        wire = http_wire.Wire(sock)
        wire.send(b"\x16\x03\x01" + len(handshake_message).to_bytes(2, "big") + handshake_message)
        header = wire.read_exact(5)
        if header is None or header[0] != 0x16:
            return "refused"
        record = wire.read_exact(int.from_bytes(header[3:5], "big"))
        if record is None or record[0] != 0x02:
            return "refused"
        session_id_length = record[38]
        chosen = int.from_bytes(record[39 + session_id_length:41 + session_id_length], "big")
        name = next((name for name, value in SUITES.items() if value == chosen), hex(chosen))
        return name if record[4:6] == b"\x03\x03" else f"{name} over {record[4:6].hex()}"


def suite_case(suite, differs=None):
    return (f"offering only {suite}", [suite], {"selected": differs} if differs else {})


SUITE_CASES = [
    *[suite_case(suite, "go1.22-no-rsa-key-exchange") for suite in (
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")],
    suite_case("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "go1.23-no-3des"),
    *[suite_case(suite) for suite in (
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")],
    ("offering static RSA first, then ECDHE", ["TLS_RSA_WITH_AES_128_GCM_SHA256",
                                               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], {}),
]
OLD_VERSIONS = ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"]


@pytest.mark.parametrize("name,suites,differs", SUITE_CASES, ids=[case[0] for case in SUITE_CASES])
def test_tls12_cipher_suite_offers(name, suites, differs, tls, differences):
    go, ours = tls
    check(name, {"selected": offer_suites(go, suites)}, {"selected": offer_suites(ours, suites)}, differs,
          differences)


@pytest.mark.parametrize("version", [0x0301, 0x0302], ids=["TLS 1.0", "TLS 1.1"])
def test_tls_versions_below_the_default_minimum(version, tls, differences):
    go, ours = tls
    check(f"ClientHello for {version:#06x}", {"selected": offer_suites(go, OLD_VERSIONS, version)},
          {"selected": offer_suites(ours, OLD_VERSIONS, version)}, {}, differences)


@pytest.mark.parametrize("name,options,differs", TLS_CASES, ids=[case[0] for case in TLS_CASES])
def test_tls_handshakes(name, options, differs, tls, differences):
    go, ours = tls
    check(name, handshake(go, **options), handshake(ours, **options), differs, differences)


MTLS_CASES = [
    ("no client certificate", {"client": None}),
    ("client certificate from the CA", {"client": "client"}),
    ("client certificate from another CA", {"client": "stranger"}),
    ("no client certificate, TLS 1.2", {"client": None, "versions": TLS12}),
]


@pytest.mark.parametrize("name,options", MTLS_CASES, ids=[case[0] for case in MTLS_CASES])
def test_client_certificates_required(name, options, mtls, differences):
    go, ours = mtls
    check(name, handshake(go, **options), handshake(ours, **options), {}, differences)


def test_plain_http_to_the_tls_port(tls, differences):
    """Go answers plain HTTP on its TLS port with a 400 that says so, then closes."""
    facts = []
    for server in tls:
        with socket.create_connection(("127.0.0.1", server.port), timeout=http_wire.SAFETY_SECONDS) as sock:
            wire = http_wire.Wire(sock)
            wire.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            response = wire.read_response("GET")
            facts.append({**(response_facts(response, "0") if response else {"0.status": "none"}),
                          "body": response.body if response else b"", "after": after(server, wire)})
    check("plain HTTP to the TLS port", *facts, {}, differences)


# --- The review's small findings (ours only) -----------------------------------------------------------------------

def request(server, text):
    wire = server.connect()
    try:
        wire.send(text.encode())
        return wire.read_response(text.split(" ", 1)[0])
    finally:
        wire.close()


def test_status_json_has_the_security_headers_of_the_html(plain):
    ours = plain[1]
    html = request(ours, "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = request(ours, "GET /status?format=json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert data.header("content-type") == "application/json"
    for name in ("content-security-policy", "x-content-type-options", "cache-control"):
        assert data.header(name) and data.header(name) == html.header(name), name


def test_a_failed_reload_quotes_only_an_excerpt_of_the_file(plain, pki, directory):
    """A config path pointing at another file (here a private key) must not print that file, neither in the reply
    nor on the status page."""
    ours = plain[1]
    config = directory / "config.yml"
    original = config.read_text()
    key = (pki / "server.key").read_text()
    secret = key.splitlines()[1][:40]
    try:
        config.write_text(key)
        reply = request(ours, "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        assert reply.code == 500 and b"Reloading config failed" in reply.body
        assert secret[:16].encode() not in reply.body, reply.body
        for path in ("/status", "/status?format=json"):
            page = request(ours, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert b"expected a mapping" in page.body
            assert secret[:16].encode() not in page.body
    finally:
        config.write_text(original)
        reply = request(ours, "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        assert reply.code == 200, reply.body
