"""Server-sent events: an incremental decoder, and the Stream / AsyncStream that yield typed events.

The decoder follows the SSE spec (CR, LF and CRLF line ends, split anywhere across
chunks; multi-line `data`; `event`, `id`, `retry` fields; comments such as
`: OPENROUTER PROCESSING`). Data stays bytes until it is parsed, so a UTF-8 sequence split
across network chunks is reassembled before anything decodes it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from . import _json
from .errors import (
    APIConnectionError,
    APITimeoutError,
    PartialOutput,
    ResponseValidationError,
    StreamError,
)

if TYPE_CHECKING:
    from typing_extensions import Self

T = TypeVar("T")

__all__ = ["AsyncStream", "SSEDecoder", "ServerSentEvent", "Stream"]


class ServerSentEvent:
    """One dispatched event. `data` is the raw bytes of the joined data lines."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self, data: bytes, event: str | None = None, id: str | None = None, retry: int | None = None
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data[:60]!r})"


class SSEDecoder:
    """Turns arbitrary byte chunks into ServerSentEvents; feed() then flush() at the end.

    Linear in the input however it is split: a piece without a line end is only kept (no
    copy), and the pieces of a line are joined once, when its end arrives.
    """

    __slots__ = ("_comments", "_data", "_event", "_id", "_pending", "_retry", "_skip_lf")

    def __init__(self) -> None:
        self._pending: list[bytes] = []  # pieces of a line whose end has not arrived yet
        self._data: list[bytes] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._skip_lf = False
        self._comments = 0

    @property
    def comments(self) -> int:
        """How many comment lines (keep-alives) were seen."""
        return self._comments

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        pending = self._pending
        if (
            chunk[-2:] == b"\n\n"
            and chunk[:5] == b"data:"
            and not pending
            and chunk.find(b"\n", 5, -2) < 0
            and b"\r" not in chunk
            and not self._data
            and self._event is None
        ):
            # The shape OpenRouter sends, one event per network chunk: `data: {...}\n\n`.
            value = chunk[6:-2] if chunk[5:6] == b" " else chunk[5:-2]
            event = ServerSentEvent(value, None, self._id, self._retry)
            self._retry = None
            return [event]
        if not chunk:
            return []
        if b"\n" not in chunk and b"\r" not in chunk:
            pending.append(chunk)
            return []
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending.clear()
        lines = chunk.splitlines()
        last = chunk[-1:]
        if last == b"\n" or last == b"\r":
            # A lone CR at the end may be the first half of a CRLF split across chunks.
            self._skip_lf = last == b"\r"
        else:
            pending.append(lines.pop())
        events: list[ServerSentEvent] = []
        for line in lines:
            dispatched = self._line(line)
            if dispatched is not None:
                events.append(dispatched)
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: process a final unterminated line and dispatch a pending event."""
        events: list[ServerSentEvent] = []
        if self._pending:
            line = b"".join(self._pending)
            self._pending.clear()
            event = self._line(line)
            if event is not None:
                events.append(event)
        event = self._line(b"")
        if event is not None:
            events.append(event)
        return events

    def _line(self, line: bytes) -> ServerSentEvent | None:
        if not line:
            if not self._data and self._event is None:
                return None
            event = ServerSentEvent(b"\n".join(self._data), self._event, self._id, self._retry)
            self._data = []
            self._event = None
            self._retry = None
            return event
        if line[:1] == b":":
            self._comments += 1
            return None
        name, sep, value = line.partition(b":")
        if sep and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", errors="replace")
        elif name == b"id":
            if b"\0" not in value:
                self._id = value.decode("utf-8", errors="replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)
        return None


EventParser = Callable[[bytes], "T | None"]
"""Turns one event's (non-empty) data into an item, or None to skip it."""


def _wire_json(data: bytes) -> Any:
    return _json.loads(data)


def _unencoded(response: httpx.Response) -> bool:
    # SSE bodies are rarely compressed; when not, the raw bytes are the body and httpx's
    # decoder and re-chunking layers (a generator and two calls per chunk) can be skipped
    encoding = response.headers.get("content-encoding", "").strip().lower()
    return encoding in ("", "identity") and not response.is_stream_consumed


def _body_chunks(response: httpx.Response) -> Iterator[bytes]:
    return response.iter_raw() if _unencoded(response) else response.iter_bytes()


def _abody_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    return response.aiter_raw() if _unencoded(response) else response.aiter_bytes()


class StreamDone(Exception):
    """Raised by an event parser at the end-of-stream sentinel (`[DONE]`)."""


class _StreamBase(Generic[T]):
    """What sync and async streams share: parsing, in-band errors, and the partial record."""

    def __init__(
        self,
        response: httpx.Response,
        parse: EventParser[T],
        partial: Callable[[list[Any]], PartialOutput] | None,
        on_finish: Callable[[list[Any], str], None] | None = None,
        *,
        ends_with_done: bool = False,
    ) -> None:
        self.response = response
        self._on_finish = on_finish
        self._ends_with_done = ends_with_done
        self._parse = parse
        self._emit = parse  # what iteration yields: the typed item, or see wire_dicts()
        self._partial = partial
        self._decoder = SSEDecoder()
        # What arrived, for the partial record and the finish callback: the parsed items when a
        # callback will need them, else only their data bytes (parsed again if an error needs a
        # partial record), so a long stream does not keep thousands of models alive.
        self._keep_items = on_finish is not None
        self._seen: list[Any] = []
        self._events = 0
        self._head = bytearray()  # the first bytes, kept until an event arrives
        self.closed = False
        self._outcome = "unread"  # then "cut" once read, "complete" at its end (cost hooks)

    @property
    def generation_id(self) -> str | None:
        """OpenRouter's generation id from the X-Generation-Id header, when sent."""
        value = self.response.headers.get("x-generation-id")
        return str(value) if value is not None else None

    def partial_output(self) -> PartialOutput:
        """What has been received so far, in the shape a StreamError carries."""
        if self._partial is None:
            return PartialOutput(chunks=len(self._seen))
        return self._partial(self._items())

    def _use_wire_json(self) -> None:
        """Yield parsed wire JSON from now on (see ``Stream.wire_dicts``)."""
        self._emit = _wire_json
        self._keep_items = False

    def _items(self) -> list[Any]:
        """The typed items received so far."""
        if self._keep_items:
            return self._seen
        items = []
        for data in self._seen:
            try:
                item = self._parse(data)
            except Exception:  # yielded as a dict, but not a valid typed item: nothing to add
                continue
            if item is not None:
                items.append(item)
        return items

    def _handle(self, sse: ServerSentEvent) -> T | None:
        self._events += 1
        data = sse.data
        if data == b"[DONE]":
            raise StreamDone
        if b'"error"' in data:
            self._raise_if_error(data)
        if not data:  # an event without data (a bare `event:` line): nothing to parse
            return None
        try:
            item = self._emit(data)
        except StreamDone:
            raise
        except Exception as exc:
            error = ResponseValidationError(
                f"Could not parse a stream event: {exc}", body=data[:2000]
            )
            # like a transport error mid-stream, hand over what arrived before the bad event
            error.partial = self.partial_output()  # type: ignore[attr-defined]
            raise error from None
        if item is not None:
            self._seen.append(item if self._keep_items else data)
        return item

    def _raise_if_error(self, data: bytes) -> None:
        try:
            payload = _json.loads(data)
        except ValueError:
            return
        if not isinstance(payload, dict):
            return
        error = payload.get("error")
        if not isinstance(error, dict):  # (a dict: chat chunks, and Anthropic error events)
            kind = payload.get("type")
            response = payload.get("response")
            if kind == "error" and "message" in payload:
                error = payload  # Responses-API error event: code and message at the top
            elif (
                kind == "response.failed"
                and isinstance(response, dict)
                and isinstance(response.get("error"), dict)
            ):
                error = response["error"]
            else:
                return
        try:
            # Keep whatever else arrived in the error chunk (content, usage) in the partial record.
            item = self._parse(data)
            if item is not None:
                self._seen.append(item if self._keep_items else data)
        except Exception:
            pass
        code = error.get("code")
        message = str(error.get("message") or "Stream error")
        metadata = error.get("metadata") if isinstance(error.get("metadata"), dict) else None
        raise StreamError(
            message,
            status_code=code if isinstance(code, int) else None,
            code=code,
            metadata=metadata,
            headers=self.response.headers,
            generation_id=payload.get("id") or self.generation_id,
            body=payload,
            partial=self.partial_output(),
        )

    def _keep_head(self, chunk: bytes) -> None:
        if len(self._head) < 65536:
            self._head += chunk

    def _no_events(self) -> None:
        """The body ended without a single event: that is never a complete answer.

        An empty body or one with only keep-alive comments was cut off (the incomplete-stream
        error); a JSON error object sent with HTTP 200 where a stream was asked for (or any
        other non-SSE body) raises as what it is.
        """
        body = bytes(self._head).strip()
        if not body or self._decoder.comments:
            raise self._cut_off()
        self._raise_if_error(body)
        raise ResponseValidationError(
            f"Expected a stream of server-sent events, got: {body[:200]!r}",
            body=body[:2000],
            status_code=self.response.status_code,
        )

    def _cut_off(self) -> APIConnectionError:
        """The body ended cleanly but before `[DONE]`: the answer was cut off, not complete."""
        partial = self.partial_output()
        if self._events:
            message = f"Stream ended after {partial.chunks} events without [DONE]"
        else:
            message = "Stream ended without a single event"
        error = APIConnectionError(
            f"{message}: the response was cut off",
            request=self.response.request,
        )
        error.partial = partial  # type: ignore[attr-defined]
        return error

    def _finish(self) -> None:
        """Hand what was received to the finish callback, once (cost tracking uses it)."""
        callback, self._on_finish = self._on_finish, None
        if callback is not None:
            callback(self._items(), self._outcome)

    def __del__(self) -> None:
        if getattr(self, "_on_finish", None) is not None:
            self._finish()  # dropped without being read or closed: release what it holds

    def _transport_error(self, exc: Exception) -> Exception:
        partial = self.partial_output()
        kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        error = kind(
            f"Stream interrupted after {partial.chunks} events: {type(exc).__name__}: {exc}",
            request=self.response.request,
        )
        error.partial = partial  # type: ignore[attr-defined]
        return error


class Stream(_StreamBase[T]):
    """A streamed response: iterate for typed events. Use it as a context manager to release the connection."""

    def __init__(
        self,
        response: httpx.Response,
        parse: EventParser[T],
        partial: Callable[[list[Any]], PartialOutput] | None = None,
        on_finish: Callable[[list[Any], str], None] | None = None,
        *,
        ends_with_done: bool = False,
    ) -> None:
        super().__init__(response, parse, partial, on_finish, ends_with_done=ends_with_done)
        # made on first use: an unread stream holds no reference cycle, so dropping it frees
        # it (and releases what hooks reserved for it) at once
        self._iterator: Generator[T, None, None] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._iterator is None:
            self._iterator = self._iter()
        return self._iterator

    def wire_dicts(self) -> Stream[dict[str, Any]]:
        """Yield each event as its parsed wire JSON (a dict), not a model; call before iterating.

        For adapters that build their own objects from the wire: nothing is validated per
        chunk. Hooks and the partial record of an error still get typed items, parsed from
        the kept events when they are needed.
        """
        self._use_wire_json()
        return cast("Stream[dict[str, Any]]", self)

    def __next__(self) -> T:
        return next(self.__iter__())

    def _iter(self) -> Generator[T, None, None]:
        decoder = self._decoder
        handle = self._handle
        self._outcome = "cut"
        try:
            try:
                for chunk in _body_chunks(self.response):
                    if not self._events:
                        self._keep_head(chunk)
                    for sse in decoder.feed(chunk):
                        item = handle(sse)
                        if item is not None:
                            yield item
                for sse in decoder.flush():
                    item = handle(sse)
                    if item is not None:
                        yield item
                if not self._events:
                    self._no_events()
                elif self._ends_with_done:
                    raise self._cut_off()
                else:
                    self._outcome = "complete"
            except StreamDone:
                self._outcome = "complete"
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from exc
        finally:
            self.close()
            self._finish()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.response.close()
        self._finish()  # also when the stream is closed before it was iterated

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._iterator is not None:
            self._iterator.close()
        self.close()


class AsyncStream(_StreamBase[T]):
    """The async twin of Stream: `async for` over typed events, `async with` to release the connection."""

    def __init__(
        self,
        response: httpx.Response,
        parse: EventParser[T],
        partial: Callable[[list[Any]], PartialOutput] | None = None,
        on_finish: Callable[[list[Any], str], None] | None = None,
        *,
        ends_with_done: bool = False,
    ) -> None:
        super().__init__(response, parse, partial, on_finish, ends_with_done=ends_with_done)
        self._iterator: AsyncGenerator[T, None] | None = None  # made on first use (see Stream)

    def __aiter__(self) -> AsyncIterator[T]:
        if self._iterator is None:
            self._iterator = self._iter()
        return self._iterator

    def wire_dicts(self) -> AsyncStream[dict[str, Any]]:
        """Yield each event as its parsed wire JSON (a dict): see ``Stream.wire_dicts``."""
        self._use_wire_json()
        return cast("AsyncStream[dict[str, Any]]", self)

    async def __anext__(self) -> T:
        return await self.__aiter__().__anext__()

    async def _iter(self) -> AsyncGenerator[T, None]:
        decoder = self._decoder
        handle = self._handle
        self._outcome = "cut"
        try:
            try:
                async for chunk in _abody_chunks(self.response):
                    if not self._events:
                        self._keep_head(chunk)
                    for sse in decoder.feed(chunk):
                        item = handle(sse)
                        if item is not None:
                            yield item
                for sse in decoder.flush():
                    item = handle(sse)
                    if item is not None:
                        yield item
                if not self._events:
                    self._no_events()
                elif self._ends_with_done:
                    raise self._cut_off()
                else:
                    self._outcome = "complete"
            except StreamDone:
                self._outcome = "complete"
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from exc
        finally:
            await self.close()
            self._finish()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self.response.aclose()
        self._finish()  # also when the stream is closed before it was iterated

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._iterator is not None:
            await self._iterator.aclose()
        await self.close()
