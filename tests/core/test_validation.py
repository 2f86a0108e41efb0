"""Spec rules are checked before the network, with errors that name the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from core_support import make_client, ok_chat
from openrouter_kit import InvalidRequestError

OK = [{"role": "user", "content": "Hi"}]

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("temperature", {"temperature": 2.5}, "0 to 2"),
    ("temperature", {"temperature": -0.1}, "0 to 2"),
    ("temperature", {"temperature": "hot"}, "number"),
    ("top_p", {"top_p": 1.5}, "0 to 1"),
    ("top_logprobs", {"top_logprobs": 21}, "0 to 20"),
    ("top_logprobs", {"top_logprobs": 2.5}, "integer"),
    ("stop", {"stop": ["a", "b", "c", "d", "e"]}, "at most 4"),
    ("stop", {"stop": [1]}, "list of strings"),
    ("metadata", {"metadata": {f"k{i}": "v" for i in range(17)}}, "16 pairs"),
    ("metadata.k", {"metadata": {"k": "v" * 513}}, "512"),
    ("metadata." + "k" * 65, {"metadata": {"k" * 65: "v"}}, "64"),
    ("user", {"user": "u" * 257}, "256"),
    ("session_id", {"session_id": "s" * 257}, "256"),
    ("service_tier", {"service_tier": "turbo"}, "one of"),
    ("route", {"route": "fastest"}, "one of"),
    ("provider", {"provider": ["openai"]}, "object"),
    (
        "tools[0].function.name",
        {"tools": [{"type": "function", "function": {"name": ""}}]},
        "non-empty",
    ),
    ("tools[0]", {"tools": ["get_weather"]}, "tool object"),
    ("parallel_tool_calls", {"parallel_tool_calls": "yes"}, "true or false"),
    ("max_tokens", {"max_tokens": 0}, "1 to"),
    # NaN compares false with both bounds; orjson would send it as null, json as bare NaN.
    ("temperature", {"temperature": float("nan")}, "0 to 2"),
    ("top_p", {"top_p": float("nan")}, "0 to 1"),
    ("frequency_penalty", {"frequency_penalty": float("nan")}, "-2 to 2"),
]


@pytest.mark.parametrize(
    ("field", "params", "expected"), CASES, ids=[c[0] + ":" + str(i) for i, c in enumerate(CASES)]
)
def test_bad_chat_parameter_names_field_and_sends_nothing(
    field: str, params: dict[str, Any], expected: str
) -> None:
    client, seen = make_client(ok_chat)
    with pytest.raises(InvalidRequestError) as info:
        client.chat.completions.create(model="m/x", messages=OK, **params)
    assert info.value.field == field
    assert expected in str(info.value)
    assert seen.requests == []


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        ([], "messages"),
        ("hello", "messages"),
        ([{"content": "no role"}], "messages[0].role"),
        (["hi"], "messages[0]"),
    ],
)
def test_bad_messages(messages: Any, field: str) -> None:
    client, seen = make_client(ok_chat)
    with pytest.raises(InvalidRequestError) as info:
        client.chat.completions.create(model="m/x", messages=messages)
    assert info.value.field == field
    assert seen.requests == []


def test_values_json_cannot_carry_name_their_field() -> None:
    client, seen = make_client(ok_chat)
    with pytest.raises(InvalidRequestError) as info:
        client.chat.completions.create(model="m/x", messages=OK, extra_body={"blob": b"\xff"})
    assert info.value.field == "blob"
    with pytest.raises(InvalidRequestError) as info:
        client.chat.completions.create(
            model="m/x", messages=[{"role": "user", "content": "bad \udc80 surrogate"}]
        )
    assert info.value.field == "messages"
    assert seen.requests == []


def test_embeddings_and_rerank_inputs() -> None:
    client, seen = make_client(lambda r: httpx.Response(200, json={}))
    with pytest.raises(InvalidRequestError, match="input"):
        client.embeddings.create(model="e/x", input=[])
    with pytest.raises(InvalidRequestError, match="dimensions"):
        client.embeddings.create(model="e/x", input="a", dimensions=0)
    with pytest.raises(InvalidRequestError, match="encoding_format"):
        client.embeddings.create(model="e/x", input="a", encoding_format="int8")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="documents"):
        client.rerank.create(model="c/r", query="q", documents=[])
    with pytest.raises(InvalidRequestError, match=r"documents\[1\]"):
        client.rerank.create(model="c/r", query="q", documents=["a", 3])  # type: ignore[list-item]
    with pytest.raises(InvalidRequestError, match="top_n"):
        client.rerank.create(model="c/r", query="q", documents=["a"], top_n=0)
    with pytest.raises(InvalidRequestError, match="model"):
        client.models.endpoints("no-slash")
    assert seen.requests == []


def test_unknown_keyword_is_a_type_error_pointing_to_extra_body() -> None:
    client, _ = make_client(ok_chat)
    with pytest.raises(TypeError, match="extra_body"):
        client.chat.completions.create(model="m/x", messages=OK, temprature=0.5)  # type: ignore[call-arg]
