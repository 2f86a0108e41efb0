"""Deterministic, useful answers: extractive chat, tools, structured output, reasoning,
usage and cost, embeddings, rerank, /responses and /messages, determinism."""

from __future__ import annotations

import base64
import json
import math
import struct
from decimal import Decimal

import httpx
import pytest
from emulator_support import BASE_URL, sse_payloads, validate
from openrouter_kit_emulator import Emulator, EmulatorRequest, EmulatorTransport
from openrouter_kit_emulator.tokens import count_tokens

DOCS = (
    "The Eiffel Tower is 330 metres tall and stands in Paris. "
    "Mount Everest is the highest mountain on Earth at 8849 metres. "
    "The Amazon river flows through Brazil, Peru and Colombia."
)
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["city", "days"],
            "additionalProperties": False,
        },
    },
}


def _ask(client: httpx.Client, **body: object) -> dict:
    body.setdefault("model", "openai/gpt-4o-mini")
    r = client.post("/chat/completions", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _text(answer: dict) -> str:
    return str(answer["choices"][0]["message"]["content"])


def test_extractive_answer_from_system_context(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[
            {"role": "system", "content": f"Answer from this context:\n{DOCS}"},
            {"role": "user", "content": "How high is Mount Everest?"},
        ],
    )
    assert _text(answer) == "Mount Everest is the highest mountain on Earth at 8849 metres."


def test_extractive_answer_from_inline_context(client: httpx.Client) -> None:
    prompt = f"Context:\n{DOCS}\n\nQuestion: Which countries does the Amazon river flow through?"
    answer = _ask(client, messages=[{"role": "user", "content": prompt}])
    assert "Brazil, Peru and Colombia" in _text(answer)


def test_fallback_reply_is_deterministic(client: httpx.Client) -> None:
    first = _text(_ask(client, messages=[{"role": "user", "content": "Write a haiku about rain"}]))
    second = _text(_ask(client, messages=[{"role": "user", "content": "Write a haiku about rain"}]))
    assert first == second and first
    assert _text(_ask(client, messages=[{"role": "user", "content": "What is 1 + 1?"}])) == "2"


def test_max_tokens_and_stop(client: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": DOCS},
        {"role": "user", "content": "How tall is the Eiffel Tower?"},
    ]
    answer = _ask(client, messages=messages, max_tokens=3)
    assert answer["choices"][0]["finish_reason"] == "length"
    assert answer["usage"]["completion_tokens"] == count_tokens(_text(answer)) <= 3
    answer = _ask(client, messages=messages, stop=[" and"])
    assert _text(answer) == "The Eiffel Tower is 330 metres tall"


def test_tool_call_when_required_with_schema_valid_arguments(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[{"role": "user", "content": "Weather in Lisbon for 3 days in fahrenheit please"}],
        tools=[WEATHER],
        tool_choice="required",
    )
    call = answer["choices"][0]["message"]["tool_calls"][0]
    args = json.loads(call["function"]["arguments"])
    validate(WEATHER["function"]["parameters"], args)
    assert args == {"city": "Lisbon", "days": 3, "unit": "fahrenheit"}
    assert call["id"].startswith("call_") and call["type"] == "function"


def test_tool_call_when_user_names_tool_and_not_otherwise(client: httpx.Client) -> None:
    named = _ask(
        client, messages=[{"role": "user", "content": "Use get_weather for Oslo"}], tools=[WEATHER]
    )
    assert named["choices"][0]["finish_reason"] == "tool_calls"
    plain = _ask(client, messages=[{"role": "user", "content": "Tell me a joke"}], tools=[WEATHER])
    assert plain["choices"][0]["finish_reason"] == "stop"
    assert "tool_calls" not in plain["choices"][0]["message"]
    none = _ask(
        client,
        messages=[{"role": "user", "content": "Use get_weather for Oslo"}],
        tools=[WEATHER],
        tool_choice="none",
    )
    assert none["choices"][0]["finish_reason"] == "stop"


def test_forced_tool_and_agent_loop_ends(client: httpx.Client) -> None:
    other = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
            },
        },
    }
    messages: list[dict] = [{"role": "user", "content": "What's the weather in Rome?"}]
    first = _ask(
        client,
        messages=messages,
        tools=[other, WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )
    call = first["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather"
    messages += [
        first["choices"][0]["message"],
        {"role": "tool", "tool_call_id": call["id"], "content": "Sunny and 24 degrees in Rome."},
    ]
    second = _ask(client, messages=messages, tools=[other, WEATHER], tool_choice="required")
    assert second["choices"][0]["finish_reason"] == "stop"
    assert "Sunny and 24 degrees" in _text(second)


def test_structured_output_is_schema_valid(client: httpx.Client) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "kind": {"type": "string", "enum": ["person", "robot"]},
            "address": {"$ref": "#/$defs/Address"},
            "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["name", "age", "tags", "kind", "address", "nickname"],
        "additionalProperties": False,
        "$defs": {
            "Address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                "required": ["city", "zip"],
                "additionalProperties": False,
            }
        },
    }
    answer = _ask(
        client,
        messages=[{"role": "user", "content": "Extract: Ada Lovelace is 36 and lives in London."}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "p", "strict": True, "schema": schema},
        },
    )
    data = json.loads(_text(answer))
    validate(schema, data)
    assert data["age"] == 36 and data["address"]["city"] == "London"
    obj = json.loads(
        _text(
            _ask(
                client,
                messages=[{"role": "user", "content": "hi"}],
                response_format={"type": "json_object"},
            )
        )
    )
    assert isinstance(obj, dict)


def test_reasoning_only_on_reasoning_models(client: httpx.Client) -> None:
    answer = _ask(
        client,
        model="deepseek/deepseek-r1-0528",
        messages=[{"role": "user", "content": "hi"}],
        reasoning={"effort": "low"},
    )
    message = answer["choices"][0]["message"]
    assert message["reasoning"]
    assert message["reasoning_details"][0]["type"] == "reasoning.text"
    assert message["reasoning_details"][0]["text"] == message["reasoning"]
    assert answer["usage"]["completion_tokens_details"]["reasoning_tokens"] == count_tokens(
        message["reasoning"]
    )
    plain = _ask(
        client,
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "hi"}],
        reasoning={"effort": "low"},
    )
    assert plain["choices"][0]["message"]["reasoning"] is None
    excluded = _ask(
        client,
        model="deepseek/deepseek-r1-0528",
        messages=[{"role": "user", "content": "hi"}],
        reasoning={"exclude": True},
    )
    assert excluded["choices"][0]["message"]["reasoning"] is None
    assert excluded["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_usage_and_cost_from_catalogue_prices(client: httpx.Client) -> None:
    answer = _ask(client, messages=[{"role": "user", "content": "Hello there, how are you today?"}])
    usage = answer["usage"]
    # tokenizer: pieces + 4 per message + 3 reply primer
    assert usage["prompt_tokens"] == count_tokens("Hello there, how are you today?") + 4 + 3
    assert usage["completion_tokens"] == count_tokens(_text(answer))
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    model = next(m for m in client.get("/models").json()["data"] if m["id"] == "openai/gpt-4o-mini")
    expected = (
        Decimal(model["pricing"]["prompt"]) * usage["prompt_tokens"]
        + Decimal(model["pricing"]["completion"]) * usage["completion_tokens"]
    )
    assert usage["cost"] == pytest.approx(float(expected), rel=1e-9)
    assert usage["cost_details"]["upstream_inference_prompt_cost"] == pytest.approx(
        float(Decimal(model["pricing"]["prompt"]) * usage["prompt_tokens"])
    )
    free = _ask(
        client, model="openai/gpt-oss-20b:free", messages=[{"role": "user", "content": "hi"}]
    )
    assert free["usage"]["cost"] == 0


def test_tokenizer_rule() -> None:
    assert count_tokens("") == 0
    assert count_tokens("the cat") == 2
    assert count_tokens("internationalization") == 5  # ceil(20 / 4)
    assert count_tokens("Hi, you!") == 4


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embeddings_similarity_dimensions_and_base64(client: httpx.Client) -> None:
    texts = [
        "The cat sat on the mat",
        "A cat was sitting on a mat",
        "Quarterly revenue grew by eight percent",
    ]
    r = client.post("/embeddings", json={"model": "openai/text-embedding-3-small", "input": texts})
    vectors = [d["embedding"] for d in r.json()["data"]]
    assert all(len(v) == 1536 for v in vectors)
    assert all(math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, rel_tol=1e-5) for v in vectors)
    assert _cos(vectors[0], vectors[1]) > 0.4
    assert _cos(vectors[0], vectors[1]) > _cos(vectors[0], vectors[2]) + 0.3
    again = client.post(
        "/embeddings", json={"model": "openai/text-embedding-3-small", "input": texts[0]}
    )
    assert again.json()["data"][0]["embedding"] == vectors[0]
    small = client.post(
        "/embeddings",
        json={
            "model": "openai/text-embedding-3-small",
            "input": texts[:2],
            "dimensions": 64,
            "encoding_format": "base64",
        },
    ).json()
    decoded = [list(struct.unpack("<64f", base64.b64decode(d["embedding"]))) for d in small["data"]]
    assert len(decoded[0]) == 64
    assert math.isclose(math.sqrt(sum(x * x for x in decoded[0])), 1.0, rel_tol=1e-5)
    assert (
        client.post(
            "/embeddings",
            json={"model": "openai/text-embedding-3-small", "input": "x", "dimensions": 9999},
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/embeddings", json={"model": "openai/text-embedding-3-small", "input": ""}
        ).status_code
        == 400
    )
    assert (
        client.post("/embeddings", json={"model": "openai/gpt-4o-mini", "input": "x"}).status_code
        == 400
    )


def test_rerank_orders_by_relevance_and_honours_top_n(client: httpx.Client) -> None:
    documents = [
        "The weather is sunny today",
        "Split-K works well for small M on MI300X",
        "ROCm 6.4 kernel tuning notes for MI300X",
        {"text": "Kernel tuning guide: tuning GEMM kernels"},
    ]
    r = client.post(
        "/rerank",
        json={"model": "cohere/rerank-v3.5", "query": "kernel tuning", "documents": documents},
    )
    body = r.json()
    assert r.status_code == 200
    assert body["id"].startswith("gen-rerank-") and body["provider"] == "Cohere"
    scores = [x["relevance_score"] for x in body["results"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert {body["results"][0]["index"], body["results"][1]["index"]} == {2, 3}
    assert {body["results"][2]["index"], body["results"][3]["index"]} == {0, 1}
    assert body["results"][0]["document"]["text"] in (
        "ROCm 6.4 kernel tuning notes for MI300X",
        documents[3]["text"],
    )
    assert body["usage"] == {"search_units": 1, "cost": 0.002}
    top = client.post(
        "/rerank",
        json={
            "model": "voyageai/rerank-2.5",
            "query": "kernel tuning",
            "documents": documents,
            "top_n": 1,
        },
    ).json()
    assert len(top["results"]) == 1 and top["model"] == "rerank-2.5"
    assert set(top["usage"]) == {"total_tokens", "cost"}
    assert (
        client.post(
            "/rerank", json={"model": "cohere/rerank-v3.5", "query": "q", "documents": []}
        ).status_code
        == 400
    )
    missing = client.post(
        "/rerank",
        json={"model": "qwen/definitely-not-a-model-xyz", "query": "q", "documents": ["a"]},
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "error": {"message": "Model qwen/definitely-not-a-model-xyz does not exist", "code": 400}
    }


def test_responses_api_tools_and_structured_output(client: httpx.Client) -> None:
    tool = {
        "type": "function",
        "name": "get_weather",
        "parameters": WEATHER["function"]["parameters"],
    }
    r = client.post(
        "/responses",
        json={"model": "openai/gpt-4o", "input": "get_weather for Paris, 2 days", "tools": [tool]},
    )
    out = r.json()["output"]
    assert out[0]["type"] == "function_call" and out[0]["id"].startswith("fc_tmp_")
    validate(tool["parameters"], json.loads(out[0]["arguments"]))
    follow = client.post(
        "/responses",
        json={
            "model": "openai/gpt-4o",
            "tools": [tool],
            "input": [
                {"role": "user", "content": "get_weather for Paris, 2 days"},
                {
                    "type": "function_call",
                    "call_id": out[0]["call_id"],
                    "name": "get_weather",
                    "arguments": out[0]["arguments"],
                },
                {
                    "type": "function_call_output",
                    "call_id": out[0]["call_id"],
                    "output": "Rain expected in Paris.",
                },
            ],
        },
    ).json()
    assert follow["output"][-1]["type"] == "message"
    assert "Rain expected" in follow["output"][-1]["content"][0]["text"]
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
    }
    structured = client.post(
        "/responses",
        json={
            "model": "openai/gpt-4o",
            "input": "Say hi",
            "text": {"format": {"type": "json_schema", "name": "a", "schema": schema}},
        },
    ).json()
    validate(schema, json.loads(structured["output"][0]["content"][0]["text"]))
    reasoning = client.post(
        "/responses",
        json={
            "model": "openai/gpt-oss-120b",
            "input": "What is 2+2?",
            "reasoning": {"effort": "low"},
        },
    ).json()
    assert [o["type"] for o in reasoning["output"]] == ["reasoning", "message"]
    assert reasoning["output"][1]["content"][0]["text"] == "4"
    assert reasoning["usage"]["output_tokens_details"]["reasoning_tokens"] > 0


def test_messages_api_json_stream_and_tools(client: httpx.Client) -> None:
    body = {
        "model": "anthropic/claude-sonnet-4.5",
        "max_tokens": 200,
        "system": DOCS,
        "messages": [{"role": "user", "content": "How tall is the Eiffel Tower?"}],
    }
    r = client.post("/messages", json=body)
    message = r.json()
    assert message["type"] == "message" and message["role"] == "assistant"
    assert message["content"][0] == {
        "type": "text",
        "text": "The Eiffel Tower is 330 metres tall and stands in Paris.",
        "citations": None,
    }
    assert message["stop_reason"] == "end_turn"
    assert set(message["usage"]) >= {"input_tokens", "output_tokens"}
    with client.stream("POST", "/messages", json={**body, "stream": True}) as s:
        text = s.read().decode()
    events = [line[7:] for line in text.splitlines() if line.startswith("event: ")]
    assert events[0] == "message_start" and events[-2:] == ["message_delta", "message_stop"]
    assert {"content_block_start", "content_block_delta", "content_block_stop"} <= set(events)
    payloads = sse_payloads(text)
    streamed = "".join(p["delta"]["text"] for p in payloads if p["type"] == "content_block_delta")
    assert streamed == message["content"][0]["text"]
    tool = {"name": "get_weather", "input_schema": WEATHER["function"]["parameters"]}
    called = client.post(
        "/messages", json={**body, "tools": [tool], "tool_choice": {"type": "any"}}
    ).json()
    use = called["content"][-1]
    assert (
        use["type"] == "tool_use"
        and use["id"].startswith("toolu_")
        and called["stop_reason"] == "tool_use"
    )
    validate(tool["input_schema"], use["input"])
    done = client.post(
        "/messages",
        json={
            **body,
            "tools": [tool],
            "messages": [
                body["messages"][0],
                {"role": "assistant", "content": called["content"]},
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": use["id"],
                            "content": "Windy, 12 degrees.",
                        }
                    ],
                },
            ],
        },
    ).json()
    assert done["stop_reason"] == "end_turn" and "Windy" in done["content"][0]["text"]


def test_same_seed_and_clock_give_identical_bytes() -> None:
    def run() -> list[bytes]:
        emulator = Emulator(seed=7, clock=lambda: 1700000000.0)
        out = []
        for body in (
            {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
            {
                "model": "openai/gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": True,
            },
        ):
            request = EmulatorRequest(
                "POST",
                "/api/v1/chat/completions",
                {},
                {"authorization": "Bearer k"},
                json.dumps(body).encode(),
            )
            out.append(emulator.handle(request).read())
        return out

    assert run() == run()


def test_catalogue_endpoints_and_filters(client: httpx.Client) -> None:
    data = client.get("/models/openai/gpt-4o-mini/endpoints").json()["data"]
    assert data["id"] == "openai/gpt-4o-mini" and len(data["endpoints"]) >= 2
    endpoint = data["endpoints"][0]
    assert {"provider_name", "tag", "quantization", "context_length", "max_completion_tokens", "pricing",
            "uptime_last_30m", "latency_last_30m", "throughput_last_30m", "supports_zdr", "status"} <= set(endpoint)  # fmt: skip
    assert client.get("/models/nope/nope/endpoints").status_code == 404
    everything = client.get("/models", params={"output_modalities": "all"}).json()["data"]
    assert 40 <= len(everything) <= 50
    kinds = {m["architecture"]["output_modalities"][0] for m in everything}
    assert {"text", "image", "embeddings", "rerank"} <= kinds
    count = client.get("/models/count").json()["data"]["count"]
    assert count == len(client.get("/models").json()["data"])
    tools_only = client.get("/models", params={"supported_parameters": "tools,reasoning"}).json()[
        "data"
    ]
    assert tools_only and all(
        {"tools", "reasoning"} <= set(m["supported_parameters"]) for m in tools_only
    )
    assert client.get("/models", params={"output_modalities": "smell"}).status_code == 400
    embedding_ids = [m["id"] for m in client.get("/embeddings/models").json()["data"]]
    assert embedding_ids[0] == "openai/text-embedding-3-small"
    assert "cohere/rerank-v3.5" in [m["id"] for m in client.get("/rerank/models").json()["data"]]
    assert all(e["supports_zdr"] for e in client.get("/endpoints/zdr").json()["data"])
    assert {"name", "slug"} <= set(client.get("/providers").json()["data"][0])


def test_paths_with_and_without_prefix(emulator: Emulator) -> None:
    for path in ("/api/v1/models/count", "/models/count", "http://x/api/v1/models/count"):
        assert emulator.handle(EmulatorRequest("GET", path)).status == 200
    assert emulator.handle(EmulatorRequest("GET", "/api/v1/nothing")).status == 404
    assert emulator.handle(EmulatorRequest("DELETE", "/api/v1/models")).status == 405


def test_headers_on_every_response(client: httpx.Client, anon: httpx.Client) -> None:
    for r in (client.get("/models"), anon.get("/key"), client.post("/chat/completions", json={})):
        assert r.headers["x-openrouter-kit-emulator"] == "1"
        assert r.headers["content-type"] == "application/json"
    assert client.post("/chat/completions", json={}).json()["error"]["code"] == 400
    assert client.post("/chat/completions", content=b"{nope").status_code == 400


async def test_async_client_streams(emulator: Emulator) -> None:
    async with (
        httpx.AsyncClient(
            transport=EmulatorTransport(emulator),
            base_url=BASE_URL,
            headers={"Authorization": "Bearer k"},
        ) as c,
        c.stream(
            "POST",
            "/chat/completions",
            json={
                "model": "openai/gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": True,
            },
        ) as r,
    ):
        lines = [line async for line in r.aiter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    assert json.loads(lines[-2][6:])["usage"]["total_tokens"] > 0


def test_image_output_models_return_png_images(client: httpx.Client) -> None:
    body = {
        "model": "google/gemini-2.5-flash-image",
        "messages": [{"role": "user", "content": "Draw a red fox"}],
        "modalities": ["image", "text"],
    }
    answer = _ask(client, **body)
    image = answer["choices"][0]["message"]["images"][0]
    assert image["type"] == "image_url"
    url = image["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert answer["usage"]["completion_tokens_details"]["image_tokens"] > 0
    assert "images" not in _ask(client, messages=body["messages"])["choices"][0]["message"]
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as r:
        chunks = sse_payloads(r.read().decode())
    assert any(c["choices"] and c["choices"][0]["delta"].get("images") for c in chunks)


def test_cors_preflight(emulator: Emulator) -> None:
    response = emulator.handle(EmulatorRequest("OPTIONS", "/api/v1/chat/completions"))
    assert response.status == 204
    assert response.header("access-control-allow-origin") == "*"
    assert response.header("x-openrouter-kit-emulator") == "1"


def test_every_architecture_endpoint_is_routed(emulator: Emulator) -> None:
    """The 39 (method, path) rows of ARCHITECTURE.md's public API table all reach a handler."""
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "ARCHITECTURE.md"
    rows = re.findall(r"^\| (GET|POST|PATCH|DELETE) \| (/[^ |]+) \|", doc.read_text(), re.M)
    assert len(rows) == 39
    for method, template in rows:
        path = re.sub(r"\{[^}]+\}", "x", template)
        request = EmulatorRequest(
            method,
            "/api/v1" + path,
            {},
            {"authorization": f"Bearer {emulator.management_key}"},
            b"{}",
        )
        response = emulator.handle(request)
        assert response.status not in (405, 500), (method, template, response.read())
        if response.status == 404:  # only "x does not exist" 404s, never an unknown route
            assert response.json()["error"]["message"] != "Not Found", (method, template)
