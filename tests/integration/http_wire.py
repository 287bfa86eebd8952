"""A raw HTTP/1.x client for comparing two servers: it sends exactly the bytes it is given and reads each answer by
its framing (Content-Length, chunked, to EOF, or none for HEAD / 1xx / 204 / 304), so it can tell "answered",
"closed" and "hung" apart without ever timing anything.

A read waits at most SAFETY_SECONDS; that limit is only reached when a server hangs, which then shows up as the value
"hung" in an observation (and fails a comparison), never as a measured duration."""
import socket
import ssl
from dataclasses import dataclass, field

SAFETY_SECONDS = 20.0


class Hung(Exception):
    """The server neither answered nor closed within SAFETY_SECONDS."""


@dataclass
class Response:
    version: str
    code: int
    reason: str
    headers: list = field(default_factory=list)  # (lower-case name, value) in order
    framing: str = "none"  # "length", "chunked", "close" (read to EOF) or "none" (no body by rule)
    body: bytes = b""

    def header(self, name):
        values = [value for key, value in self.headers if key == name]
        return ",".join(values) if values else None

    def headers_named(self, name):
        return [value for key, value in self.headers if key == name]


class Wire:
    """One connection, plain or TLS, with a read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(SAFETY_SECONDS)
        self.buffer = b""
        self.eof = False

    def send(self, data):
        """False when the server has already closed (or reset) the connection."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return False

    def _fill(self):
        if self.eof:
            return False
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout as error:
            raise Hung() from error
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def read_until(self, marker):
        while marker not in self.buffer:
            if not self._fill():
                return None
        index = self.buffer.index(marker) + len(marker)
        data, self.buffer = self.buffer[:index], self.buffer[index:]
        return data

    def read_exact(self, count):
        while len(self.buffer) < count:
            if not self._fill():
                return None
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_to_eof(self):
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data

    def read_response(self, method):
        """The next response (interim 1xx included), or None when the connection ends first."""
        head = self.read_until(b"\r\n\r\n")
        if head is None:
            return None
        lines = head[:-4].split(b"\r\n")
        parts = lines[0].decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            # Not HTTP/1 (an HTTP/2 frame, TLS bytes): recorded as such, and the rest is not read.
            return Response(lines[0][:20].decode("latin-1"), 0, "not an HTTP/1 status line")
        version, code = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for line in lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        response = Response(version, code, reason, headers)
        te = (response.header("transfer-encoding") or "").lower()
        length = response.header("content-length")
        if 100 <= code < 200 or code in (204, 304) or method == "HEAD":
            response.framing = "none"
        elif "chunked" in te:
            response.framing = "chunked"
            response.body = self._read_chunked()
        elif length is not None:
            response.framing = "length"
            response.body = self.read_exact(int(length.split(",")[0])) or b""
        else:
            response.framing = "close"
            response.body = self.read_to_eof()
        return response

    def _read_chunked(self):
        body = b""
        while True:
            line = self.read_until(b"\r\n")
            if line is None:
                return body
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailers, up to the empty line.
                while True:
                    trailer = self.read_until(b"\r\n")
                    if trailer is None or trailer == b"\r\n":
                        return body
            chunk = self.read_exact(size + 2)
            if chunk is None:
                return body
            body += chunk[:-2]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
