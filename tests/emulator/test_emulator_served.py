"""The ASGI app served by uvicorn on 127.0.0.1 works with real third-party clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import openai
import pytest
import uvicorn
from openrouter_kit_emulator import Emulator, create_app


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Emulator]]:
    emulator = Emulator()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(emulator), log_level="critical", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/api/v1", emulator
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def sdk(served: tuple[str, Emulator]) -> openai.OpenAI:
    base_url, emulator = served
    return openai.OpenAI(api_key=emulator.api_key, base_url=base_url, max_retries=0, timeout=10)


def test_openai_sdk_chat(sdk: openai.OpenAI) -> None:
    completion = sdk.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[
            {
                "role": "system",
                "content": "Oslo is the capital of Norway. Lima is the capital of Peru.",
            },
            {"role": "user", "content": "What is the capital of Peru?"},
        ],
    )
    assert completion.choices[0].message.content == "Lima is the capital of Peru."
    assert completion.id.startswith("gen-")
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_openai_sdk_streaming(sdk: openai.OpenAI) -> None:
    stream = sdk.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[
            {
                "role": "user",
                "content": "Context: Water boils at 100 degrees Celsius. When does water boil?",
            }
        ],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.choices:
            pieces.append(chunk.choices[0].delta.content or "")
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert "".join(pieces) == "Water boils at 100 degrees Celsius."
    assert finish == "stop" and usage is not None and usage.completion_tokens > 0


def test_openai_sdk_embeddings(sdk: openai.OpenAI) -> None:
    # the SDK asks for base64 by default and decodes float32 little-endian itself
    result = sdk.embeddings.create(
        model="openai/text-embedding-3-small", input=["hello world", "hello there"]
    )
    assert len(result.data) == 2 and len(result.data[0].embedding) == 1536
    as_floats = sdk.embeddings.create(
        model="openai/text-embedding-3-small",
        input="hello world",
        encoding_format="float",
        dimensions=32,
    )
    small = sdk.embeddings.create(
        model="openai/text-embedding-3-small", input="hello world", dimensions=32
    )
    assert small.data[0].embedding == pytest.approx(as_floats.data[0].embedding, abs=1e-6)


def test_openai_sdk_maps_errors(sdk: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as caught:
        sdk.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-emulator-fault": "status=429; retry_after=1"},
        )
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.response.headers["x-openrouter-kit-emulator"] == "1"
    emulator_key = sdk.api_key
    assert emulator_key.startswith("sk-or-v1-")


def test_openai_sdk_revoked_key(served: tuple[str, Emulator]) -> None:
    base_url, emulator = served
    key, secret = emulator.account.create_key("revoked")
    emulator.account.delete_key(key)
    revoked = openai.OpenAI(api_key=secret, base_url=base_url, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        revoked.chat.completions.create(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.body == {"message": "User not found.", "code": 401}


def test_served_stream_drop_and_catalogue(served: tuple[str, Emulator]) -> None:
    base_url, emulator = served
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {emulator.api_key}"}
    ) as c:
        assert c.get("/models/count").json()["data"]["count"] > 30
        body = {
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
        }
        with (
            pytest.raises(httpx.RemoteProtocolError),
            c.stream(
                "POST", "/chat/completions", json=body, headers={"x-emulator-fault": "drop_after=1"}
            ) as r,
        ):
            r.read()
        with c.stream("POST", "/chat/completions", json=body) as r:
            assert r.headers["content-type"] == "text/event-stream"
            assert r.headers["x-openrouter-kit-emulator"] == "1"
            lines = [line for line in r.iter_lines() if line]
        assert lines[0] == ": OPENROUTER PROCESSING" and lines[-1] == "data: [DONE]"
