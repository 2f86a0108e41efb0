"""`openrouter-kit emulator` over real sockets: the console script in a subprocess, and the
served app (Starlette on uvicorn) with raw requests that test its limits."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openrouter_kit import OpenRouter
from openrouter_kit_emulator import EMULATOR_HEADER, create_app
from openrouter_kit_emulator.server import EmulatorServer, Limits


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).with_name("openrouter-kit")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "openrouter_kit"]


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`openrouter-kit emulator --host 127.0.0.1 --port <free>` running; yields (base URL, process)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    proc = subprocess.Popen(
        [*command(), "emulator", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True).start()
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 20
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0 and proc.poll() is None, "the emulator did not start"
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if "listening on" in line:
                assert base in line
                break
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_served_emulator_answers_a_chat_and_a_stream(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    base, proc = served
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "user", "content": "Context: Bees make wax.\nQuestion: What do bees make?"}
        ],
    }
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer any"}, timeout=10) as http:
        response = http.post("/chat/completions", json=body)
        assert response.status_code == 200
        assert response.headers[EMULATOR_HEADER] == "1"
        completion = response.json()
        assert completion["object"] == "chat.completion"
        assert completion["choices"][0]["message"]["content"] == "Bees make wax."
        assert completion["usage"]["cost"] > 0

        # the same connection, kept alive, streams the next answer as server-sent events
        with http.stream("POST", "/chat/completions", json={**body, "stream": True}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            assert stream.headers["transfer-encoding"] == "chunked"
            lines = [line for line in stream.iter_lines() if line]
        assert lines[0] == ": OPENROUTER PROCESSING"
        assert lines[-1] == "data: [DONE]"
        chunks = [json.loads(line[6:]) for line in lines[1:-1]]
        text = "".join(
            c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]
        )
        assert text == "Bees make wax."
        assert chunks[-1]["usage"]["cost"] > 0

    # the library's own client over the wire
    with OpenRouter(base_url=base, api_key="any") as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o-mini", messages=body["messages"], stream=True
        )
        with stream:
            got = "".join(
                c.choices[0].delta.content or "" for c in stream if c.choices and c.choices[0].delta
            )
        assert got == "Bees make wax."
        assert client.models.count().data.count > 30

    # an injected dropped connection reaches the client as an incomplete body
    with (
        httpx.Client(
            base_url=base,
            headers={"Authorization": "Bearer any", "x-emulator-fault": "drop_after=1"},
        ) as http,
        pytest.raises(httpx.RemoteProtocolError),
        http.stream("POST", "/chat/completions", json={**body, "stream": True}) as stream,
    ):
        for _ in stream.iter_bytes():
            pass

    # SIGTERM stops it promptly, even with an idle client still connected
    port = int(base.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)):
        time.sleep(0.2)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 3


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = subprocess.run(
            [*command(), "emulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


# the served app's limits, on uvicorn -------------------------------------------------
async def exchange(port: int, raw: bytes, *, timeout: float = 10) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()


@pytest.fixture
def limited() -> Iterator[EmulatorServer]:
    limits = Limits(max_body_bytes=64 * 1024, header_timeout=0.5, body_timeout=0.5)
    with EmulatorServer(limits=limits) as server:
        yield server


async def test_a_body_over_the_limit_is_refused_before_it_is_read(limited: EmulatorServer) -> None:
    declared = await exchange(
        limited.port,
        b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 209715200\r\n\r\n",
    )
    assert declared.startswith(b"HTTP/1.1 413 ")
    assert b'"code":413' in declared

    # chunked, no length declared: refused once the count passes the limit, while still sending
    reader, writer = await asyncio.open_connection("127.0.0.1", limited.port)
    writer.write(
        b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 16384
    sent = 0
    # send just past the limit, then stop: the server has read all of it, so it answers and
    # closes cleanly (bytes left unread in its buffer would turn the close into a TCP reset)
    while sent <= limited.limits.max_body_bytes:
        writer.write(b"4000\r\n" + piece + b"\r\n")
        await writer.drain()
        sent += len(piece)
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 413 ")


async def test_a_stalled_upload_or_head_gets_408_and_the_server_stays_responsive(
    limited: EmulatorServer,
) -> None:
    started = time.monotonic()
    stalled_body = asyncio.create_task(
        exchange(
            limited.port,
            b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
        )
    )
    stalled_head = asyncio.create_task(exchange(limited.port, b"POST /api/v1/chat/comp"))
    async with httpx.AsyncClient(base_url=limited.base_url) as http:
        assert (await http.get("/models/count")).status_code == 200  # not held up by either
    assert (await stalled_body).startswith(b"HTTP/1.1 408 ")
    assert (await stalled_head).startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 5


async def test_concurrent_streams_are_served_at_once(limited: EmulatorServer) -> None:
    limited.emulator.behaviours.set("openai/gpt-4o-mini", latency=0.3)
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    async with httpx.AsyncClient(
        base_url=limited.base_url, headers={"Authorization": "Bearer k"}
    ) as http:

        async def one() -> str:
            async with http.stream("POST", "/chat/completions", json=body) as response:
                return [line async for line in response.aiter_lines() if line][-1]

        started = time.monotonic()
        lasts = await asyncio.gather(*(one() for _ in range(40)))
    assert lasts == ["data: [DONE]"] * 40
    assert time.monotonic() - started < 40 * 0.3 / 4, "the 0.3 s waits overlapped"


async def test_the_app_answers_in_process_through_asgi_transport() -> None:
    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://emulator/api/v1"
    ) as http:
        response = await http.get("/models", params={"output_modalities": "embeddings"})
        assert response.status_code == 200
        assert response.headers[EMULATOR_HEADER] == "1"
        assert len(response.json()["data"]) == 4
        missing = await http.get("/no/such/path")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == 404
