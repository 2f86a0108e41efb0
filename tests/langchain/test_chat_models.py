"""ChatOpenRouter behaviour at the HTTP boundary: what goes out, what comes back.

Each test gives the core client an httpx.MockTransport and checks the JSON body ChatOpenRouter
caused to be sent, or the LangChain objects built from a response.
"""

from __future__ import annotations

import json
import os
from typing import Any
from unittest import mock

import httpx
import pytest
from langchain_core.load import dumpd, dumps, load
from langchain_openrouter_kit import ChatOpenRouter
from langchain_openrouter_kit._profile import clear_catalogue_cache
from lc_wire import Wire, json_response, sse_response
from openrouter_kit.errors import BadGatewayError, BadRequestError
from pydantic import BaseModel, Field
from recordings_loader import find


def completion(content: str = "ok", **message: Any) -> dict[str, Any]:
    return {
        "id": "gen-1-x",
        "model": "openai/gpt-4o-mini",
        "provider": "OpenAI",
        "object": "chat.completion",
        "created": 1,
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
                "native_finish_reason": "stop",
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
        "usage": {"prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6, "cost": 1e-6},
    }


def tool_completion(name: str, arguments: str) -> dict[str, Any]:
    return completion(
        "",
        tool_calls=[
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
        ],
    )


def chunk(delta: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {
        "id": "gen-2-y",
        "model": "openai/gpt-4o-mini",
        "provider": "OpenAI",
        "object": "chat.completion.chunk",
        "created": 1,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **top,
    }


STREAM = [
    chunk({"role": "assistant", "content": "Hel"}),
    chunk({"content": "lo"}),
    chunk({}, finish="stop"),
    {
        **chunk({}),
        "choices": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "cost": 2e-6},
    },
]


def make(wire: Wire, **kwargs: Any) -> ChatOpenRouter:
    return ChatOpenRouter(**{"model": "openai/gpt-4o-mini", **kwargs}, **wire.clients())


# ---- request params ----------------------------------------------------------------------


def test_openrouter_fields_are_sent_as_first_class_params() -> None:
    wire = Wire(json_response(completion()))
    llm = make(
        wire,
        temperature=0.2,
        max_tokens=64,
        stop=["END"],
        reasoning_effort="high",
        provider={
            "order": ["anthropic"],
            "allow_fallbacks": False,
            "zdr": True,
            "brand_new_knob": 1,
        },
        models=["anthropic/claude-3.5-haiku"],
        route="fallback",
        transforms=["middle-out"],
        plugins=[{"id": "web", "max_results": 2}],
        session_id="s-1",
        trace={"trace_id": "t-1"},
        user="u-1",
        cache_control={"type": "ephemeral"},
    )
    llm.invoke("hi")
    body = wire.bodies[0]
    assert body["model"] == "openai/gpt-4o-mini"
    assert body["messages"] == [{"role": "user", "content": "hi"}]
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 64
    assert body["stop"] == ["END"]
    assert body["reasoning"] == {"effort": "high"}
    assert body["provider"] == {
        "order": ["anthropic"],
        "allow_fallbacks": False,
        "zdr": True,
        "brand_new_knob": 1,
    }
    assert body["models"] == ["anthropic/claude-3.5-haiku"]
    assert body["route"] == "fallback"
    assert body["transforms"] == ["middle-out"]
    assert body["plugins"] == [{"id": "web", "max_results": 2}]
    assert (body["session_id"], body["trace"], body["user"]) == ("s-1", {"trace_id": "t-1"}, "u-1")
    assert body["cache_control"] == {"type": "ephemeral"}
    assert "stream" not in body


def test_unknown_params_reach_the_body_through_extra_body() -> None:
    wire = Wire(json_response(completion()))
    with pytest.warns(UserWarning, match="not a ChatOpenRouter field"):
        llm = make(wire, brand_new_param={"x": 1})
    llm.invoke("hi", model_kwargs_free=True, extra_body={"another": 2})
    body = wire.bodies[0]
    assert body["brand_new_param"] == {"x": 1}
    assert body["model_kwargs_free"] is True
    assert body["another"] == 2


def test_per_call_model_override() -> None:
    wire = Wire(json_response(completion()))
    llm = make(wire)
    llm.invoke("hi", model="anthropic/claude-3.5-haiku")
    llm.invoke("hi")
    assert [body["model"] for body in wire.bodies] == [
        "anthropic/claude-3.5-haiku",
        "openai/gpt-4o-mini",
    ]
    assert llm._get_ls_params(model="x/y")["ls_model_name"] == "x/y"


def test_reasoning_dict_is_sent_unchanged() -> None:
    wire = Wire(json_response(completion()))
    make(wire, reasoning={"max_tokens": 2000, "exclude": False}).invoke("hi")
    assert wire.bodies[0]["reasoning"] == {"max_tokens": 2000, "exclude": False}


# ---- responses -------------------------------------------------------------------------------


def test_invoke_returns_metadata_usage_and_cost() -> None:
    message = make(Wire(json_response(completion("Paris")))).invoke("capital?")
    assert message.content == "Paris"
    assert message.response_metadata["provider"] == "OpenAI"
    assert message.response_metadata["cost"] == 1e-6
    assert message.usage_metadata == {"input_tokens": 4, "output_tokens": 2, "total_tokens": 6}


def test_stream_carries_usage_and_asks_for_it() -> None:
    wire = Wire(sse_response(STREAM))
    chunks = list(make(wire).stream("hi"))
    assert "".join(c.text for c in chunks) == "Hello"
    total = sum(chunks[1:], chunks[0])
    assert total.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert total.response_metadata["finish_reason"] == "stop"
    assert total.response_metadata["cost"] == 2e-6
    assert wire.bodies[0]["stream"] is True
    assert wire.bodies[0]["stream_options"] == {"include_usage": True}


def test_stream_usage_false_is_sent() -> None:
    wire = Wire(sse_response(STREAM[:3]))
    list(make(wire, stream_usage=False).stream("hi"))
    list(make(wire).stream("hi", stream_usage=False))  # per call
    assert [body["stream_options"] for body in wire.bodies] == [{"include_usage": False}] * 2


def test_streaming_true_makes_invoke_stream() -> None:
    wire = Wire(sse_response(STREAM))
    message = make(wire, streaming=True).invoke("hi")
    assert wire.bodies[0]["stream"] is True
    assert message.content == "Hello"
    assert message.usage_metadata is not None and message.usage_metadata["total_tokens"] == 5


async def test_async_invoke_stream_and_batch() -> None:
    wire = Wire(json_response(completion("async ok")))
    llm = make(wire)
    assert (await llm.ainvoke("hi")).content == "async ok"
    results = await llm.abatch(["a", "b", "c"])
    assert [r.content for r in results] == ["async ok"] * 3
    stream_wire = Wire(sse_response(STREAM))
    parts = [c.text async for c in make(stream_wire).astream("hi")]
    assert "".join(parts) == "Hello"


def test_batch_shares_one_core_client() -> None:
    wire = Wire(json_response(completion()))
    shared = wire.clients()
    first = ChatOpenRouter(model="a/b", **shared)
    second = ChatOpenRouter(model="c/d", **shared)
    first.batch(["1", "2"])
    second.invoke("3")
    assert first._get_client() is second._get_client()
    assert sorted(body["model"] for body in wire.bodies) == ["a/b", "a/b", "c/d"]


def test_error_body_with_http_200_is_a_typed_error_not_a_validation_error() -> None:
    """langchain-openrouter reports this as a pydantic 'Field required' error (python-sdk#44)."""
    body = {
        "error": {
            "code": 502,
            "message": "Provider returned error",
            "metadata": {"provider_name": "X"},
        }
    }
    with pytest.raises(BadGatewayError, match="Provider returned error"):
        make(Wire(json_response(body))).invoke("hi")


def test_http_errors_surface_as_the_core_errors() -> None:
    error = {
        "error": {
            "code": 400,
            "message": "Input must have at least 1 token.",
            "metadata": {"provider_name": None},
        }
    }
    with pytest.raises(BadRequestError, match="at least 1 token"):
        make(Wire(json_response(error, status=400))).invoke("hi")


# ---- tools and structured output -------------------------------------------------------------


class Person(BaseModel):
    """A person."""

    name: str = Field(description="Full name")
    age: int


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@pytest.mark.parametrize(
    ("tool_choice", "expected"),
    [
        ("auto", "auto"),
        ("any", "required"),
        ("required", "required"),
        ("none", "none"),
        ("add", {"type": "function", "function": {"name": "add"}}),
        (True, {"type": "function", "function": {"name": "add"}}),
    ],
)
def test_bind_tools_sends_tools_and_choice(tool_choice: Any, expected: Any) -> None:
    wire = Wire(json_response(tool_completion("add", '{"a": 1, "b": 2}')))
    message = (
        make(wire)
        .bind_tools([add], tool_choice=tool_choice, parallel_tool_calls=False)
        .invoke("1+2")
    )
    body = wire.bodies[0]
    assert body["tools"][0]["function"]["name"] == "add"
    assert body["tool_choice"] == expected
    assert body["parallel_tool_calls"] is False
    assert message.tool_calls == [
        {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
    ]


def test_invalid_tool_arguments_are_kept() -> None:
    wire = Wire(json_response(tool_completion("add", '{"a": 1,')))
    message = make(wire).bind_tools([add]).invoke("1+?")
    assert message.tool_calls == []
    assert message.invalid_tool_calls[0]["args"] == '{"a": 1,'
    assert message.invalid_tool_calls[0]["name"] == "add"


def test_streamed_tool_call_chunks() -> None:
    events = [
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "add", "arguments": '{"a":'},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ' 1, "b": 2}'}}]}),
        chunk({}, finish="tool_calls"),
    ]
    chunks = list(make(Wire(sse_response(events))).bind_tools([add]).stream("1+2"))
    assert chunks[0].tool_call_chunks[0]["name"] == "add"
    total = sum(chunks[1:], chunks[0])
    assert total.tool_calls[0]["args"] == {"a": 1, "b": 2}


def test_structured_output_function_calling() -> None:
    wire = Wire(json_response(tool_completion("Person", '{"name": "Ada", "age": 36}')))
    result = make(wire).with_structured_output(Person).invoke("who?")
    assert result == Person(name="Ada", age=36)
    body = wire.bodies[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
    assert body["parallel_tool_calls"] is False


def test_structured_output_json_schema_strict() -> None:
    wire = Wire(json_response(completion('{"name": "Ada", "age": 36}')))
    result = (
        make(wire).with_structured_output(Person, method="json_schema", strict=True).invoke("who?")
    )
    assert result == Person(name="Ada", age=36)
    response_format = wire.bodies[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Person"
    assert response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["schema"]["required"] == ["name", "age"]
    assert response_format["json_schema"]["schema"]["additionalProperties"] is False


def test_structured_output_json_mode_with_a_dict_schema() -> None:
    wire = Wire(json_response(completion('{"name": "Ada", "age": 36}')))
    schema = Person.model_json_schema()
    result = (
        make(wire).with_structured_output(schema, method="json_mode").invoke("who? answer in JSON")
    )
    assert result == {"name": "Ada", "age": 36}
    assert wire.bodies[0]["response_format"] == {"type": "json_object"}


def test_structured_output_include_raw_reports_parse_errors() -> None:
    wire = Wire(json_response(completion("not json at all")))
    result = (
        make(wire)
        .with_structured_output(Person, method="json_mode", include_raw=True)
        .invoke("who?")
    )
    assert result["parsed"] is None
    assert result["parsing_error"] is not None
    assert result["raw"].content == "not json at all"


# ---- configuration, secrets, serialisation ---------------------------------------------------


def test_api_key_from_env_and_never_shown() -> None:
    with mock.patch.dict(os.environ, {"OPENROUTER_API_KEY": "sk-or-env-secret"}):
        llm = ChatOpenRouter(model="a/b")
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "sk-or-env-secret"
    assert "sk-or-env-secret" not in repr(llm)
    assert "sk-or-env-secret" not in dumps(llm)
    assert llm._get_client().api_key == "sk-or-env-secret"


def test_environment_fallbacks() -> None:
    env = {
        "OPENROUTER_API_KEY": "sk-or-env",
        "OPENROUTER_BASE_URL": "emulator://",
        "OPENROUTER_APP_TITLE": "EnvApp",
        "OPENROUTER_APP_URL": "https://env.app",
        "OPENROUTER_SESSION_ID": "session-from-env",
    }
    with mock.patch.dict(os.environ, env):
        llm = ChatOpenRouter(model="openai/gpt-4o-mini")
    assert (llm.base_url, llm.app_name, llm.app_url) == ("emulator://", "EnvApp", "https://env.app")
    assert llm.session_id == "session-from-env"
    assert llm.invoke("hello").response_metadata["model_provider"] == "openrouter"


def test_settings_reach_the_core_client() -> None:
    llm = ChatOpenRouter(
        model="a/b",
        api_key="k",
        timeout=12.5,
        max_retries=5,
        app_name="MyApp",
        app_url="https://my.app",
    )
    client = llm._get_client()
    assert client.timeout.read == 12.5
    assert client.max_retries == 5
    assert (client.app_name, client.app_url) == ("MyApp", "https://my.app")
    assert llm._get_client() is client  # built once, reused


@pytest.mark.filterwarnings("ignore:The function `load` is in beta")
def test_serialisation_round_trip_keeps_the_secret_out() -> None:
    llm = ChatOpenRouter(
        model="a/b", api_key="sk-or-1", provider={"sort": "price"}, temperature=0.1
    )
    data = dumpd(llm)
    assert data["kwargs"]["api_key"] == {"lc": 1, "type": "secret", "id": ["OPENROUTER_API_KEY"]}
    revived = load(
        data,
        secrets_map={"OPENROUTER_API_KEY": "sk-or-1"},
        valid_namespaces=["langchain_openrouter_kit"],
        allowed_objects=[ChatOpenRouter],
    )
    assert isinstance(revived, ChatOpenRouter)
    assert revived.provider == {"sort": "price"} and revived.temperature == 0.1


# ---- profile ---------------------------------------------------------------------------------


def test_profile_is_fetched_lazily_once_from_models() -> None:
    clear_catalogue_cache()
    catalogue = find("test_openrouter_list_models.yaml")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return catalogue.response(request)

    wire = Wire(handler)
    catalogue_models = json.loads(catalogue.body)["data"]
    entry = next(m for m in catalogue_models if "tools" in m.get("supported_parameters", []))
    llm = ChatOpenRouter(model=entry["id"], **wire.clients())
    other = ChatOpenRouter(model=catalogue_models[1]["id"], **wire.clients())
    assert seen == []  # construction never fetches
    profile = llm.profile
    assert profile is not None
    assert profile["max_input_tokens"] == entry["context_length"]
    assert profile["tool_calling"] is True
    assert profile["image_inputs"] == ("image" in entry["architecture"]["input_modalities"])
    assert other.profile is not None and other.profile.get("name") == catalogue_models[1]["name"]
    assert seen == ["/api/v1/models"]  # one fetch, cached for both models
    clear_catalogue_cache()


def test_profile_fetch_failure_leaves_an_empty_profile() -> None:
    clear_catalogue_cache()
    llm = ChatOpenRouter(
        model="a/b",
        **Wire(json_response({"error": {"code": 500, "message": "down"}}, 500)).clients(),
    )
    assert llm.profile is not None and dict(llm.profile.items()) == {}
    clear_catalogue_cache()


def test_streaming_callbacks_see_each_token_once() -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    class Tokens(BaseCallbackHandler):
        def __init__(self) -> None:
            self.tokens: list[str] = []

        def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            self.tokens.append(token)

    for llm_kwargs, run in (
        ({}, lambda llm, cfg: list(llm.stream("hi", config=cfg))),
        ({"streaming": True}, lambda llm, cfg: llm.invoke("hi", config=cfg)),
    ):
        handler = Tokens()
        run(make(Wire(sse_response(STREAM)), **llm_kwargs), {"callbacks": [handler]})
        assert [t for t in handler.tokens if t] == ["Hel", "lo"]


async def test_profile_loads_without_blocking_in_async_code() -> None:
    clear_catalogue_cache()
    catalogue = find("test_openrouter_list_models.yaml")
    wire = Wire(catalogue.response)
    entry = json.loads(catalogue.body)["data"][0]
    llm = ChatOpenRouter(model=entry["id"], **wire.clients())
    profile = await llm.aload_profile()
    assert profile is not None and profile["max_input_tokens"] == entry["context_length"]
    assert len(wire.requests) == 1  # one fetch, through the async client
    assert llm.profile is profile and llm.profile.get("name") == entry["name"]
    assert len(wire.requests) == 1
    clear_catalogue_cache()


def test_token_counting_needs_no_tokenizer_download() -> None:
    llm = ChatOpenRouter(model="a/b", api_key="k")
    assert llm.get_num_tokens("a" * 40) == 10
    from langchain_core.messages import HumanMessage, SystemMessage

    count = llm.get_num_tokens_from_messages([SystemMessage("be brief"), HumanMessage("x" * 400)])
    assert 100 <= count <= 120
    exact = ChatOpenRouter(
        model="a/b", api_key="k", custom_get_token_ids=lambda text: [0] * len(text)
    )
    assert exact.get_num_tokens("abc") == 3
