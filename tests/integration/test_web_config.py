"""--web.config.file end to end: TLS, client certificates, basic auth, headers, certificate rotation, and a real
Prometheus scraping over TLS with basic auth.

Certificates are made with openssl at test time; passwords are hashed with Python's bcrypt. Every wait is a bounded
poll on an outcome, never an assertion on elapsed time."""
import base64
import hashlib
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

import bcrypt
import pytest

from conftest import EXPORTER, aws_env, free_port

RULES = """
delay_seconds: 0
range_seconds: 600
period_seconds: 60
metrics:
- aws_namespace: AWS/ELB
  aws_metric_name: RequestCount
  aws_dimensions: [LoadBalancerName]
  aws_statistics: [Sum]
"""
PASSWORD = "s3cret-pa55"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def issue(directory, name, ext):
    """A P-256 key and a certificate signed by the test CA, with the given extensions."""
    (directory / f"{name}.ext").write_text(ext)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=directory)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=directory)


@pytest.fixture(scope="module")
def pki():
    directory = tempfile.mkdtemp(prefix="webconfig-pki-")
    import pathlib

    path = pathlib.Path(directory)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=webconfig-test-ca",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=path)
    server_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    issue(path, "server", server_ext)
    issue(path, "server2", server_ext)
    issue(path, "client", "subjectAltName=DNS:prometheus.test\nextendedKeyUsage=clientAuth\n")
    issue(path, "stranger", "subjectAltName=DNS:stranger.test\nextendedKeyUsage=clientAuth\n")
    yield path
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def password_hash():
    return bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=10)).decode()


class Served:
    """An exporter started with a web config, reached over TLS."""

    def __init__(self, moto, pki, web_config, tmp_path, flags=()):
        self.dir = tmp_path
        self.pki = pki
        self.port = free_port()
        (tmp_path / "config.yml").write_text(RULES)
        self.web = tmp_path / "web.yml"
        self.web.write_text(web_config)
        self.log_path = tmp_path / "exporter.log"
        env = dict(os.environ)
        env.update(aws_env(moto))
        self.process = subprocess.Popen(
            [str(EXPORTER), "--web.listen-address", f"127.0.0.1:{self.port}", "--config.file",
             str(tmp_path / "config.yml"), "--web.config.file", str(self.web), *flags],
            env=env, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT,
        )

    def context(self, client=None):
        context = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        if client:
            context.load_cert_chain(str(self.pki / f"{client}.crt"), str(self.pki / f"{client}.key"))
        return context

    def request(self, path, method="GET", auth=None, client=None, timeout=30):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context(client), timeout=timeout)
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def wait_ready(self, **kwargs):
        deadline = time.time() + 60
        last = None
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exporter exited {self.process.returncode}:\n{self.log()}")
            try:
                status, _, _ = self.request("/-/ready", **kwargs)
                if status == 200:
                    return self
                last = status
            except (OSError, ssl.SSLError, http.client.HTTPException) as error:
                last = error
            time.sleep(0.2)
        raise AssertionError(f"not ready: {last}\n{self.log()}")

    def served_certificate(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            with self.context().wrap_socket(sock, server_hostname="127.0.0.1") as tls:
                return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def serve(moto, pki, tmp_path):
    started = []

    def start(web_config, flags=()):
        served = Served(moto, pki, web_config, tmp_path, flags)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
        print(f"--- exporter log ---\n{served.log()[-3000:]}")


def fingerprint(path):
    pem = path.read_text()
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def tls_web_config(pki, password_hash, extra_tls=""):
    return f"""
tls_server_config:
  cert_file: {pki}/server.crt
  key_file: {pki}/server.key
{extra_tls}
http_server_config:
  headers:
    X-Frame-Options: deny
    X-Content-Type-Options: nosniff
basic_auth_users:
  prometheus: {password_hash}
"""


def test_tls_basic_auth_and_headers(serve, pki, password_hash):
    served = serve(tls_web_config(pki, password_hash)).wait_ready(auth=("prometheus", PASSWORD))
    status, headers, body = served.request("/metrics", auth=("prometheus", PASSWORD))
    assert status == 200, body
    assert "cloudwatch_exporter_scrape_error" in body
    assert headers.get("X-Frame-Options") == "deny"
    assert headers.get("X-Content-Type-Options") == "nosniff"

    for auth in (None, ("prometheus", "wrong"), ("mallory", PASSWORD)):
        for method, path in (("GET", "/metrics"), ("POST", "/-/reload"), ("GET", "/-/healthy")):
            status, headers, _ = served.request(path, method=method, auth=auth)
            assert status == 401, (auth, path)
            assert headers.get("WWW-Authenticate") == "Basic"
            # The headers go on refusals too, as exporter-toolkit sets them before checking credentials.
            assert headers.get("X-Frame-Options") == "deny"
    status, _, _ = served.request("/-/reload", method="POST", auth=("prometheus", PASSWORD))
    assert status == 200

    # Plain HTTP on the TLS port gets no answer from the exporter's routes.
    with pytest.raises((http.client.HTTPException, OSError)):
        plain = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        plain.request("GET", "/metrics")
        response = plain.getresponse()
        assert response.status != 200
        raise OSError(f"answered {response.status}")
    assert PASSWORD not in served.log()
    assert password_hash not in served.log()


def test_prometheus_scrapes_over_tls_with_basic_auth(serve, pki, password_hash, tmp_path):
    served = serve(tls_web_config(pki, password_hash)).wait_ready(auth=("prometheus", PASSWORD))
    prometheus_binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    port = free_port()
    prometheus_dir = tmp_path / "prometheus"
    prometheus_dir.mkdir()
    config = prometheus_dir / "prometheus.yml"
    config.write_text(f"""
global:
  scrape_interval: 2s
  scrape_timeout: 2s
scrape_configs:
- job_name: cloudwatch-tag-exporter
  scheme: https
  basic_auth:
    username: prometheus
    password: {PASSWORD}
  tls_config:
    ca_file: {pki}/ca.crt
  static_configs:
  - targets: ["127.0.0.1:{served.port}"]
""")
    log = open(prometheus_dir / "prometheus.log", "w")
    prometheus = subprocess.Popen(
        [prometheus_binary, f"--config.file={config}", f"--storage.tsdb.path={prometheus_dir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 120
        last = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/targets", timeout=5) as response:
                    targets = json.load(response)["data"]["activeTargets"]
                last = [(t["health"], t.get("lastError")) for t in targets]
                if any(t["health"] == "up" for t in targets):
                    break
            except OSError as error:
                last = error
            time.sleep(1)
        else:
            raise AssertionError(f"Prometheus never scraped the exporter: {last}\n{served.log()[-2000:]}")
    finally:
        prometheus.terminate()
        try:
            prometheus.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prometheus.kill()


def test_stalled_tls_handshake_is_closed_after_the_read_timeout(serve, pki, password_hash):
    served = serve(tls_web_config(pki, password_hash), flags=("--web.read-timeout", "2s"))
    served.wait_ready(auth=("prometheus", PASSWORD))
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as stalled:
        # Half a ClientHello, then nothing: the server must give up on it, and keep answering others meanwhile.
        stalled.sendall(b"\x16\x03\x01\x02\x00\x01")
        status, _, _ = served.request("/-/healthy", auth=("prometheus", PASSWORD))
        assert status == 200
        stalled.settimeout(1)
        deadline = time.time() + 60
        closed = False
        while time.time() < deadline and not closed:
            try:
                closed = stalled.recv(4096) == b""
            except socket.timeout:
                continue
            except ConnectionResetError:
                closed = True
        assert closed


def test_client_certificate_required_and_verified(serve, pki, password_hash):
    extra = f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {pki}/ca.crt\n"
    served = serve(tls_web_config(pki, password_hash, extra)).wait_ready(auth=("prometheus", PASSWORD), client="client")
    status, _, _ = served.request("/-/healthy", auth=("prometheus", PASSWORD), client="client")
    assert status == 200
    with pytest.raises((ssl.SSLError, OSError, http.client.HTTPException)):
        served.request("/-/healthy", auth=("prometheus", PASSWORD))


def test_client_allowed_sans(serve, pki, password_hash):
    extra = (f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {pki}/ca.crt\n"
             "  client_allowed_sans: [prometheus.test]\n")
    served = serve(tls_web_config(pki, password_hash, extra)).wait_ready(auth=("prometheus", PASSWORD), client="client")
    with pytest.raises((ssl.SSLError, OSError, http.client.HTTPException)):
        served.request("/-/healthy", auth=("prometheus", PASSWORD), client="stranger")


def test_rotated_certificate_is_served_without_restart(serve, pki, password_hash, tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    shutil.copy(pki / "server.crt", live / "tls.crt")
    shutil.copy(pki / "server.key", live / "tls.key")
    web = tls_web_config(pki, password_hash).replace(f"{pki}/server.crt", "live/tls.crt").replace(
        f"{pki}/server.key", "live/tls.key")
    # Relative paths: relative to the web config file's directory.
    served = serve(web).wait_ready(auth=("prometheus", PASSWORD))
    assert served.served_certificate() == fingerprint(pki / "server.crt")
    for name in ("key", "crt"):
        shutil.copy(pki / f"server2.{name}", live / f"tls.{name}.new")
        os.replace(live / f"tls.{name}.new", live / f"tls.{name}")
    wanted = fingerprint(pki / "server2.crt")
    deadline = time.time() + 60
    seen = None
    while time.time() < deadline:
        try:
            seen = served.served_certificate()
            if seen == wanted:
                break
        except (OSError, ssl.SSLError):
            pass
        time.sleep(0.2)
    assert seen == wanted
    status, _, _ = served.request("/-/healthy", auth=("prometheus", PASSWORD))
    assert status == 200
    assert served.process.poll() is None


def test_rate_limit_answers_429_beyond_the_burst(serve, pki, password_hash):
    # One request an hour after a burst of 3: the readiness probe takes one, two more pass, the next is refused.
    served = serve(tls_web_config(pki, password_hash) + "rate_limit:\n  interval: 1h\n  burst: 3\n")
    served.wait_ready(auth=("prometheus", PASSWORD))
    answers = [served.request("/-/healthy", auth=("prometheus", PASSWORD))[0] for _ in range(4)]
    assert answers[-1] == 429, answers
    assert answers.count(200) <= 2, answers


@pytest.mark.parametrize("web_config, expected", [
    ("tls_server_config:\n  cert_fil: a.crt\n", "tls_server_config.cert_fil"),
    ("basic_auth_users:\n  alice: hunter2-not-a-hash\n", "basic_auth_users.alice"),
    ("tls_server_config:\n  cert_file: /nonexistent/a.crt\n  key_file: /nonexistent/a.key\n", "cert_file"),
    ("http_server_config:\n  headers:\n    Server: x\n", "can not be configured"),
])
def test_bad_web_config_fails_start_up(serve, web_config, expected):
    served = serve(web_config)
    served.process.wait(timeout=60)
    output = served.log()
    assert served.process.returncode == 1, output
    assert expected in output, output
    assert str(served.web) in output, output
    assert "hunter2" not in output
    assert "listening" not in output.lower()
