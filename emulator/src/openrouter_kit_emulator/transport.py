"""httpx face of the emulator: one transport usable by ``httpx.Client`` and ``httpx.AsyncClient``.

Bodies are real streams (chunk by chunk). Fault delays sleep with ``time.sleep`` or
``asyncio.sleep`` and honour the request's read timeout (raising ``httpx.ReadTimeout`` like a
real socket would); a dropped connection raises ``httpx.RemoteProtocolError`` mid-body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from .handler import Emulator
from .wire import ConnectionDropped, EmulatorRequest, EmulatorResponse

_DROPPED = "peer closed connection without sending complete message body (incomplete chunked read)"


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def _to_emulator(request: httpx.Request, body: bytes) -> EmulatorRequest:
    return EmulatorRequest(
        method=request.method,
        path=request.url.path,
        query=dict(request.url.params.multi_items()),
        headers=dict(request.headers.items()),
        body=body,
    )


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, response: EmulatorResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        delay = self._response.chunk_delay
        limit = _read_timeout(self._request)
        try:
            for chunk in self._response.chunks():
                if delay:
                    if limit is not None and delay > limit:
                        time.sleep(limit)
                        raise httpx.ReadTimeout(
                            "The read operation timed out", request=self._request
                        )
                    time.sleep(delay)
                yield chunk
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(_DROPPED, request=self._request) from None


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, response: EmulatorResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        delay = self._response.chunk_delay
        limit = _read_timeout(self._request)
        try:
            for chunk in self._response.chunks():
                if delay:
                    if limit is not None and delay > limit:
                        await asyncio.sleep(limit)
                        raise httpx.ReadTimeout(
                            "The read operation timed out", request=self._request
                        )
                    await asyncio.sleep(delay)
                yield chunk
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(_DROPPED, request=self._request) from None


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Route an httpx client's requests into an in-process ``Emulator`` (a fresh one by default).

    ``httpx.Client(transport=EmulatorTransport(), base_url="http://emulator.openrouter-kit.local/api/v1")``
    """

    def __init__(self, emulator: Emulator | None = None) -> None:
        self.emulator = emulator if emulator is not None else Emulator()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = self.emulator.handle(_to_emulator(request, body))
        if response.first_byte_delay:
            limit = _read_timeout(request)
            if limit is not None and response.first_byte_delay > limit:
                time.sleep(limit)
                raise httpx.ReadTimeout("The read operation timed out", request=request)
            time.sleep(response.first_byte_delay)
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_SyncBody(response, request),
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = self.emulator.handle(_to_emulator(request, body))
        if response.first_byte_delay:
            limit = _read_timeout(request)
            if limit is not None and response.first_byte_delay > limit:
                await asyncio.sleep(limit)
                raise httpx.ReadTimeout("The read operation timed out", request=request)
            await asyncio.sleep(response.first_byte_delay)
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_AsyncBody(response, request),
            extensions={"http_version": b"HTTP/1.1"},
        )

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
        return None
