"""ASGI face of the emulator: a framework-free ASGI3 app that ``uvicorn`` can serve.

Streams go out as ``http.response.body`` messages with ``more_body=True``; an injected
connection drop raises inside the app after the response started, so the server aborts the
connection and the client sees an incomplete body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from .handler import Emulator
from .wire import ConnectionDropped, EmulatorRequest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class EmulatedDisconnect(RuntimeError):
    """Raised inside the app to make the server cut an in-flight response."""


class EmulatorApp:
    """The ASGI3 application; ``.emulator`` is the ``Emulator`` behind it."""

    def __init__(self, emulator: Emulator | None = None) -> None:
        self.emulator = emulator if emulator is not None else Emulator()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        query = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        request = EmulatorRequest(scope["method"], scope["path"], query, headers, bytes(body))
        response = self.emulator.handle(request)
        if response.first_byte_delay:
            await asyncio.sleep(response.first_byte_delay)
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [
                    (k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers
                ],
            }
        )
        try:
            for chunk in response.chunks():
                if response.chunk_delay:
                    await asyncio.sleep(response.chunk_delay)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except ConnectionDropped:
            raise EmulatedDisconnect("emulated connection drop") from None
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def create_app(emulator: Emulator | None = None) -> EmulatorApp:
    """A plain ASGI3 app serving ``emulator`` (a fresh one by default) under ``/api/v1``."""
    return EmulatorApp(emulator)
