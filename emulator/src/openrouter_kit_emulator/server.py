"""The emulator served over HTTP: a Starlette app on uvicorn, with limits that hold under abuse.

- `create_app(emulator, limits)`: the ASGI app. Every path goes to the pure handler; streams are
  sent as the handler yields them. Bodies are counted as they arrive, so an upload over the
  limit is refused with 413 before it is buffered (chunked uploads too), and an upload that
  stalls longer than `body_timeout` between two pieces is refused with 408.
- `serve(...)`: run it on uvicorn until SIGINT or SIGTERM (graceful: in-flight requests finish).
- `EmulatorServer`: the same server in a background thread, for tests and the pytest plugin.

A request whose head (request line and headers) does not arrive within `header_timeout` of the
connection opening is answered 408 and closed, so slow-header clients cannot pile up sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from .handler import Emulator
from .wire import ConnectionDropped, EmulatorRequest, EmulatorResponse

__all__ = ["EmulatedDisconnect", "EmulatorServer", "Limits", "create_app", "serve"]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


@dataclass(frozen=True)
class Limits:
    """What one request may take from the server."""

    max_body_bytes: int = 32 * 1024 * 1024
    """Largest request body accepted; more is refused with 413 as soon as it is seen."""
    header_timeout: float = 10.0
    """Seconds a new connection has to deliver a complete request head."""
    body_timeout: float = 30.0
    """Seconds the body may stall between two pieces before the request is refused with 408."""
    keep_alive: float = 5.0
    """Seconds an idle keep-alive connection stays open."""


class EmulatedDisconnect(RuntimeError):
    """Raised inside the app to make the server cut an in-flight response (a dropped connection)."""


class _PayloadTooLarge(Exception):
    pass


def _error(status: int, message: str) -> Response:
    body = f'{{"error":{{"code":{status},"message":"{message}"}}}}'
    return Response(body, status, media_type="application/json", headers={"connection": "close"})


async def _read_body(request: Request, limits: Limits) -> bytes:
    """The body, counted piece by piece: never more than the limit is held in memory."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise _PayloadTooLarge
    pieces = request.stream().__aiter__()
    body = bytearray()
    while True:
        try:
            piece = await asyncio.wait_for(pieces.__anext__(), limits.body_timeout)
        except StopAsyncIteration:
            return bytes(body)
        body += piece
        if len(body) > limits.max_body_bytes:
            raise _PayloadTooLarge


async def _chunks(response: EmulatorResponse) -> AsyncIterator[bytes]:
    try:
        for chunk in response.chunks():
            if response.chunk_delay:
                await asyncio.sleep(response.chunk_delay)
            yield chunk
    except ConnectionDropped:
        raise EmulatedDisconnect("emulated connection drop") from None


def create_app(emulator: Emulator | None = None, limits: Limits | None = None) -> Starlette:
    """The ASGI app serving `emulator` (a fresh one by default) under `/api/v1` and at the root.

    In process, without a socket: `httpx.AsyncClient(transport=httpx.ASGITransport(app))`.
    """
    emulator = emulator if emulator is not None else Emulator()
    limits = limits or Limits()

    async def endpoint(request: Request) -> Response:
        try:
            body = await _read_body(request, limits)
        except _PayloadTooLarge:
            return _error(413, f"Request body larger than {limits.max_body_bytes} bytes")
        except asyncio.TimeoutError:
            return _error(408, f"Request body stalled for more than {limits.body_timeout:g} s")
        except ClientDisconnect:
            return Response(status_code=499)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
        query = dict(request.query_params)
        answer = app.state.emulator.handle(
            EmulatorRequest(request.method, request.url.path, query, headers, body)
        )
        if answer.first_byte_delay:
            await asyncio.sleep(answer.first_byte_delay)
        reply_headers = dict(answer.headers)
        if answer.stream is None:
            return Response(answer.body, answer.status, headers=reply_headers)
        return StreamingResponse(_chunks(answer), answer.status, headers=reply_headers)

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=METHODS)])
    app.state.emulator = emulator
    app.state.limits = limits
    return app


class _HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for the first request head of a connection."""

    header_timeout = Limits.header_timeout

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._head_deadline: asyncio.TimerHandle | None = self.loop.call_later(
            self.header_timeout, self._head_timed_out
        )

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().connection_lost(exc)

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.cycle is None and not self.transport.is_closing():
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            )
            self.transport.close()


class _QuietDisconnects(logging.Filter):
    """An emulated connection drop is the point of the fault: no traceback for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, EmulatedDisconnect):
                return False
            exc = exc.__cause__ or exc.__context__ or _first_of_group(exc)
        return True


def _first_of_group(exc: BaseException) -> BaseException | None:
    group = getattr(exc, "exceptions", None)
    return group[0] if group else None


class _Server(uvicorn.Server):
    """uvicorn's server, for which SIGINT and SIGTERM mean a graceful stop and exit status 0.

    (uvicorn re-raises the signal after shutting down, which would end the process with -15.)
    """

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        captured = getattr(self, "_captured_signals", None)
        if captured:
            captured.clear()


def _config(app: Starlette, limits: Limits, log_level: str) -> uvicorn.Config:
    protocol = type(
        "HeaderTimeoutH11", (_HeaderTimeoutH11,), {"header_timeout": limits.header_timeout}
    )
    logging.getLogger("uvicorn.error").addFilter(_QuietDisconnects())
    return uvicorn.Config(
        app,
        http=protocol,
        lifespan="off",
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=int(max(1, limits.keep_alive)),
        timeout_graceful_shutdown=10,
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), so the address is known before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that say they are TCP, and
    # without that every response waits ~40 ms for a delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    limits: Limits | None = None,
    on_ready: Callable[[str, int], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve `emulator` on uvicorn until SIGINT or SIGTERM. Raises OSError if host:port is taken."""
    limits = limits or Limits()
    sock = bind(host, port)
    if on_ready is not None:
        on_ready(host, int(sock.getsockname()[1]))
    server = _Server(_config(create_app(emulator, limits), limits, log_level))
    with sock:
        server.run(sockets=[sock])


class EmulatorServer:
    """The served emulator in a background thread on 127.0.0.1: `with EmulatorServer() as s: s.base_url`."""

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        app: Any = None,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits or Limits()
        # `app`: serve another ASGI app instead (e.g. one wrapping the emulator's, in fault tests)
        self.app = app if app is not None else create_app(emulator, self.limits)
        self._sock = bind(host, port)
        self.host = host
        self.port = int(self._sock.getsockname()[1])
        self._server = _Server(_config(self.app, self.limits, "warning"))
        self._thread: threading.Thread | None = None

    @property
    def emulator(self) -> Emulator:
        """The emulator answering requests; assign a new one to start from a clean account."""
        emulator: Emulator = self.app.state.emulator
        return emulator

    @emulator.setter
    def emulator(self, emulator: Emulator) -> None:
        self.app.state.emulator = emulator

    @property
    def base_url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/api/v1"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            daemon=True,
            name="openrouter-emulator",
        )
        self._thread.start()
        for _ in range(1000):
            if self._server.started or not self._thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not self._server.started:
            raise RuntimeError("the emulator server did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def served(emulator: Emulator | None = None, **kwargs: Any) -> Iterator[EmulatorServer]:
    """`with served() as server:` a running `EmulatorServer`, stopped on exit."""
    with EmulatorServer(emulator, **kwargs) as server:
        yield server
