"""HTTP server limits: idle and slow clients must not keep Prometheus' scrapes from being answered.

Timeouts are set short through the --web.* flags so the tests do not wait for the defaults; every wait is a bounded
poll on an outcome (a connection closed, a request answered), never an assertion on elapsed time."""
import socket
import time

from conftest import free_port

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


def start(exporter_factory, tmp_path, *flags):
    """The exporter on a port of our choosing, with extra flags."""
    port = free_port()
    config = tmp_path / "config.yml"
    config.write_text(RULES)
    args = ["--web.listen-address", f"127.0.0.1:{port}", "--config.file", str(config), *flags]
    exporter = exporter_factory(RULES, args=args, wait=False)
    exporter.port = port
    exporter.url = f"http://127.0.0.1:{port}"
    return exporter.wait_ready()


def is_closed_by_server(sock, deadline_seconds):
    """Reads until the server closes the connection (EOF or reset); False if it is still open at the deadline."""
    deadline = time.time() + deadline_seconds
    sock.settimeout(0.5)
    while time.time() < deadline:
        try:
            data = sock.recv(65536)
            if data == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def raw_request(port, data, timeout=30):
    """Sends `data` and reads until the server closes (it does after 413 and 431)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_hundreds_of_idle_connections_do_not_lock_out_scrapes(exporter_factory, tmp_path):
    # A long read timeout, so only the connection cap's eviction of the longest-waiting connection can make room.
    exporter = start(exporter_factory, tmp_path, "--web.max-connections", "50", "--web.read-timeout", "5m")
    idle = []
    try:
        for _ in range(300):
            idle.append(socket.create_connection(("127.0.0.1", exporter.port), timeout=10))
        for path in ("/-/healthy", "/metrics"):
            status, _, body = exporter.get(path)
            assert status == 200, body
        # The oldest idle connections were closed to make room; the newest are still open.
        assert is_closed_by_server(idle[0], 30)
    finally:
        for sock in idle:
            sock.close()
    assert exporter.process.poll() is None


def test_slow_header_sender_is_closed_after_the_read_timeout(exporter_factory, tmp_path):
    exporter = start(exporter_factory, tmp_path, "--web.read-timeout", "2s")
    slow = socket.create_connection(("127.0.0.1", exporter.port), timeout=10)
    try:
        slow.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n")
        closed = False
        deadline = time.time() + 60
        header = b"X-Slow: " + b"a" * 1000
        index = 0
        while time.time() < deadline and not closed:
            try:
                # One byte at a time: each byte arriving must not extend the deadline.
                slow.sendall(header[index % len(header):index % len(header) + 1])
                index += 1
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            # A normal request is answered while the slow one trickles.
            if index % 5 == 0:
                status, _, _ = exporter.get("/-/healthy")
                assert status == 200
            closed = is_closed_by_server(slow, 0.3)
        assert closed, "the slow connection was never closed"
    finally:
        slow.close()
    status, _, _ = exporter.get("/-/healthy")
    assert status == 200


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(exporter_factory, tmp_path):
    exporter = start(exporter_factory, tmp_path, "--web.idle-timeout", "1s")
    with socket.create_connection(("127.0.0.1", exporter.port), timeout=10) as sock:
        sock.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"ok" not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        assert received.startswith(b"HTTP/1.1 200")
        assert is_closed_by_server(sock, 60)


def test_oversized_header_and_body_are_refused(exporter_factory, tmp_path):
    exporter = start(exporter_factory, tmp_path)
    big_header = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 * 1024) + b"\r\n\r\n"
    answer = raw_request(exporter.port, big_header)
    # 431, or a closed connection if the server stopped reading before answering: never a scrape.
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431"), answer[:200]

    declared = b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + b"a" * 1000
    assert raw_request(exporter.port, declared).startswith(b"HTTP/1.1 413")

    chunk = b"a" * 65536
    chunked = b"POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 20 + b"0\r\n\r\n"
    assert raw_request(exporter.port, chunked).startswith(b"HTTP/1.1 413")

    status, _, _ = exporter.get("/-/healthy")
    assert status == 200
    assert exporter.process.poll() is None
