"""The served emulator's own process under load and abuse: flat memory, no fd growth, and an
oversized chunked upload refused at the limit without being buffered first.

Measured from /proc of the `openrouter-kit emulator` process (conftest.py starts it with the
default limits: 32 MB bodies). Bounded in count and time; loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

import httpx
import pytest
from load_support import Served

pytestmark = pytest.mark.load

STREAMS = 1_000
BODY = {
    "model": "openai/gpt-4o-mini",
    "messages": [
        {"role": "user", "content": "Context: Bees make wax.\nQuestion: What do bees make?"}
    ],
    "stream": True,
}


def server_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def server_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def _streams(base_url: str, count: int) -> list[str]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": "Bearer k"}, limits=limits, timeout=60
    ) as http:

        async def one() -> str:
            async with http.stream("POST", "/chat/completions", json=BODY) as response:
                return [line async for line in response.aiter_lines() if line][-1]

        return await asyncio.gather(*(one() for _ in range(count)))


async def test_1000_concurrent_streams_leave_the_server_flat(served_emulator: Served) -> None:
    pid = served_emulator.process.pid
    await _streams(served_emulator.base_url, 200)  # warm-up: imports, allocator arenas
    await asyncio.sleep(0.5)
    fds_before, rss_before = server_fds(pid), server_rss_mb(pid)
    started = time.monotonic()
    for _ in range(2):
        lasts = await _streams(served_emulator.base_url, STREAMS)
        assert lasts == ["data: [DONE]"] * STREAMS
    seconds = time.monotonic() - started
    await asyncio.sleep(1.0)  # closed connections leave the server's loop
    fds_after, rss_after = server_fds(pid), server_rss_mb(pid)
    assert fds_after <= fds_before, (
        f"the server's file descriptors grew: {fds_before} -> {fds_after}"
    )
    assert rss_after - rss_before < 40, f"server RSS {rss_before:.0f} -> {rss_after:.0f} MB"
    assert seconds < 90
    print(
        f"\n2 x {STREAMS} concurrent streams in {seconds:.1f} s; server fds {fds_before} -> "
        f"{fds_after}, RSS {rss_before:.0f} -> {rss_after:.0f} MB"
    )


async def test_a_200_mb_chunked_upload_is_refused_without_buffering(
    served_emulator: Served,
) -> None:
    pid = served_emulator.process.pid
    port = int(served_emulator.base_url.split(":")[2].split("/")[0])
    rss_before = server_rss_mb(pid)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answered = asyncio.create_task(reader.read())  # read while sending, as a real client would
    piece = b"7" * 65536
    frame = b"10000\r\n" + piece + b"\r\n"
    sent = 0
    with contextlib.suppress(ConnectionError):
        while sent < 200 * 1024 * 1024 and not answered.done():
            writer.write(frame)
            await asyncio.wait_for(writer.drain(), 10)
            sent += len(piece)
    try:
        answer = await asyncio.wait_for(answered, 10)
    except ConnectionResetError:
        # the server closed with our unread bytes in its buffer, so TCP reset the connection;
        # the 413 itself is checked on a quieter connection in tests/cli/test_cli_serve.py
        answer = b"(reset)"
    writer.close()
    rss_after = server_rss_mb(pid)
    assert answer.startswith((b"HTTP/1.1 413 ", b"(reset)")), answer[:80]
    assert sent < 64 * 1024 * 1024, (
        f"the server kept reading {sent / 2**20:.0f} MB past its 32 MB limit"
    )
    assert rss_after - rss_before < 48, f"server RSS {rss_before:.0f} -> {rss_after:.0f} MB"
    print(
        f"\n{answer[:12]!r} after {sent / 2**20:.0f} MB sent; server RSS {rss_before:.0f} -> {rss_after:.0f} MB"
    )
