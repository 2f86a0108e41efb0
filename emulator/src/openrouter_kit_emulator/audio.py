"""Deterministic audio bytes: a short tone per text as 16-bit PCM, WAV or MP3 (silent frames).

A WAV carries the spoken text in a ``LIST/INFO`` comment, so transcribing the emulator's own
speech gives the text back.
"""

from __future__ import annotations

import hashlib
import math
import struct

RATE = 24_000  # samples per second, mono, 16-bit
_MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III 128 kbit/s 44.1 kHz, silent


def seconds_for(text: str, speed: float = 1.0) -> float:
    """About 15 characters a second of speech, at least a quarter second."""
    return max(0.25, len(text) / 15.0 / max(speed, 0.25))


def pcm(text: str, speed: float = 1.0) -> bytes:
    """A fading sine tone whose pitch derives from ``text``."""
    pitch = 180 + hashlib.sha256(text.encode()).digest()[0]
    count = int(seconds_for(text, speed) * RATE)
    samples = (
        int(8000 * (1 - i / count) * math.sin(2 * math.pi * pitch * i / RATE)) for i in range(count)
    )
    return struct.pack(f"<{count}h", *samples)


def wav(text: str, speed: float = 1.0) -> bytes:
    data = pcm(text, speed)
    comment = text.encode("utf-8") + b"\0"
    if len(comment) % 2:
        comment += b"\0"
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(comment)) + comment
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    chunks = (
        b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"LIST" + struct.pack("<I", len(info)) + info
        + b"data" + struct.pack("<I", len(data)) + data
    )  # fmt: skip
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def mp3(text: str, speed: float = 1.0) -> bytes:
    frames = max(1, int(seconds_for(text, speed) * 44_100 / 1152))
    return _MP3_FRAME * frames


def wav_comment(data: bytes) -> str | None:
    """The text a WAV made by :func:`wav` carries, else ``None``."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    at = 12
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        if kind == b"LIST" and data[at + 8 : at + 16] == b"INFOICMT":
            length = struct.unpack("<I", data[at + 16 : at + 20])[0]
            return data[at + 20 : at + 20 + length].rstrip(b"\0").decode("utf-8", "replace")
        at += 8 + size + (size % 2)
    return None


def duration(data: bytes) -> float:
    """Seconds of audio, from the WAV header, else assuming 16-bit PCM at 24 kHz."""
    if data[:4] == b"RIFF":
        return round(max(0, len(data) - 44) / (RATE * 2), 2)
    return round(len(data) / (RATE * 2), 2)
