"""Plumbing for the hostile-input tests (issue 15): core clients on an httpx.MockTransport that
keeps every request, and a loopback HTTP server whose handler can cut, stall, repeat or echo."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from openrouter_kit import AsyncOpenRouter, OpenRouter

KEY = "sk-or-v1-hostile-tests-0123456789"


class Seen:
    """Answers with `handler` and keeps every request."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[OpenRouter, Seen]:
    seen = Seen(handler)
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("max_retries", 0)
    client = OpenRouter(http_client=httpx.Client(transport=httpx.MockTransport(seen)), **kwargs)
    return client, seen


def make_async_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[AsyncOpenRouter, Seen]:
    seen = Seen(handler)
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("max_retries", 0)
    client = AsyncOpenRouter(
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(seen)), **kwargs
    )
    return client, seen


def root_conftest() -> Any:
    """The repository's root conftest.py (cassette scrubbing), loaded as a module of its own
    (the name `conftest` is taken by this folder's)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("openrouter_kit_root_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def loopback(respond: Callable[[bytes, socket.socket], None]) -> Iterator[str]:
    """A raw HTTP server on 127.0.0.1 for one test: `respond(request_head, conn)` writes
    whatever it likes (a cut body, a stall) and the connection is closed after it.
    Yields the base URL (`http://127.0.0.1:<port>/api/v1`)."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                head = b""
                try:
                    while b"\r\n\r\n" not in head:
                        piece = conn.recv(65536)
                        if not piece:
                            break
                        head += piece
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":", 1)[1])
                    body = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""
                    while len(body) < length:
                        piece = conn.recv(65536)
                        if not piece:
                            break
                        body += piece
                    respond(head.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" + body, conn)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/api/v1"
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
