"""A small HTTP/1.1 server on asyncio streams that speaks enough ASGI 3 to serve the emulator.

`openrouter-kit emulator` must work on a machine with only the core installed, whose runtime
dependencies are httpx and pydantic: uvicorn is a dev dependency. This server covers what
the emulator's ASGI app and OpenRouter clients need:

- requests with a Content-Length or a chunked body, `Expect: 100-continue`, absolute-form targets;
- keep-alive (HTTP/1.1 by default, HTTP/1.0 on request) with an idle timeout;
- responses sent as the app produces them: a single-message body gets a Content-Length,
  a streamed one (`more_body=True`) goes out with chunked transfer encoding, flushed per chunk,
  so server-sent events arrive as they are written;
- an app that fails after the response started has its connection aborted, so the client sees
  an incomplete body, which is how the emulator's "dropped connection" fault reaches the wire;
- the ASGI lifespan protocol when the app supports it.

It is a development server: one process, no TLS, no HTTP/2, no pipelining beyond sequential
keep-alive requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO
from urllib.parse import unquote

__all__ = ["ASGIApp", "Server", "serve"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_HEAD_BYTES = 64 * 1024
"""Longest accepted request line + headers."""
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest accepted request body."""
KEEPALIVE_TIMEOUT = 5.0
"""Seconds an idle keep-alive connection is kept open between requests (uvicorn's default)."""
HEAD_TIMEOUT = 30.0
"""Seconds a client has to send a request's head once it connected."""

_NO_BODY_STATUSES = {204, 304}


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ClientDisconnected(OSError):
    """Raised by `send` when the client went away (the ASGI spec asks for an OSError)."""


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:  # e.g. OpenRouter's 529 "provider overloaded"
        return {529: "Site Overloaded", 524: "A Timeout Occurred"}.get(status, "")


def _parse_head(data: bytes) -> tuple[str, str, str, list[tuple[bytes, bytes]]]:
    lines = data.split(b"\r\n")
    while lines and not lines[0]:  # RFC 9112: ignore empty lines before the request line
        lines.pop(0)
    if not lines:
        raise _BadRequest(400, "empty request")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        raise _BadRequest(400, "malformed request line")
    method, target, version = (p.decode("latin-1") for p in parts)
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[:1] in (b" ", b"\t"):
            raise _BadRequest(400, "obsolete header line folding")
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip():
            raise _BadRequest(400, "malformed header line")
        headers.append((name.lower(), value.strip()))
    return method, target, version[5:], headers


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _BadRequest(400, "malformed chunk size") from None
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, ignored
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            raise _BadRequest(413, "request body too large")
        body.extend(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise _BadRequest(400, "malformed chunk")


class _Exchange:
    """One request/response on a connection: the ASGI `receive` and `send` callables."""

    def __init__(
        self, writer: asyncio.StreamWriter, method: str, body: bytes, keep_alive: bool, version: str
    ) -> None:
        self.writer = writer
        self.method = method
        self.body = body
        self.keep_alive = keep_alive
        self.version = version
        self.body_sent = False
        self.started = False
        self.head_written = False
        self.finished = False
        self.chunked = False
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.disconnected = asyncio.Event()

    async def receive(self) -> Message:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if self.disconnected.is_set() and not self.finished:
            raise ClientDisconnected("client disconnected")
        kind = message["type"]
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("http.response.start sent twice")
            self.started = True
            self.status = int(message["status"])
            self.headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
            return
        if kind != "http.response.body":
            raise RuntimeError(f"unexpected ASGI message {kind!r}")
        if not self.started:
            raise RuntimeError("http.response.body before http.response.start")
        if self.finished:
            raise RuntimeError("http.response.body after the response ended")
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        if not self.head_written:
            self._write_head(None if more else body)
        if self.method != "HEAD" and self.status not in _NO_BODY_STATUSES:
            if self.chunked:
                if body:
                    self.writer.write(b"%x\r\n%b\r\n" % (len(body), body))
                if not more:
                    self.writer.write(b"0\r\n\r\n")
            elif body:
                self.writer.write(body)
        if not more:
            self.finished = True
        try:
            await self.writer.drain()
        except (ConnectionError, RuntimeError) as exc:
            self.disconnected.set()
            raise ClientDisconnected("client disconnected") from exc
        if self.finished:
            self.disconnected.set()

    def _write_head(self, whole_body: bytes | None) -> None:
        """Status line and headers; `whole_body` is the complete body when it came in one message."""
        self.head_written = True
        headers = list(self.headers)
        names = {name for name, _ in headers}
        if b"content-length" not in names and self.status not in _NO_BODY_STATUSES:
            if whole_body is not None:
                headers.append((b"content-length", str(len(whole_body)).encode()))
            elif self.version == "1.1":
                headers.append((b"transfer-encoding", b"chunked"))
                self.chunked = True
            else:  # HTTP/1.0 has no chunked encoding: the body ends when the connection does
                self.keep_alive = False
        if b"date" not in names:
            headers.append((b"date", email.utils.formatdate(usegmt=True).encode()))
        if not self.keep_alive:
            headers.append((b"connection", b"close"))
        elif self.version == "1.0":
            headers.append((b"connection", b"keep-alive"))
        out = [f"HTTP/1.1 {self.status} {_reason(self.status)}".encode()]
        out.extend(name + b": " + value for name, value in headers)
        self.writer.write(b"\r\n".join(out) + b"\r\n\r\n")


class Server:
    """Serve one ASGI app on (host, port); port 0 picks a free port (see `.port` after `start`)."""

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        quiet_exceptions: tuple[type[BaseException], ...] = (),
        log: TextIO | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.quiet_exceptions = quiet_exceptions
        self.log = log
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._lifespan: _Lifespan | None = None

    def _log(self, text: str) -> None:
        stream = self.log if self.log is not None else sys.stderr
        stream.write(text + "\n")
        stream.flush()

    async def start(self) -> None:
        """Run the app's lifespan startup, then bind and listen."""
        self._lifespan = _Lifespan(self.app)
        await self._lifespan.startup()
        self._server = await asyncio.start_server(
            self._on_connection, self.host, self.port, limit=MAX_HEAD_BYTES
        )
        sockets = self._server.sockets
        if sockets:
            self.port = int(sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening, end open connections, run the lifespan shutdown."""
        if self._server is not None:
            self._server.close()
        # end open connections first: from Python 3.12 wait_closed() waits for them, and an
        # idle keep-alive client would hold shutdown for the whole keep-alive timeout
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        if self._lifespan is not None:
            await self._lifespan.shutdown()

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = writer.get_extra_info("peername")
        sock = writer.get_extra_info("sockname")
        first = True
        while True:
            try:
                head = await asyncio.wait_for(
                    reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT if first else KEEPALIVE_TIMEOUT
                )
            except (asyncio.TimeoutError, asyncio.IncompleteReadError):
                return  # idle keep-alive connection, or the client closed it
            except asyncio.LimitOverrunError:
                await _simple_response(writer, 431, "request header fields too large")
                return
            first = False
            try:
                method, target, version, headers = _parse_head(head)
                body = await self._read_body(reader, writer, headers)
            except _BadRequest as exc:
                await _simple_response(writer, exc.status, str(exc))
                return
            connection = (_header(headers, b"connection") or b"").lower()
            if version == "1.1":
                keep_alive = b"close" not in connection
            else:
                keep_alive = b"keep-alive" in connection
            exchange = _Exchange(writer, method, body, keep_alive, version)
            scope = _scope(method, target, version, headers, peer, sock)
            if not await self._run_app(scope, exchange, writer):
                return
            if not exchange.keep_alive:
                return

    async def _read_body(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        headers: list[tuple[bytes, bytes]],
    ) -> bytes:
        encoding = (_header(headers, b"transfer-encoding") or b"").lower()
        length = _header(headers, b"content-length")
        if (encoding or length) and (_header(headers, b"expect") or b"").lower() == b"100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        if b"chunked" in encoding:
            return await _read_chunked(reader)
        if encoding:
            raise _BadRequest(501, "unsupported transfer encoding")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            raise _BadRequest(400, "malformed content-length") from None
        if size < 0:
            raise _BadRequest(400, "malformed content-length")
        if size > MAX_BODY_BYTES:
            raise _BadRequest(413, "request body too large")
        return await reader.readexactly(size)

    async def _run_app(
        self, scope: Scope, exchange: _Exchange, writer: asyncio.StreamWriter
    ) -> bool:
        """Run the app for one request; False when the connection must end (abort or error)."""
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except ClientDisconnected:
            return False
        except Exception as exc:
            if not exchange.started or not exchange.head_written:
                self._log(f"error in ASGI app for {scope['method']} {scope['path']}:")
                self._log("".join(traceback.format_exception(exc)).rstrip())
                await _simple_response(writer, 500, "Internal Server Error")
                return False
            if not isinstance(exc, self.quiet_exceptions):
                self._log(
                    f"ASGI app failed mid-response for {scope['method']} {scope['path']}: {exc!r}"
                )
            writer.transport.abort()  # the client sees an incomplete body
            return False
        finally:
            exchange.disconnected.set()
        if not exchange.finished:
            if exchange.started and exchange.head_written:
                writer.transport.abort()
            else:
                self._log(f"ASGI app returned without a response for {scope['path']}")
                await _simple_response(writer, 500, "Internal Server Error")
            return False
        return True


def _scope(
    method: str,
    target: str,
    version: str,
    headers: list[tuple[bytes, bytes]],
    peer: Any,
    sock: Any,
) -> Scope:
    if "://" in target:  # absolute-form, as sent to proxies
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    raw_path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": version,
        "method": method.upper(),
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "client": tuple(peer[:2]) if isinstance(peer, tuple) else None,
        "server": tuple(sock[:2]) if isinstance(sock, tuple) else None,
        "state": {},
    }


async def _simple_response(writer: asyncio.StreamWriter, status: int, text: str) -> None:
    body = text.encode() + b"\n"
    writer.write(
        f"HTTP/1.1 {status} {_reason(status)}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()


class _Lifespan:
    """The ASGI lifespan protocol; apps that do not speak it are served without it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.events: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope: Scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
        scope["state"] = {}
        try:
            await self.app(scope, self.inbox.get, self.events.put)
        except Exception:  # an app without lifespan support may raise: serve it anyway
            pass
        finally:
            await self.events.put({"type": "lifespan.gone"})

    async def _expect(self, wanted: str) -> None:
        message = await asyncio.wait_for(self.events.get(), timeout=10.0)
        if message["type"].endswith(".failed"):
            raise RuntimeError(f"ASGI lifespan failed: {message.get('message', '')}")
        if message["type"] not in (wanted, "lifespan.gone"):
            raise RuntimeError(f"unexpected lifespan message {message['type']!r}")
        if message["type"] == "lifespan.gone":
            self.task = None

    async def startup(self) -> None:
        self.task = asyncio.create_task(self._run())
        await self.inbox.put({"type": "lifespan.startup"})
        await self._expect("lifespan.startup.complete")

    async def shutdown(self) -> None:
        if self.task is None:
            return
        await self.inbox.put({"type": "lifespan.shutdown"})
        with contextlib.suppress(asyncio.TimeoutError):
            await self._expect("lifespan.shutdown.complete")
        self.task.cancel()
        with contextlib.suppress(BaseException):
            await self.task


def serve(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    on_ready: Callable[[str, int], None] | None = None,
    quiet_exceptions: tuple[type[BaseException], ...] = (),
) -> None:
    """Serve `app` until SIGINT or SIGTERM; `on_ready(host, port)` runs once it listens."""

    async def main() -> None:
        server = Server(app, host, port, quiet_exceptions=quiet_exceptions)
        await server.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop.set)
        if on_ready is not None:
            on_ready(host, server.port)
        try:
            await stop.wait()
        finally:
            await server.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
