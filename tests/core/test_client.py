"""Client configuration: key, base URL, attribution headers, timeouts, repr, lifecycle."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from core_support import COMPLETION, KEY, make_async_client, make_client, ok_chat
from openrouter_kit import AsyncOpenRouter, OpenRouter, OpenRouterError
from openrouter_kit.types import ChatCompletion

MESSAGES = [{"role": "user", "content": "Hi"}]


def test_sends_key_attribution_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    client, seen = make_client(ok_chat, app_name="My App", app_url="https://example.com")
    result = client.chat.completions.create(model="openai/gpt-4o-mini", messages=MESSAGES)
    request = seen.last
    assert request.method == "POST"
    assert str(request.url) == "https://openrouter.ai/api/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-title"] == "My App"
    assert request.headers["http-referer"] == "https://example.com"
    assert request.headers["content-type"] == "application/json"
    assert seen.last_json() == {"model": "openai/gpt-4o-mini", "messages": MESSAGES}
    assert isinstance(result, ChatCompletion)
    assert result.text == "Hello!"
    assert result.provider == "OpenAI"
    assert result.choices[0].native_finish_reason == "stop"


def test_api_key_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-from-env-000000000000")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=COMPLETION)

    client = OpenRouter(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert seen[0].headers["authorization"] == "Bearer sk-or-v1-from-env-000000000000"


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    with pytest.raises(OpenRouterError, match="OPENROUTER_API_KEY"):
        OpenRouter()


def test_base_url_default_headers_and_extras() -> None:
    client, seen = make_client(
        ok_chat, base_url="http://127.0.0.1:9/api/v1/", default_headers={"X-Team": "a"}
    )
    client.chat.completions.create(
        model="m/x",
        messages=MESSAGES,
        extra_headers={"X-Request": "1"},
        extra_query={"trace": "yes"},
        extra_body={"new_field": {"a": 1}},
    )
    request = seen.last
    assert request.url.host == "127.0.0.1"
    assert request.url.path == "/api/v1/chat/completions"
    assert request.url.params["trace"] == "yes"
    assert request.headers["x-team"] == "a"
    assert request.headers["x-request"] == "1"
    assert seen.last_json()["new_field"] == {"a": 1}


def test_every_openrouter_chat_field_goes_out_unchanged() -> None:
    client, seen = make_client(ok_chat)
    fields = {
        "model": "anthropic/claude-sonnet-4",
        "models": ["openai/gpt-4o", "google/gemini-2.5-flash"],
        "provider": {
            "order": ["Anthropic"],
            "allow_fallbacks": False,
            "zdr": True,
            "data_collection": "deny",
        },
        "route": "fallback",
        "transforms": ["middle-out"],
        "plugins": [{"id": "web", "max_results": 3}],
        "reasoning": {"effort": "high"},
        "usage": {"include": True},
        "session_id": "s-1",
        "trace": {"trace_id": "t-1", "span_name": "step"},
        "user": "u-1",
        "metadata": {"k": "v"},
        "cache_control": {"type": "ephemeral"},
        "response_format": {"type": "json_object"},
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "modalities": ["text", "image"],
        "image_config": {"aspect_ratio": "16:9"},
        "service_tier": "flex",
        "debug": {"echo_upstream_body": True},
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 40,
        "seed": 7,
        "max_tokens": 100,
        "max_completion_tokens": 100,
        "stop": ["\n\n"],
        "logprobs": True,
        "top_logprobs": 5,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.1,
        "repetition_penalty": 1.1,
        "logit_bias": {"50256": -100},
        "stream_options": {"include_usage": True},
    }
    client.chat.completions.create(messages=MESSAGES, **fields)
    sent = seen.last_json()
    for name, value in fields.items():
        assert sent[name] == value, name


def test_pydantic_provider_preferences_and_messages_are_serialised() -> None:
    from openrouter_kit.types import ProviderPreferences

    client, seen = make_client(ok_chat)
    first = client.chat.completions.create(model="m/x", messages=MESSAGES)
    client.chat.completions.create(
        model="m/x",
        messages=[*MESSAGES, first.choices[0].message, {"role": "user", "content": "again"}],
        provider=ProviderPreferences(only=["openai"], sort="price"),
    )
    sent = seen.last_json()
    assert sent["provider"] == {"only": ["openai"], "sort": "price"}
    assert sent["messages"][1] == {"role": "assistant", "content": "Hello!"}


TOOL_CALL_COMPLETION = {
    **COMPLETION,
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "add", "arguments": '{"a": 2, "b": 3}'},
                    }
                ],
            },
        }
    ],
}


def test_models_nested_in_messages_or_a_tuple_of_messages_are_serialised() -> None:
    """The openai-SDK habit `{"role": "assistant", "tool_calls": message.tool_calls}` and a
    tuple of messages holding a ChatMessage both reach the wire as plain JSON."""
    client, seen = make_client(lambda request: httpx.Response(200, json=TOOL_CALL_COMPLETION))
    message = client.chat.completions.create(model="m/x", messages=MESSAGES).choices[0].message
    assert message is not None and message.tool_calls
    wire_call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 2, "b": 3}'},
    }
    tool_turn = {"role": "tool", "tool_call_id": "call_1", "content": "5"}
    client.chat.completions.create(
        model="m/x",
        messages=[
            *MESSAGES,
            {"role": "assistant", "content": None, "tool_calls": message.tool_calls},
            tool_turn,
        ],
    )
    assert seen.last_json()["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [wire_call],
    }
    client.chat.completions.create(model="m/x", messages=(*MESSAGES, message, tool_turn))
    sent = seen.last_json()["messages"]
    assert sent[1] == {"role": "assistant", "tool_calls": [wire_call]}
    assert sent[2] == tool_turn


def test_timeout_in_seconds_reaches_the_transport() -> None:
    client, seen = make_client(ok_chat, timeout=12.5)
    client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert seen.last.extensions["timeout"]["read"] == 12.5
    client.chat.completions.create(model="m/x", messages=MESSAGES, timeout=httpx.Timeout(3.0))
    assert seen.last.extensions["timeout"]["read"] == 3.0


def test_key_never_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def limited(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"error": {"code": 429, "message": f"bad key {KEY}"}})

    client, _ = make_client(limited, max_retries=1)
    assert KEY not in repr(client)
    assert "hidden" in repr(client)
    with pytest.raises(OpenRouterError) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    assert KEY not in caplog.text


def test_key_echoed_by_an_upstream_or_in_a_stream_stays_out_of_error_text() -> None:
    """The provider's raw error (metadata.raw) and in-band stream errors were shown verbatim."""
    upstream = {
        "error": {
            "code": 401,
            "message": "Provider returned error",
            "metadata": {"provider_name": "X", "raw": f'{{"error": "Incorrect API key {KEY}"}}'},
        }
    }
    client, _ = make_client(lambda request: httpx.Response(401, json=upstream), max_retries=0)
    with pytest.raises(OpenRouterError) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert "upstream" in str(info.value) and "sk-or-***" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)

    in_band = json.dumps(
        {"error": {"code": 502, "message": f"echo {KEY}", "metadata": {"raw": KEY}}}
    )
    stream_body = f": OPENROUTER PROCESSING\n\ndata: {in_band}\n\n"
    client, _ = make_client(
        lambda request: httpx.Response(
            200, text=stream_body, headers={"content-type": "text/event-stream"}
        )
    )
    with pytest.raises(OpenRouterError) as info:
        for _ in client.chat.completions.create(model="m/x", messages=MESSAGES, stream=True):
            pass
    assert "echo sk-or-***" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)


def test_context_manager_closes_owned_client() -> None:
    with OpenRouter(api_key=KEY) as client:
        http = client._http
    assert http.is_closed


def test_injected_http_client_is_not_closed() -> None:
    http = httpx.Client(transport=httpx.MockTransport(ok_chat))
    with OpenRouter(api_key=KEY, http_client=http):
        pass
    assert not http.is_closed


async def test_async_client_same_surface() -> None:
    client, seen = make_async_client(ok_chat, app_name="A")
    async with client:
        result = await client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert result.text == "Hello!"
    assert seen.last.headers["x-title"] == "A"


async def test_async_context_manager_closes() -> None:
    async with AsyncOpenRouter(api_key=KEY) as client:
        http = client._http
    assert http.is_closed


def test_anthropic_tool_loop_sends_response_content_back_as_json() -> None:
    """Anthropic's documented loop: `{"role": "assistant", "content": response.content}`."""
    message = {
        "id": "gen-1",
        "type": "message",
        "role": "assistant",
        "model": "anthropic/claude-sonnet-4",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 2}}],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    client, seen = make_client(lambda request: httpx.Response(200, json=message))
    user = {"role": "user", "content": "add 2"}
    first = client.messages.create(
        model="anthropic/claude-sonnet-4", max_tokens=50, messages=[user]
    )
    client.messages.create(
        model="anthropic/claude-sonnet-4",
        max_tokens=50,
        messages=[user, {"role": "assistant", "content": first.content}],
    )
    assert seen.last_json()["messages"][1] == {
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 2}}],
    }


def test_key_in_a_transport_error_stays_out_of_error_text() -> None:
    """httpcore quotes an illegal header value (a key read from a file keeps its newline)."""

    def refuse(request: httpx.Request) -> httpx.Response:
        value = request.headers["authorization"].encode()
        raise httpx.LocalProtocolError(f"Illegal header value {value!r}")

    client, _ = make_client(refuse, max_retries=0)
    with pytest.raises(OpenRouterError) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert "Illegal header value" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
