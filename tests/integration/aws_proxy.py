"""A loopback HTTP proxy in front of moto_server, for process tests that need AWS to answer otherwise: refuse a call
(AccessDenied), or hold it until the test lets it through. Subclasses override `intercept`."""
import http.server
import threading
import urllib.error
import urllib.request

HOP_BY_HOP = ("content-length", "transfer-encoding", "connection", "server", "date")


class ForwardingProxy:
    """Forwards every request to `target` (moto) unless `intercept` answers it."""

    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()
        self.counts = {"forwarded": 0}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                proxy.handle(self, self.rfile.read(int(self.headers.get("Content-Length", 0) or 0)))

            def do_GET(self):
                proxy.handle(self, b"")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1

    def intercept(self, headers, body):
        """(status, payload, headers) to answer instead of AWS, or None to forward. May block (to hold a call)."""
        return None

    def handle(self, handler, body):
        answer = self.intercept(handler.headers, body)
        if answer is not None:
            self.reply(handler, *answer)
            return
        self.count("forwarded")
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        request = urllib.request.Request(
            self.target + handler.path, data=body if handler.command == "POST" else None, headers=headers,
            method=handler.command,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, reply_headers = error.code, error.read(), error.headers
        except OSError as error:
            status, payload, reply_headers = 502, str(error).encode(), {"Content-Type": "text/plain"}
        self.reply(handler, status, payload, {k: v for k, v in reply_headers.items() if k.lower() not in HOP_BY_HOP})

    @staticmethod
    def reply(handler, status, payload, headers):
        try:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the exporter gave up on this call

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
