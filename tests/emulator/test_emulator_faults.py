"""Every fault mode, injected per emulator and per request, through the httpx transport."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from emulator_support import BASE_URL, cassette, response_text, sse_payloads
from openrouter_kit import OpenRouter, StreamError
from openrouter_kit_emulator import (
    Emulator,
    EmulatorRequest,
    EmulatorTransport,
    Fault,
    parse_header,
)
from openrouter_kit_emulator.faults import HEADER
from openrouter_kit_emulator.wire import ConnectionDropped

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
    assert [e["type"] for e in events[-2:]] == ["error", "response.failed"]
    assert events[-2]["code"] == events[-1]["response"]["error"]["code"] == "server_error"
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


# /responses in-band errors ---------------------------------------------------------------
RESPONSES_STREAM = {"model": "openai/gpt-4o", "input": "Tell me a long story about a cat"}


def _responses_events(client: httpx.Client, fault: str) -> tuple[list[Any], str]:
    body = {**RESPONSES_STREAM, "stream": True}
    with client.stream("POST", "/responses", json=body, headers={HEADER: fault}) as r:
        assert r.status_code == 200
        text = r.read().decode()
    return sse_payloads(text), text


def test_responses_stream_error_uses_the_documented_events(client: httpx.Client) -> None:
    """OpenAI-compatible shapes (OpenRouter's OpenResponsesErrorEvent / response.failed):
    ``{"type":"error","code","message","param","sequence_number"}`` with no nested ``error``
    object, then ``response.failed`` whose ``response.error`` is ``{code, message}``."""
    events, text = _responses_events(client, "error_after=6; error_code=429; message=Slow down")
    assert text.endswith("data: [DONE]\n\n")
    assert len(events) == 8
    error, failed = events[-2:]
    assert error == {
        "type": "error",
        "code": "rate_limit_exceeded",
        "message": "Slow down",
        "param": None,
        "sequence_number": 6,
    }
    assert failed["type"] == "response.failed" and failed["sequence_number"] == 7
    response = failed["response"]
    assert response["error"] == {"code": "rate_limit_exceeded", "message": "Slow down"}
    assert response["status"] == "failed" and response["completed_at"] is None
    assert response["id"] == events[0]["response"]["id"] and response["object"] == "response"
    assert response["output"] == []  # no output item had finished when the error came
    assert set(response["usage"]) >= {"input_tokens", "output_tokens", "total_tokens", "cost"}
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert all("error" not in e or e["type"] == "response.failed" for e in events)


@pytest.mark.parametrize(
    ("code", "expected"),
    [(400, "invalid_prompt"), (429, "rate_limit_exceeded"), (502, "server_error")],
)
def test_responses_stream_error_codes_are_strings(
    client: httpx.Client, code: int, expected: str
) -> None:
    """Responses-API error codes are strings (invalid_prompt 400, rate_limit_exceeded 429,
    server_error 500+), unlike the integer codes of chat error chunks."""
    events, _ = _responses_events(client, f"error_after=0; error_code={code}")
    assert [e["type"] for e in events] == ["error", "response.failed"]
    assert events[0]["code"] == events[1]["response"]["error"]["code"] == expected
    assert events[1]["response"]["status"] == "failed"


def test_responses_failed_keeps_the_finished_output_items(client: httpx.Client) -> None:
    full, _ = _responses_events(client, "error_after=10000")  # never fires: the whole stream
    before_done = next(i for i, e in enumerate(full) if e["type"] == "response.output_item.done")
    events, _ = _responses_events(client, f"error_after={before_done + 1}")
    done = [e["item"] for e in events if e["type"] == "response.output_item.done"]
    assert len(done) == 1 and done[0]["type"] == "message"
    assert events[-1]["response"]["output"] == done


class _Without(httpx.BaseTransport):
    """The emulator, with the stream's events of one type left out."""

    def __init__(self, inner: httpx.BaseTransport, event_type: str) -> None:
        self.inner = inner
        self.event_type = event_type

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        kept = []
        for event in response.read().split(b"\n\n"):
            if event.startswith(b"data: {") and json.loads(event[6:])["type"] == self.event_type:
                continue
            if event:
                kept.append(event + b"\n\n")
        headers = {"content-type": response.headers["content-type"]}
        return httpx.Response(response.status_code, headers=headers, content=b"".join(kept))


@pytest.mark.parametrize("left_out", [None, "error", "response.failed"])
def test_core_client_raises_stream_error_with_partial_output(
    emulator: Emulator, left_out: str | None
) -> None:
    """client.responses.create(stream=True) meets the emulator's in-band error as a
    StreamError carrying what streamed before it, whichever of the two events comes first."""
    transport: httpx.BaseTransport = EmulatorTransport(emulator)
    if left_out is not None:
        transport = _Without(transport, left_out)
    client = OpenRouter(
        api_key=emulator.api_key, base_url=BASE_URL, http_client=httpx.Client(transport=transport)
    )
    streamed = ""
    fault = {HEADER: "error_after=8; error_code=502; message=Upstream died"}
    with (
        pytest.raises(StreamError) as caught,
        client.responses.create(**RESPONSES_STREAM, stream=True, extra_headers=fault) as stream,
    ):
        for event in stream:
            if event.type == "response.output_text.delta":
                streamed += event.delta
    error = caught.value
    assert "Upstream died" in str(error)
    assert error.code == "server_error"
    assert streamed and error.partial.text == streamed
    assert error.partial.chunks >= 8
    if left_out == "error":  # raised at response.failed: its usage is in the partial record
        assert error.partial.usage is not None


def test_error_before_the_first_event_keeps_the_stream_format(client: httpx.Client) -> None:
    """``error_after=0``: the error takes the shape of the stream it replaces (a chat chunk
    with top-level ``error``; an Anthropic ``event: error``), not a generic one."""
    headers = {HEADER: "error_after=0"}
    with client.stream("POST", "/chat/completions", json=STREAM, headers=headers) as r:
        chunks = sse_payloads(r.read().decode())
    assert len(chunks) == 1 and chunks[0]["object"] == "chat.completion.chunk"
    assert chunks[0]["error"] == {"code": 502, "message": "Provider returned error"}
    assert chunks[0]["choices"][0]["finish_reason"] is None and chunks[0]["usage"]
    body = {
        "model": "anthropic/claude-haiku-4.5",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    with client.stream("POST", "/messages", json=body, headers=headers) as r:
        text = r.read().decode()
    assert text.split("\n\n")[1].startswith("event: error\n") and "[DONE]" not in text
