"""Every fault mode, injected per emulator and per request, through the httpx transport."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from emulator_support import BASE_URL, cassette, response_text, sse_payloads
from openrouter_kit.emulator import (
    Emulator,
    EmulatorRequest,
    EmulatorTransport,
    Fault,
    parse_header,
)
from openrouter_kit.emulator.wire import ConnectionDropped

CHAT = {
    "model": "openai/gpt-4o-mini",
    "messages": [{"role": "user", "content": "Tell me a long story about a cat"}],
}
STREAM = {**CHAT, "stream": True}


def test_status_with_retry_after_then_success(emulator: Emulator, client: httpx.Client) -> None:
    emulator.inject(Fault(status=429, retry_after=2, times=2))
    first = client.post("/chat/completions", json=CHAT)
    second = client.post("/chat/completions", json=CHAT)
    third = client.post("/chat/completions", json=CHAT)
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "2"
    assert first.json()["error"]["code"] == 429
    assert first.headers["x-openrouter-kit-emulator"] == "1"


def test_status_without_retry_after_and_529(emulator: Emulator, client: httpx.Client) -> None:
    emulator.inject(Fault(status=503), Fault(status=529))
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 503 and "retry-after" not in r.headers
    r = client.post("/chat/completions", json=CHAT)
    assert r.status_code == 529
    assert r.json()["error"] == {
        "message": "Provider returned error",
        "code": 529,
        "metadata": {"raw": "Overloaded", "provider_name": "OpenAI"},
    }


def test_fault_matched_by_path(emulator: Emulator, client: httpx.Client) -> None:
    emulator.inject(Fault(status=500, path="/embeddings"))
    assert client.post("/chat/completions", json=CHAT).status_code == 200
    r = client.post("/embeddings", json={"model": "openai/text-embedding-3-small", "input": "x"})
    assert r.status_code == 500
    assert (
        client.post(
            "/embeddings", json={"model": "openai/text-embedding-3-small", "input": "x"}
        ).status_code
        == 200
    )


def test_permanent_fault(emulator: Emulator, client: httpx.Client) -> None:
    emulator.inject(Fault(status=502, times=None))
    assert [client.post("/chat/completions", json=CHAT).status_code for _ in range(3)] == [502] * 3
    emulator.clear_faults()
    assert client.post("/chat/completions", json=CHAT).status_code == 200


def test_header_fault_fails_n_times_then_succeeds(client: httpx.Client) -> None:
    headers = {"x-emulator-fault": "status=503; retry_after=0.5; times=2"}
    codes = [
        client.post("/chat/completions", json=CHAT, headers=headers).status_code for _ in range(3)
    ]
    assert codes == [503, 503, 200]
    r = client.post(
        "/chat/completions", json=CHAT, headers={"x-emulator-fault": "status=418; message=teapot"}
    )
    assert r.status_code == 418 and r.json()["error"]["message"] == "teapot"


def test_header_parsing() -> None:
    fault = parse_header(
        "status=429, retry_after=1.5; slow_first_byte=0.1; slow_chunks=0.01; malformed"
    )
    assert (
        fault.status,
        fault.retry_after,
        fault.first_byte_delay,
        fault.chunk_delay,
        fault.malformed,
    ) == (
        429,
        1.5,
        0.1,
        0.01,
        True,
    )
    assert fault.times is None
    with pytest.raises(ValueError):
        parse_header("explode=1")


def test_bad_fault_header_is_400(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json=CHAT, headers={"x-emulator-fault": "status=abc"})
    assert r.status_code == 400


def test_in_band_error_after_n_chunks_like_real(client: httpx.Client) -> None:
    real = sse_payloads(
        response_text(
            cassette(
                "pydantic__pydantic-ai/tests/models/cassettes/test_openrouter/test_openrouter_stream_error.yaml"
            )[0]
        )
    )
    real_error = next(c for c in real if "error" in c)
    headers = {"x-emulator-fault": "error_after=2; error_code=400; message=Token limit reached"}
    with client.stream("POST", "/chat/completions", json=STREAM, headers=headers) as r:
        assert r.status_code == 200
        text = r.read().decode()
    chunks = sse_payloads(text)
    assert len(chunks) == 3 and text.endswith("data: [DONE]\n\n")
    error_chunk = chunks[-1]
    assert (
        error_chunk["error"]
        == real_error["error"]
        == {"code": 400, "message": "Token limit reached"}
    )
    assert error_chunk["choices"][0]["finish_reason"] is None
    assert set(error_chunk) == set(real_error)
    assert set(error_chunk["usage"]) >= set(real_error["usage"])
    assert error_chunk["id"] == chunks[0]["id"]


def test_in_band_error_on_json_answer(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json=CHAT, headers={"x-emulator-fault": "error_after=0"})
    assert r.status_code == 200
    assert r.json()["error"]["code"] == 502


def test_drop_after_n_chunks_sync(client: httpx.Client) -> None:
    received = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream(
            "POST", "/chat/completions", json=STREAM, headers={"x-emulator-fault": "drop_after=2"}
        ) as r,
    ):
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: "):
                received.append(line)
    assert len(received) == 2


async def test_drop_after_n_chunks_async(emulator: Emulator) -> None:
    emulator.inject(Fault(drop_after=1))
    headers = {"Authorization": "Bearer any-dummy-key"}
    async with httpx.AsyncClient(
        transport=EmulatorTransport(emulator), base_url=BASE_URL, headers=headers
    ) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            async with c.stream("POST", "/chat/completions", json=STREAM) as r:
                async for _ in r.aiter_bytes():
                    pass


def test_drop_on_json_answer(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/chat/completions", json=CHAT, headers={"x-emulator-fault": "drop_after=0"})


def test_slow_first_byte(client: httpx.Client) -> None:
    start = time.perf_counter()
    r = client.post(
        "/chat/completions", json=CHAT, headers={"x-emulator-fault": "first_byte_delay=0.2"}
    )
    assert r.status_code == 200
    assert time.perf_counter() - start >= 0.19


def test_slow_first_byte_times_out(client: httpx.Client) -> None:
    start = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/chat/completions",
            json=CHAT,
            headers={"x-emulator-fault": "first_byte_delay=5"},
            timeout=0.1,
        )
    assert time.perf_counter() - start < 2


def test_slow_chunks_sync_and_timeout(client: httpx.Client) -> None:
    stamps = []
    with client.stream(
        "POST", "/chat/completions", json=STREAM, headers={"x-emulator-fault": "chunk_delay=0.02"}
    ) as r:
        for _ in r.iter_raw():
            stamps.append(time.perf_counter())
    assert len(stamps) >= 4
    assert stamps[-1] - stamps[0] >= 0.02 * (len(stamps) - 1) * 0.9
    with (
        pytest.raises(httpx.ReadTimeout),
        client.stream(
            "POST",
            "/chat/completions",
            json=STREAM,
            headers={"x-emulator-fault": "chunk_delay=3"},
            timeout=0.05,
        ) as r,
    ):
        r.read()


async def test_slow_chunks_async(emulator: Emulator) -> None:
    emulator.inject(Fault(chunk_delay=0.02, first_byte_delay=0.05))
    async with httpx.AsyncClient(transport=EmulatorTransport(emulator), base_url=BASE_URL) as c:
        start = time.perf_counter()
        async with c.stream(
            "POST", "/chat/completions", json=STREAM, headers={"Authorization": "Bearer k"}
        ) as r:
            chunks = [chunk async for chunk in r.aiter_raw()]
        assert time.perf_counter() - start >= 0.05 + 0.02 * len(chunks) * 0.9


def test_malformed_json_body(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json=CHAT, headers={"x-emulator-fault": "malformed"})
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_malformed_stream(client: httpx.Client) -> None:
    with client.stream(
        "POST", "/chat/completions", json=STREAM, headers={"x-emulator-fault": "malformed"}
    ) as r:
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[0][6:])


def test_pure_handler_drop_raises_connection_dropped() -> None:
    emulator = Emulator(faults=[Fault(drop_after=1)])
    response = emulator.handle(
        EmulatorRequest(
            "POST",
            "/chat/completions",
            {},
            {"authorization": "Bearer x"},
            json.dumps(STREAM).encode(),
        )
    )
    with pytest.raises(ConnectionDropped):
        response.read()


def test_faults_on_responses_and_messages_streams(client: httpx.Client) -> None:
    body = {"model": "openai/gpt-4o", "input": "hello", "stream": True}
    with client.stream(
        "POST", "/responses", json=body, headers={"x-emulator-fault": "error_after=2"}
    ) as r:
        events = sse_payloads(r.read().decode())
    assert events[-1]["type"] == "error" and events[-1]["error"]["code"] == 502
    body = {
        "model": "anthropic/claude-haiku-4.5",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    with client.stream(
        "POST", "/messages", json=body, headers={"x-emulator-fault": "error_after=1"}
    ) as r:
        text = r.read().decode()
    assert "event: error" in text and "message_stop" not in text
