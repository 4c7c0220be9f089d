"""A stand-in for the national platform: a real HTTP server on 127.0.0.1 (port 0) in a thread, which keeps every
request it receives and answers what the test tells it to."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class PlatformStub:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    status: int = 200
    body: bytes = b""
    hanging: threading.Event | None = None  # set: answer only once released
    cut_short: bool = False  # announce more bytes than are sent, then close the connection

    def answer(self, answer, *, status: int = 200) -> None:
        self.status = status
        self.body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode("utf-8")

    def hang(self) -> None:
        """Keep the next requests waiting until the test ends."""
        self.hanging = threading.Event()


@contextmanager
def platform_stub() -> Iterator[PlatformStub]:
    stub = PlatformStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            stub.received.append(Received(self.path, {key.lower(): value for key, value in self.headers.items()}, body))
            if stub.hanging is not None:
                stub.hanging.wait(timeout=5)
                return
            self.send_response(stub.status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(stub.body) + (100 if stub.cut_short else 0)))
            self.end_headers()
            self.wfile.write(stub.body)

        def log_message(self, format, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/isp-api/powercsb/1101"
    try:
        yield stub
    finally:
        if stub.hanging is not None:
            stub.hanging.set()
        server.shutdown()
        server.server_close()
        thread.join()
