"""The OpenRouter LLM at the HTTP layer: metadata from /models, request building, structured output.

Responses come from real recordings (the /models catalogue) or minimal JSON bodies when only
the request the adapter builds is under test.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from li_support import RecordingEventHandler, Replay, catalogue, completion_json
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.llms.openrouter_kit import OpenRouter
from openrouter_kit import AsyncOpenRouter
from openrouter_kit import OpenRouter as CoreOpenRouter
from openrouter_kit.types import ProviderPreferences
from pydantic import BaseModel


def catalogue_entry(model_id: str) -> dict:
    return next(m for m in json.loads(catalogue().body)["data"] if m["id"] == model_id)


def make_llm(replay: Replay, model: str = "qwen/qwen3-235b-a22b", **kwargs: object) -> OpenRouter:
    return OpenRouter(
        model=model,
        api_key="sk-or-v1-test",
        http_client=replay.client(),
        async_http_client=replay.async_client(),
        **kwargs,
    )


# -- metadata ------------------------------------------------------------------------------


def test_metadata_comes_from_models_lazily_and_once_per_process() -> None:
    replay = Replay()
    llm = make_llm(replay, "qwen/qwen3-235b-a22b")
    other = make_llm(replay, "google/gemini-2.0-flash-exp:free")
    assert replay.sent == [], "constructing an LLM sends nothing"

    entry = catalogue_entry("qwen/qwen3-235b-a22b")
    metadata = llm.metadata
    assert metadata.context_window == entry["context_length"] == 40960
    # max_completion_tokens equals the window here, so half is reserved for output.
    assert metadata.num_output == entry["context_length"] // 2
    assert metadata.is_function_calling_model is ("tools" in entry["supported_parameters"])
    assert metadata.is_chat_model is True
    assert metadata.model_name == "qwen/qwen3-235b-a22b"

    gemini = catalogue_entry("google/gemini-2.0-flash-exp:free")
    assert other.metadata.context_window == gemini["context_length"]
    assert other.metadata.num_output == gemini["top_provider"]["max_completion_tokens"]
    assert replay.paths() == ["/models"], "one catalogue fetch serves every model"


def test_model_without_tools_is_not_function_calling() -> None:
    without_tools = next(
        m for m in json.loads(catalogue().body)["data"] if "tools" not in m["supported_parameters"]
    )
    assert make_llm(Replay(), without_tools["id"]).metadata.is_function_calling_model is False


async def test_async_prefetch_fills_metadata_without_a_sync_request() -> None:
    replay = Replay()
    llm = OpenRouter(
        model="qwen/qwen3-235b-a22b", api_key="k", async_http_client=replay.async_client()
    )
    info = await llm.aget_model_info()
    assert info.context_window == 40960
    # The sync client was never built: metadata is served from the cache.
    assert llm.metadata.context_window == 40960
    assert replay.paths() == ["/models"]


def test_explicit_overrides_skip_the_catalogue() -> None:
    replay = Replay()
    llm = make_llm(
        replay,
        "anything/at-all",
        context_window=1234,
        is_function_calling_model=False,
        is_chat_model=True,
        max_tokens=99,
    )
    assert (llm.metadata.context_window, llm.metadata.num_output) == (1234, 99)
    assert llm.metadata.is_function_calling_model is False
    assert replay.sent == []


def test_image_only_model_is_not_a_chat_model() -> None:
    entry = {
        "id": "acme/painter",
        "context_length": 4096,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["image"]},
        "top_provider": {"context_length": 4096, "max_completion_tokens": None},
        "supported_parameters": ["max_tokens"],
    }
    replay = Replay().add("/models", httpx.Response(200, json={"data": [entry]}))
    metadata = make_llm(replay, "acme/painter").metadata
    assert metadata.is_chat_model is False
    assert metadata.is_function_calling_model is False
    assert (metadata.context_window, metadata.num_output) == (4096, 256)


def test_unknown_model_gets_defaults_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        llm = make_llm(Replay(), "no-such/model")
        metadata = llm.metadata
    assert metadata.context_window == 3900
    assert metadata.is_function_calling_model is False  # not claimed for an unknown model
    assert llm.get_model_info().found is False
    assert "not in the OpenRouter /models catalogue" in caplog.text
    assert "unknown" in caplog.text


def test_routing_suffix_falls_back_to_the_base_model() -> None:
    assert make_llm(Replay(), "qwen/qwen3-235b-a22b:nitro").metadata.context_window == 40960


def test_unreachable_catalogue_degrades_to_defaults(caplog: pytest.LogCaptureFixture) -> None:
    replay = Replay().add(
        "/models", httpx.Response(503, json={"error": {"code": 503, "message": "down"}})
    )
    with caplog.at_level(logging.WARNING):
        metadata = make_llm(replay, max_retries=0).metadata
    assert metadata.context_window == 3900
    assert "Could not read the OpenRouter /models catalogue" in caplog.text


# -- request building ----------------------------------------------------------------------


def test_openrouter_parameters_are_first_class_fields() -> None:
    replay = Replay(completion_json())
    llm = make_llm(
        replay,
        "openai/gpt-4o-mini",
        temperature=0.2,
        max_tokens=50,
        reasoning_effort="high",
        provider=ProviderPreferences(
            order=["openai", "azure"],
            only=["openai", "azure"],
            ignore=["deepinfra"],
            allow_fallbacks=False,
            require_parameters=True,
            data_collection="deny",
            zdr=True,
            quantizations=["fp16"],
            sort="price",
            max_price={"prompt": 1, "completion": 2},
        ),
        models=["anthropic/claude-3.5-haiku"],
        route="fallback",
        transforms=["middle-out"],
        plugins=[{"id": "web", "max_results": 2}],
        session_id="session-1",
        trace={"trace_id": "t1"},
        user="user-7",
        app_name="My App",
        app_url="https://example.com",
        additional_kwargs={"top_k": 3, "brand_new_param": {"x": 1}},
    )
    llm.chat([ChatMessage(content="hi")], seed=5, another_unknown="y")
    sent = replay.bodies()[0]
    assert sent["temperature"] == 0.2 and sent["max_tokens"] == 50 and sent["seed"] == 5
    assert sent["reasoning"] == {"effort": "high"}
    assert sent["provider"] == {
        "order": ["openai", "azure"],
        "only": ["openai", "azure"],
        "ignore": ["deepinfra"],
        "allow_fallbacks": False,
        "require_parameters": True,
        "data_collection": "deny",
        "zdr": True,
        "quantizations": ["fp16"],
        "sort": "price",
        "max_price": {"prompt": 1, "completion": 2},
    }
    assert sent["models"] == ["anthropic/claude-3.5-haiku"]
    assert sent["route"] == "fallback" and sent["transforms"] == ["middle-out"]
    assert sent["plugins"] == [{"id": "web", "max_results": 2}]
    assert (sent["session_id"], sent["trace"], sent["user"]) == (
        "session-1",
        {"trace_id": "t1"},
        "user-7",
    )
    assert sent["top_k"] == 3
    # Unknown params travel in the body through extra_body.
    assert sent["brand_new_param"] == {"x": 1} and sent["another_unknown"] == "y"
    headers = replay.sent[0].headers
    assert headers["X-Title"] == "My App" and headers["HTTP-Referer"] == "https://example.com"
    assert headers["Authorization"] == "Bearer sk-or-v1-test"


def test_llama_index_llms_openrouter_arguments_still_work() -> None:
    """Switching from llama-index-llms-openrouter is a change of import."""
    replay = Replay(completion_json())
    llm = OpenRouter(
        model="openai/gpt-4o-mini",
        api_key="k",
        api_base="https://openrouter.ai/api/v1",
        order=["openai"],
        allow_fallbacks=False,
        http_client=replay.client(),
    )
    assert llm.api_base == llm.base_url == "https://openrouter.ai/api/v1"
    llm.chat([ChatMessage(content="hi")])
    assert replay.bodies()[0]["provider"] == {"order": ["openai"], "allow_fallbacks": False}


def test_secrets_stay_out_of_repr_and_serialisation() -> None:
    llm = OpenRouter(
        model="m",
        api_key="sk-or-v1-very-secret",
        context_window=10,
        is_function_calling_model=True,
        is_chat_model=True,
        max_tokens=1,
    )
    assert llm.to_payload()["context_window"] == 10  # full metadata, no network needed
    assert "very-secret" not in repr(llm)
    assert "very-secret" not in json.dumps(llm.to_dict(), default=str)
    assert "very-secret" not in json.dumps(llm.to_payload(), default=str)


def test_shared_core_clients_are_used() -> None:
    replay = Replay(completion_json("from shared client"))
    shared = CoreOpenRouter(api_key="k", http_client=replay.client())
    llm = OpenRouter(
        model="m",
        client=shared,
        async_client=AsyncOpenRouter(api_key="k", http_client=replay.async_client()),
    )
    assert llm.chat([ChatMessage(content="hi")]).message.content == "from shared client"
    assert len(replay.sent) == 1


def test_bad_values_fail_before_any_request() -> None:
    from openrouter_kit.errors import InvalidRequestError

    replay = Replay(completion_json())
    with pytest.raises(InvalidRequestError):
        make_llm(replay, "m", temperature=5.0).chat([ChatMessage(content="hi")])
    assert replay.sent == []


# -- structured output -----------------------------------------------------------------------


class Album(BaseModel):
    """An album."""

    name: str
    year: int


def test_structured_predict_uses_json_schema_when_supported() -> None:
    replay = Replay(completion_json('{"name": "Blue", "year": 1971}'))
    llm = make_llm(replay, "qwen/qwen3-235b-a22b")  # supports structured_outputs per /models
    album = llm.structured_predict(
        Album, PromptTemplate("Name an album by {artist}."), artist="Joni Mitchell"
    )
    assert album == Album(name="Blue", year=1971)
    sent = replay.bodies()[0]
    schema = sent["response_format"]
    assert schema["type"] == "json_schema" and schema["json_schema"]["name"] == "Album"
    assert schema["json_schema"]["strict"] is True
    assert schema["json_schema"]["schema"]["additionalProperties"] is False
    assert "tools" not in sent


def test_structured_predict_falls_back_to_a_forced_tool_call() -> None:
    arguments = json.dumps({"name": "Blue", "year": 1971})
    replay = Replay(
        completion_json(
            "",
            tool_calls=[
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "Album", "arguments": arguments},
                }
            ],
        )
    )
    # gemini-2.0-flash-exp:free supports tools but not structured_outputs in the catalogue.
    llm = make_llm(replay, "google/gemini-2.0-flash-exp:free")
    album = llm.structured_predict(
        Album, PromptTemplate("Name an album by {artist}."), artist="Joni Mitchell"
    )
    assert album == Album(name="Blue", year=1971)
    sent = replay.bodies()[0]
    assert "response_format" not in sent
    assert sent["tools"][0]["function"]["name"] == "Album"
    assert sent["tool_choice"] == "required"


async def test_as_structured_llm_async() -> None:
    replay = Replay(completion_json('{"name": "Blue", "year": 1971}'))
    llm = make_llm(replay, "qwen/qwen3-235b-a22b").as_structured_llm(Album)
    response = await llm.achat([ChatMessage(content="Name an album by Joni Mitchell.")])
    assert response.raw == Album(name="Blue", year=1971)


def test_instrumentation_events_for_chat_stream_and_structured_output(
    instrumentation_events: RecordingEventHandler,
) -> None:
    replay = Replay(completion_json("hello"), completion_json('{"name": "Blue", "year": 1971}'))
    llm = make_llm(replay, "qwen/qwen3-235b-a22b")
    llm.chat([ChatMessage(content="hi")])
    llm.structured_predict(Album, PromptTemplate("Name an album."))

    names = instrumentation_events.names("LLM")
    assert names == [
        "LLMChatStartEvent",
        "LLMChatEndEvent",
        "LLMStructuredPredictStartEvent",
        "LLMChatStartEvent",
        "LLMChatEndEvent",
        "LLMStructuredPredictEndEvent",
    ]
    start = next(
        e for e in instrumentation_events.events if type(e).__name__ == "LLMChatStartEvent"
    )
    # llama-index-core names the LLM's model field by its alias from 0.14.2x, by name before
    model_dict = start.model_dict
    assert model_dict.get("model_name", model_dict.get("model")) == "qwen/qwen3-235b-a22b"
    assert "sk-or-v1-test" not in json.dumps(start.model_dict, default=str)
    end = next(e for e in instrumentation_events.events if type(e).__name__ == "LLMChatEndEvent")
    assert end.response.additional_kwargs["cost"] == 0.5


async def test_a_given_sync_client_configures_its_async_twin() -> None:
    """Only client= given: async calls reach the same server with the same key."""
    llm = OpenRouter(
        model="openai/gpt-4o-mini",
        client=CoreOpenRouter(api_key="sk-or-v1-given", base_url="emulator://"),
    )
    response = await llm.achat([ChatMessage(content="What is 2+3?")])
    assert response.message.content == "5"
    assert llm.metadata.context_window > 3900  # the sync client itself serves /models


def test_logprobs_images_and_annotations_come_through() -> None:
    logprobs = {
        "content": [
            {
                "token": "Hi",
                "logprob": -0.1,
                "bytes": [72, 105],
                "top_logprobs": [
                    {"token": "Hi", "logprob": -0.1, "bytes": [72, 105]},
                    {"token": "Hey", "logprob": -2.5, "bytes": None},
                ],
            }
        ]
    }
    body = completion_json(
        "Hi",
        images=[{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}],
        annotations=[
            {"type": "url_citation", "url_citation": {"url": "https://example.com", "title": "Ex"}}
        ],
    )
    body["choices"][0]["logprobs"] = logprobs
    replay = Replay(body)
    response = make_llm(replay, "openai/gpt-4o-mini").chat(
        [ChatMessage(content="hi")], logprobs=True, top_logprobs=2
    )
    sent = replay.bodies()[0]
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 2)
    assert [
        [(lp.token, lp.logprob) for lp in alternatives] for alternatives in response.logprobs
    ] == [[("Hi", -0.1), ("Hey", -2.5)]]
    images = [b for b in response.message.blocks if type(b).__name__ == "ImageBlock"]
    assert [str(b.url) for b in images] == ["data:image/png;base64,iVBORw0KGgo="]
    assert (
        response.message.additional_kwargs["annotations"][0]["url_citation"]["url"]
        == "https://example.com"
    )


def test_default_model_can_call_tools() -> None:
    """The default model must work with FunctionAgent out of the box (openrouter/auto cannot)."""
    metadata = OpenRouter(api_key="k", http_client=Replay().client()).metadata
    assert metadata.model_name == "openai/gpt-4o-mini"
    assert metadata.is_function_calling_model is True
