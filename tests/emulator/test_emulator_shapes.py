"""Emulator answers have the shapes of real OpenRouter traffic (keys and JSON types).

Each test reads a real recording from shared/real-traffic and compares it structurally
with what the emulator returns for a comparable request.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from emulator_support import (
    assert_conforms,
    cassette,
    real_file,
    response_json,
    response_text,
    sse_payloads,
)

PAI = "pydantic__pydantic-ai/tests/models/cassettes/test_openrouter/"
CHATLAS = "posit-dev__chatlas/tests/_vcr/test_provider_openrouter/"
LLM = "simonw__llm-openrouter/tests/cassettes/test_llm_openrouter/"
AIS = "OpenRouterTeam__ai-sdk-provider/e2e/__fixtures__/"

GEN_ID = re.compile(r"^gen-\d{10}-[A-Za-z0-9]{20}$")
# fields some providers add that the emulator does not invent
OPTIONAL = ("$.system_fingerprint", "$.service_tier")


def _chat(client: httpx.Client, **body: object) -> dict:
    body.setdefault("model", "openai/gpt-4o-mini")
    body.setdefault("messages", [{"role": "user", "content": "Hello there"}])
    r = client.post("/chat/completions", json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("test_openrouter_kimi_k2_5.yaml", "moonshotai/kimi-k2-thinking"),
        ("test_openrouter_qwen3_235b.yaml", "deepseek/deepseek-r1-0528"),
        ("test_openrouter_thinking_high_emits_effort_high.yaml", "anthropic/claude-sonnet-4"),
    ],
)
def test_chat_completion_matches_real(client: httpx.Client, name: str, model: str) -> None:
    real = response_json(cassette(PAI + name)[0])
    emulated = _chat(client, model=model, reasoning={"effort": "high"})
    assert_conforms(real, emulated, ignore=OPTIONAL)
    assert GEN_ID.match(emulated["id"])
    assert emulated["object"] == real["object"] == "chat.completion"


def test_chat_tool_call_matches_real(client: httpx.Client) -> None:
    interaction = cassette(PAI + "test_openrouter_tool_calling.yaml")[0]
    real = response_json(interaction)
    request = interaction["request"]["parsed_body"]
    emulated = _chat(
        client,
        messages=request["messages"],
        tools=request["tools"],
        tool_choice="required",
    )
    assert_conforms(real, emulated, ignore=(*OPTIONAL, "$.usage"))
    call = emulated["choices"][0]["message"]["tool_calls"][0]
    assert emulated["choices"][0]["finish_reason"] == "tool_calls"
    assert call["function"]["name"] == request["tools"][0]["function"]["name"]
    json.loads(call["function"]["arguments"])


def test_stream_chunks_match_real(client: httpx.Client) -> None:
    real_text = response_text(
        cassette(CHATLAS + "test_openrouter_simple_streaming_request.yaml")[0]
    )
    real = sse_payloads(real_text)
    with client.stream(
        "POST",
        "/chat/completions",
        json={
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
        },
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        text = r.read().decode()
    assert text.startswith(": OPENROUTER PROCESSING\n\n")
    assert text.endswith("data: [DONE]\n\n")
    chunks = sse_payloads(text)
    content_chunks = [
        c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"] is None
    ]
    assert_conforms(real[0], content_chunks[0], ignore=OPTIONAL)
    finish = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert len(finish) == 1
    assert_conforms(real[2], finish[0], ignore=OPTIONAL)
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == []
    assert_conforms(real[-1]["usage"], usage_chunk["usage"])
    for chunk in chunks:  # every chunk repeats id/provider/model/created
        assert {k: chunk[k] for k in ("id", "provider", "model", "created", "object")} == {
            k: chunks[0][k] for k in ("id", "provider", "model", "created", "object")
        }
    assert r.headers["x-generation-id"] == chunks[0]["id"]


def test_reasoning_stream_chunks_match_real(client: httpx.Client) -> None:
    real = sse_payloads(response_text(cassette(PAI + "test_openrouter_stream_error.yaml")[0]))
    with client.stream(
        "POST",
        "/chat/completions",
        json={
            "model": "minimax/minimax-m2",
            "messages": [{"role": "user", "content": "Hello there"}],
            "reasoning": {"effort": "low"},
            "stream": True,
        },
    ) as r:
        chunks = sse_payloads(r.read().decode())
    reasoning = [c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("reasoning")]
    assert reasoning
    assert_conforms(real[0], reasoning[0])
    detail = reasoning[0]["choices"][0]["delta"]["reasoning_details"][0]
    assert detail["type"] == "reasoning.text"
    assert set(detail) == set(real[0]["choices"][0]["delta"]["reasoning_details"][0])


def test_embeddings_match_real(client: httpx.Client) -> None:
    folder = AIS + "wOPOmB12mFy/"
    real = json.loads(real_file(folder + "response.json").read_text())
    request = json.loads(real_file(folder + "request.json").read_text())["body"]["json"]
    r = client.post("/embeddings", json=request)
    assert r.status_code == 200, r.text
    emulated = r.json()
    assert_conforms(real, emulated)
    assert emulated["model"] == real["model"] == "text-embedding-3-small"
    assert len(emulated["data"]) == len(real["data"])
    assert len(emulated["data"][0]["embedding"]) == len(real["data"][0]["embedding"])
    assert re.match(r"^gen-emb-\d{10}-[A-Za-z0-9]{20}$", emulated["id"])


@pytest.mark.parametrize(
    "path", [CHATLAS + "test_openrouter_list_models.yaml", LLM + "test_llm_models.yaml"]
)
def test_models_match_real(client: httpx.Client, path: str) -> None:
    real = response_json(cassette(path)[0])
    emulated = client.get("/models").json()
    by_id = {m["id"]: m for m in emulated["data"]}
    compared = 0
    for model in real["data"]:
        if model["id"] in by_id:
            ours = by_id[model["id"]]
            # price components (request, image, web_search, cache...) vary by month and model
            ignore = ("$.benchmarks", *(f"$.pricing.{k}" for k in model["pricing"]))
            assert_conforms(model, ours, ignore=ignore)
            assert ours["pricing"]["prompt"] == model["pricing"]["prompt"]
            assert isinstance(ours["pricing"]["completion"], str)
            compared += 1
    assert compared >= 3


def test_rate_limit_error_matches_real(client: httpx.Client) -> None:
    interaction = next(
        i
        for i in cassette(PAI + "test_openrouter_errors_raised.yaml")
        if i["response"]["status"]["code"] == 429
    )
    real = response_json(interaction)
    r = client.post(
        "/chat/completions",
        json={"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "hi"}]},
        headers={"x-emulator-fault": "status=429"},
    )
    assert r.status_code == 429
    emulated = r.json()
    assert_conforms(real, emulated)
    assert set(emulated) == set(real)  # {"error", "user_id"}
    assert set(emulated["error"]) == set(real["error"])
    assert emulated["error"]["metadata"]["provider_name"] == "Google AI Studio"


def test_error_bodies_have_real_shape(anon: httpx.Client, client: httpx.Client) -> None:
    r = anon.get("/key")
    assert r.status_code == 401
    assert r.json() == {"error": {"message": "No auth credentials found", "code": 401}}
    r = client.post(
        "/chat/completions",
        json={"model": "nope/nope", "messages": [{"role": "user", "content": "x"}]},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["error"]["code"] == 400 and isinstance(body["error"]["message"], str)
    assert body["user_id"].startswith("user_")
    r = client.get("/credits")
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Only management keys can fetch credits for an account"


def test_responses_stream_matches_real(client: httpx.Client) -> None:
    interaction = cassette(LLM + "test_prompt.yaml")[1]
    real = sse_payloads(response_text(interaction))
    with client.stream(
        "POST",
        "/responses",
        json=interaction["request"]["body"] and json.loads(interaction["request"]["body"]),
    ) as r:
        assert r.status_code == 200
        text = r.read().decode()
    assert text.endswith("data: [DONE]\n\n")
    ours = sse_payloads(text)
    assert [e["type"] for e in ours] == [e["type"] for e in real[:4]] + [
        "response.output_text.delta"
    ] * (len(ours) - 9) + [e["type"] for e in real[-5:]]
    for real_event, our_event in zip(real[:4] + real[-5:], ours[:4] + ours[-5:], strict=True):
        assert_conforms(real_event, our_event)
    assert [e["sequence_number"] for e in ours] == list(range(len(ours)))


def test_responses_tool_call_stream_matches_real(client: httpx.Client) -> None:
    interaction = next(
        i
        for i in cassette(LLM + "test_tool_calls.yaml")
        if i["request"]["uri"].endswith("/responses")
    )
    real = sse_payloads(response_text(interaction))
    request = json.loads(interaction["request"]["body"])
    request["tool_choice"] = "required"
    with client.stream("POST", "/responses", json=request) as r:
        ours = sse_payloads(r.read().decode())
    real_types = [e["type"] for e in real]
    our_types = [e["type"] for e in ours]
    assert set(our_types) == set(real_types)
    for name in (
        "response.output_item.added",
        "response.function_call_arguments.done",
        "response.completed",
    ):
        assert_conforms(real[real_types.index(name)], ours[our_types.index(name)])


def test_responses_json_matches_real(client: httpx.Client) -> None:
    real_text = real_file(AIS + "W9Z5oyqJFyt/response.json").read_text()
    real = json.loads(real_text)
    r = client.post(
        "/responses", json={"model": "google/gemini-2.5-flash", "input": "Title of the paper?"}
    )
    assert r.status_code == 200
    assert_conforms(real, r.json())
    assert GEN_ID.match(r.json()["id"])
    assert r.headers["x-generation-id"] == r.json()["id"]


def test_responses_output_text_is_empty_like_real(client: httpx.Client) -> None:
    """Real OpenRouter leaves the ``output_text`` convenience field empty even when the output
    holds text (AIS W9Z5oyqJFyt and every other recorded /responses body and
    response.completed event), so the emulator does too: a client that read it would work
    offline and break online. The text is in ``output[].content[].text``."""
    real = json.loads(real_file(AIS + "W9Z5oyqJFyt/response.json").read_text())
    assert real["output_text"] == "" and real["output"][0]["content"][0]["text"]
    body = {"model": "google/gemini-2.5-flash", "input": "Say hello"}
    ours = client.post("/responses", json=body).json()
    assert ours["output_text"] == "" and ours["output"][0]["content"][0]["text"]
    with client.stream("POST", "/responses", json={**body, "stream": True}) as r:
        completed = sse_payloads(r.read().decode())[-1]
    assert completed["type"] == "response.completed"
    assert completed["response"]["output_text"] == ""
    assert completed["response"]["output"][0]["content"][0]["text"]


def test_messages_stream_pings_after_message_start(client: httpx.Client) -> None:
    """Anthropic's Messages stream sends ``event: ping`` / ``{"type": "ping"}`` after
    message_start; the emulator's /messages stream does too, once."""
    body = {
        "model": "anthropic/claude-haiku-4.5",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    with client.stream("POST", "/messages", json=body) as r:
        text = r.read().decode()
    names = [line[7:] for line in text.splitlines() if line.startswith("event: ")]
    assert names[:3] == ["message_start", "ping", "content_block_start"]
    assert names.count("ping") == 1
    assert 'event: ping\ndata: {"type":"ping"}\n\n' in text
