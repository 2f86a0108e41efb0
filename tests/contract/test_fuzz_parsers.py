"""Property tests of the response parsers on real payloads with fields removed, nulled or retyped.

Each example takes a real body from tests/recordings (chat completions, stream chunks,
/responses, /models, /embeddings, rerank, credits and error bodies), breaks one to three
fields anywhere in it (deleted, set to null, or given a value of the wrong type), serves it
to the client and reads the result the way a user would. Whatever comes back, the only
exceptions allowed are the library's own (OpenRouterError subclasses): no KeyError,
TypeError, AttributeError or pydantic ValidationError escapes.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
from contract_support import CHAT_JSON, CHAT_SSE, RESPONSES_JSON, RESPONSES_SSE, cases, sse_json
from hypothesis import event as note
from hypothesis import given, settings
from hypothesis import strategies as st
from openrouter_kit import OpenRouter
from openrouter_kit.errors import OpenRouterError
from quoted_bodies import QUOTED

FUZZ = settings.get_profile("openrouter-kit-fuzz")
SMALL = 60_000  # bytes: leave out the multi-megabyte image recordings, they add nothing here

WRONG_VALUES: list[Any] = [None, "x", "", 1.5, -1, 10**30, True, [], {}, [None], {"x": None}]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON value (list items by index)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found.append((*prefix, index))
            found.extend(paths(item, (*prefix, index)))
    return found


def mutate(payload: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    payload = copy.deepcopy(payload)
    holder = payload
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if action == "delete":
        del holder[last]
    else:
        holder[last] = value
    return payload


def _client(status: int, body: bytes, content_type: str = "application/json") -> OpenRouter:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, headers={"content-type": content_type}, content=body, request=request
        )

    return OpenRouter(
        api_key="sk-or-v1-fuzz",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )


HI = [{"role": "user", "content": "hi"}]


def read_chat(client: OpenRouter) -> None:
    result = client.chat.completions.create(model="x/y", messages=HI)
    _ = result.text, result.usage, result.provider
    for choice in result.choices:
        _ = choice.finish_reason, choice.message


def read_responses(client: OpenRouter) -> None:
    result = client.responses.create(model="x/y", input="hi")
    _ = result.text, result.function_calls, result.usage


def read_models(client: OpenRouter) -> None:
    result = client.models.list()
    for model in result.data:
        _ = model.id, model.pricing, model.input_modalities, model.output_modalities
        if model.pricing is not None:
            _ = model.pricing.prompt_per_million


def read_embeddings(client: OpenRouter) -> None:
    result = client.embeddings.create(model="x/y", input="hi")
    _ = result.vectors, result.usage


def read_rerank(client: OpenRouter) -> None:
    result = client.rerank.create(model="x/y", query="q", documents=["a", "b", "c"])
    _ = [(r.index, r.relevance_score) for r in result.results], result.usage


def read_credits(client: OpenRouter) -> None:
    _ = client.credits.get().data.remaining


def _first(kind: str, n: int) -> list[Any]:
    chosen = [c for c in cases(kind) if len(c.interaction.body) < SMALL][:n]
    return [json.loads(c.interaction.body) for c in chosen]


def _models_sample() -> dict[str, Any]:
    raw = json.loads(next(c for c in cases("models")).interaction.body)
    return {"data": raw["data"][:3]}


def _quoted(call: str, status: int) -> list[Any]:
    return [json.loads(q.body) for q in QUOTED if q.call == call and q.status == status]


PAYLOADS: list[tuple[str, int, Any, Callable[[OpenRouter], None]]] = [
    *[("chat", 200, p, read_chat) for p in _first(CHAT_JSON, 10)],
    *[("responses", 200, p, read_responses) for p in _first(RESPONSES_JSON, 3)],
    ("models", 200, _models_sample(), read_models),
    *[("embeddings", 200, p, read_embeddings) for p in _quoted("embeddings", 200)],
    *[("rerank", 200, p, read_rerank) for p in _quoted("rerank", 200)],
    *[("credits", 200, p, read_credits) for p in _quoted("credits", 200)],
    *[("chat error", 429, p, read_chat) for p in _quoted("chat", 429)],
    *[("chat error", 402, p, read_chat) for p in _quoted("chat", 402)],
]


@st.composite
def broken_payload(draw: Any) -> tuple[int, Any, Callable[[OpenRouter], None]]:
    _, status, payload, reader = draw(st.sampled_from(PAYLOADS))
    for _ in range(draw(st.integers(1, 3))):
        candidates = paths(payload)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        action = draw(st.sampled_from(["delete", "set"]))
        payload = mutate(payload, path, action, draw(st.sampled_from(WRONG_VALUES)))
    return status, payload, reader


@FUZZ
@given(case=broken_payload())
def test_broken_bodies_raise_only_typed_errors(
    case: tuple[int, Any, Callable[[OpenRouter], None]],
) -> None:
    status, payload, reader = case
    client = _client(status, json.dumps(payload).encode())
    try:
        reader(client)
    except OpenRouterError as exc:
        note(f"typed error: {type(exc).__name__}")
    else:
        note("parsed")


@FUZZ
@given(
    reader=st.sampled_from(
        [read_chat, read_responses, read_models, read_embeddings, read_rerank, read_credits]
    ),
    body=st.one_of(
        st.sampled_from(
            [b"", b"null", b"[]", b"{}", b'"text"', b"42", b"{", b"<html>502</html>", b"\xff\xfe"]
        ),
        st.binary(max_size=64),
    ),
    status=st.sampled_from([200, 400, 429, 500, 502]),
)
def test_non_json_or_wrong_top_level_raises_only_typed_errors(
    reader: Callable[[OpenRouter], None], body: bytes, status: int
) -> None:
    try:
        reader(_client(status, body))
    except OpenRouterError as exc:
        note(f"typed error: {type(exc).__name__}")
    else:
        note("parsed")


STREAMS = [c.interaction.body for c in cases(CHAT_SSE) if len(c.interaction.body) < SMALL][:6]
RESPONSE_STREAMS = [
    c.interaction.body for c in cases(RESPONSES_SSE) if len(c.interaction.body) < SMALL
][:4]


def _serve_events(events: list[Any]) -> bytes:
    return (
        b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    )


@st.composite
def broken_stream(draw: Any) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["chat", "responses"]))
    bodies = STREAMS if kind == "chat" else RESPONSE_STREAMS
    events = sse_json(draw(st.sampled_from(bodies)))
    index = draw(st.integers(0, len(events) - 1))
    candidates = paths(events[index])
    if candidates:
        path = draw(st.sampled_from(candidates))
        action = draw(st.sampled_from(["delete", "set"]))
        events[index] = mutate(events[index], path, action, draw(st.sampled_from(WRONG_VALUES)))
    else:
        events[index] = draw(st.sampled_from(WRONG_VALUES))
    return kind, _serve_events(events)


@FUZZ
@given(case=broken_stream())
def test_broken_stream_events_raise_only_typed_errors(case: tuple[str, bytes]) -> None:
    kind, body = case
    client = _client(200, body, "text/event-stream")
    try:
        if kind == "chat":
            with client.chat.completions.create(model="x/y", messages=HI, stream=True) as stream:
                for chunk in stream:
                    _ = [(c.delta, c.finish_reason) for c in chunk.choices], chunk.usage
        else:
            with client.responses.create(model="x/y", input="hi", stream=True) as stream:
                for event in stream:
                    _ = event.type
    except OpenRouterError as exc:
        note(f"typed error: {type(exc).__name__}")
    else:
        note("parsed")


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b'{"error":{"code":502,"message":"x"}}',
                b'{"error":"x"}',
                b"<html>502</html>",
                b"data: {broken\n\n",
                b"data: [1,2]\n\n",
                b"data: null\n\n",
                b'data: {"choices": 5}\n\n',
            ]
        ),
    ),
    content_type=st.sampled_from(["text/event-stream", "application/json", "text/html"]),
)
def test_any_body_on_a_stream_raises_only_typed_errors(body: bytes, content_type: str) -> None:
    client = _client(200, body, content_type)
    try:
        with client.chat.completions.create(model="x/y", messages=HI, stream=True) as stream:
            for chunk in stream:
                _ = [(c.delta, c.finish_reason) for c in chunk.choices], chunk.usage
    except OpenRouterError as exc:
        note(f"typed error: {type(exc).__name__}")
    else:
        note("parsed")
