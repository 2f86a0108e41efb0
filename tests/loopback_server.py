"""A keep-alive HTTP/1.1 server on 127.0.0.1 answering like OpenRouter, for tests that need
real sockets (an httpx pool's connections are bound to the event loop that opened them,
which an in-memory transport cannot show)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COMPLETION = {
    "id": "gen-loop",
    "object": "chat.completion",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4, "cost": 0.00001},
}


def answer(path: str, body: dict[str, Any]) -> dict[str, Any]:
    if path.endswith("/embeddings"):
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"index": i, "embedding": [1.0, float(len(t))]} for i, t in enumerate(inputs)]
        return {"data": data, "model": body["model"], "usage": {"prompt_tokens": 1, "cost": 1e-6}}
    if path.endswith("/rerank"):
        results = [
            {"index": i, "relevance_score": 1.0 / (i + 1)} for i in range(len(body["documents"]))
        ]
        return {
            "results": results,
            "model": body["model"],
            "usage": {"search_units": 1, "cost": 2e-6},
        }
    return COMPLETION


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep connections open, as a real server does

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.connections.add(self.client_address)  # type: ignore[attr-defined]
        payload = json.dumps(answer(self.path, body)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def loopback_openrouter() -> Iterator[tuple[str, set[Any]]]:
    """``(base_url, connections seen)`` of a server running for the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.connections = set()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", server.connections  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
