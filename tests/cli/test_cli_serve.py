"""`openrouter-kit emulator` over real sockets: the console script in a subprocess, and the
stdlib HTTP/1.1 server (`openrouter_kit_emulator.serve`) on its own with raw requests."""

from __future__ import annotations

import asyncio
import io
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
from typing import Any

import httpx
import pytest
from openrouter_kit import OpenRouter
from openrouter_kit_emulator import EMULATOR_HEADER, create_app
from openrouter_kit_emulator.serve import Server


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


# the stdlib server on its own --------------------------------------------------------
async def exchange(port: int, raw: bytes, *, read_until_close: bool = True) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    try:
        if read_until_close:
            return await asyncio.wait_for(reader.read(), 10)
        return await asyncio.wait_for(reader.read(65536), 10)
    finally:
        writer.close()


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with what it received: method, path, query and body."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            scope_type = message["type"]
            await send({"type": scope_type + ".complete"})
            if scope_type == "lifespan.shutdown":
                return
    message = await receive()
    payload = {
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "body": message["body"].decode(),
        "http_version": scope["http_version"],
    }
    if scope["path"] == "/fail-before":
        raise RuntimeError("before the response")
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    if scope["path"] == "/fail-after":
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise RuntimeError("after the response started")
    await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


@pytest.fixture
async def echo_server() -> Any:
    server = Server(echo_app, "127.0.0.1", 0, log=io.StringIO())
    await server.start()
    yield server
    await server.close()


def body_of(response: bytes) -> Any:
    _head, _, body = response.partition(b"\r\n\r\n")
    return json.loads(body)


async def test_keep_alive_serves_requests_in_turn(echo_server: Server) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", echo_server.port)
    for n in range(3):
        writer.write(f"GET /ping%20{n}?a=b HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        length = int(
            next(line for line in head.split(b"\r\n") if line.startswith(b"content-length")).split(
                b":"
            )[1]
        )
        payload = json.loads(await reader.readexactly(length))
        assert payload["path"] == f"/ping {n}" and payload["query"] == "a=b"
    writer.close()


async def test_request_bodies_content_length_chunked_and_expect_continue(
    echo_server: Server,
) -> None:
    port = echo_server.port
    got = await exchange(
        port, b"POST /a HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
    )
    assert body_of(got)["body"] == "hello"
    got = await exchange(
        port,
        b"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n",
    )
    assert body_of(got)["body"] == "abcdefg"
    got = await exchange(
        port,
        b"POST /c HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\nok",
    )
    assert got.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")
    assert body_of(got.split(b"\r\n\r\n", 1)[1])["body"] == "ok"


async def test_http_1_0_closes_after_the_response(echo_server: Server) -> None:
    got = await exchange(echo_server.port, b"GET /old HTTP/1.0\r\n\r\n")
    assert b"\r\nconnection: close\r\n" in got.lower()
    assert body_of(got)["http_version"] == "1.0"


async def test_bad_requests_and_app_failures(echo_server: Server) -> None:
    port = echo_server.port
    assert (await exchange(port, b"NONSENSE\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
    got = await exchange(port, b"GET /fail-before HTTP/1.1\r\n\r\n")
    assert got.startswith(b"HTTP/1.1 500 Internal Server Error")
    # failing mid-response: the connection is cut, the chunked body never terminates
    got = await exchange(port, b"GET /fail-after HTTP/1.1\r\n\r\n")
    assert got.startswith(b"HTTP/1.1 200 OK") and b"partial" in got
    assert not got.endswith(b"0\r\n\r\n")
    assert isinstance(echo_server.log, io.StringIO)
    log = echo_server.log.getvalue()
    assert "error in ASGI app for GET /fail-before" in log and "RuntimeError: before" in log
    assert "failed mid-response for GET /fail-after" in log


async def test_emulator_app_streams_through_the_stdlib_server() -> None:
    server = Server(create_app(), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}/api/v1") as http:
            response = await http.get("/models", params={"output_modalities": "embeddings"})
            assert response.status_code == 200
            assert len(response.json()["data"]) == 4
            missing = await http.get("/no/such/path")
            assert missing.status_code == 404
            assert missing.json()["error"]["code"] == 404
    finally:
        await server.close()
