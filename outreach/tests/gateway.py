"""A stand-in for the SMS platform, served on a free local port for one test: it records every request and answers
each message by its phone number's last digit (9: refused by the platform, 8: HTTP 500, else sent)."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class GatewayStub:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""


@contextmanager
def sms_gateway() -> Iterator[GatewayStub]:
    stub = GatewayStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
            stub.requests.append(body)
            stub.headers.append(dict(self.headers))
            phone = body["phone"]
            if phone.endswith("8"):
                self.answer(500, {"error": "内部错误"})
            elif phone.endswith("9"):
                self.answer(200, {"status": "failed", "message_id": f"G{len(stub.requests)}", "error": "号码已停机"})
            else:
                self.answer(200, {"status": "sent", "message_id": f"G{len(stub.requests)}"})

        def answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """The URL of a local port nothing listens on: the platform is down."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/send"
