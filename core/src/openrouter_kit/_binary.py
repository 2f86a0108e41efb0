"""Answers that are bytes (speech audio, file content, video content), read only when asked.

The body stays on the connection until `.read()`, `.iter_bytes()` or `.write_to_file(path)`,
so a large video is streamed to disk, not loaded into memory; the connection is released when
the body has been consumed or the response is closed (also a context manager).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx


class _Binary:
    """What both clients' binary answers share: the unread response and its headers."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def content_type(self) -> str | None:
        value: str | None = self.response.headers.get("content-type")
        return value

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    def __repr__(self) -> str:
        size = self.response.headers.get("content-length", "?")
        return f"<{type(self).__name__} {self.content_type} {size} bytes>"


class BinaryResponse(_Binary):
    """A binary answer of the sync client: `.content_type`, `.read()`, `.iter_bytes()`, `.write_to_file()`."""

    def read(self) -> bytes:
        """The whole body (loaded into memory)."""
        try:
            return self.response.read()
        finally:
            self.response.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces as they arrive."""
        try:
            yield from self.response.iter_bytes(chunk_size)
        finally:
            self.response.close()

    def write_to_file(self, path: str | os.PathLike[str]) -> Path:
        """Stream the body into `path`; returns the path."""
        target = Path(path)
        with target.open("wb") as file:
            for piece in self.iter_bytes(65536):
                file.write(piece)
        return target

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> BinaryResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBinaryResponse(_Binary):
    """The async client's binary answer: `await .read()`, `async for piece in .iter_bytes()`."""

    async def read(self) -> bytes:
        try:
            return await self.response.aread()
        finally:
            await self.response.aclose()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async for piece in self.response.aiter_bytes(chunk_size):
                yield piece
        finally:
            await self.response.aclose()

    async def write_to_file(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        with target.open("wb") as file:
            async for piece in self.iter_bytes(65536):
                file.write(piece)
        return target

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncBinaryResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


FileInput = Any
"""A path, bytes, an open binary file, or a (filename, bytes[, content_type]) tuple."""


def file_part(field: str, value: FileInput) -> tuple[str, bytes, str]:
    """(filename, content, content type) for a multipart upload, from any accepted `file=` form."""
    from .errors import InvalidRequestError

    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_file():
            raise InvalidRequestError(field, f"expected an existing file, got {str(value)!r}")
        return path.name, path.read_bytes(), _guess(path.name)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "upload", bytes(value), "application/octet-stream"
    if isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[0], str):
        content = value[1].read() if hasattr(value[1], "read") else value[1]
        if not isinstance(content, (bytes, bytearray)):
            raise InvalidRequestError(field, "expected (filename, bytes[, content_type])")
        return value[0], bytes(content), value[2] if len(value) == 3 else _guess(value[0])
    if hasattr(value, "read"):
        content = value.read()
        if not isinstance(content, (bytes, bytearray)):
            raise InvalidRequestError(field, "expected a file opened in binary mode ('rb')")
        name = os.path.basename(str(getattr(value, "name", "upload")))
        return name, bytes(content), _guess(name)
    raise InvalidRequestError(
        field,
        f"expected a path, bytes, an open binary file or (filename, bytes[, content_type]), "
        f"got {type(value).__name__}",
    )


def _guess(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"
