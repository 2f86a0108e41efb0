"""Deterministic PNG images for image-output models (a colour gradient seeded by the prompt)."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib

IMAGE_TOKENS = 1290  # what one generated image bills as on Gemini image models


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(prompt: str, size: int = 64) -> bytes:
    """A ``size`` x ``size`` RGB PNG whose colours derive from ``prompt``."""
    seed = hashlib.sha256(prompt.encode()).digest()
    r0, g0, b0, r1, g1, b1 = seed[:6]
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            t = (x + y) / (2 * (size - 1))
            rows += bytes(
                (
                    int(r0 + (r1 - r0) * t) & 255,
                    int(g0 + (g1 - g0) * t) & 255,
                    int(b0 + (b1 - b0) * t) & 255,
                )
            )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def data_url(prompt: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(prompt)).decode()
