"""embeddings.create(vector_type="array"): float32 arrays straight from the base64 bytes."""

from __future__ import annotations

import base64
import json
import sys
from array import array
from typing import Any

import httpx
import numpy as np
import pytest
from core_support import make_async_client, make_client
from openrouter_kit import InvalidRequestError
from openrouter_kit.errors import ResponseValidationError
from openrouter_kit.types import Float32Embedding, Float32EmbeddingResponse
from openrouter_kit.types import embeddings as embeddings_types

# values exactly representable in float32, so list and array results compare equal
VECTORS = [[0.5, -1.0, 0.25, 3.0], [1.5, 2.0, -0.125, 0.0], [-4.0, 0.75, 8.0, -0.5]]


def b64(vector: list[float]) -> str:
    return base64.b64encode(array("f", vector).tobytes()).decode()


def answer(request: httpx.Request) -> httpx.Response:
    """Vectors in the format the request asked for, listed out of input order."""
    wire = json.loads(request.content).get("encoding_format", "float")
    data = [
        {"object": "embedding", "index": i, "embedding": b64(v) if wire == "base64" else v}
        for i, v in enumerate(VECTORS)
    ]
    data[0]["model_specific"] = {"kept": True}  # a field this library does not name
    return httpx.Response(
        200,
        json={
            "id": "gen-emb-x",
            "object": "list",
            "data": data[::-1],
            "model": "openai/text-embedding-3-small",
            "provider": "OpenAI",
            "usage": {"prompt_tokens": 3, "total_tokens": 3, "cost": 2e-7},
        },
    )


@pytest.mark.parametrize("wire", ["base64", "float"])
def test_array_vectors_in_input_order_from_either_wire_format(wire: str) -> None:
    client, seen = make_client(answer)
    result = client.embeddings.create(
        model="openai/text-embedding-3-small",
        input=["a", "b", "c"],
        vector_type="array",
        encoding_format=wire,  # type: ignore[arg-type]
    )
    assert isinstance(result, Float32EmbeddingResponse)
    assert all(isinstance(v, array) and v.typecode == "f" for v in result.vectors)
    assert [v.tolist() for v in result.vectors] == VECTORS
    # the option is the client's: it never reaches the wire
    assert seen.last_json() == {
        "model": "openai/text-embedding-3-small",
        "input": ["a", "b", "c"],
        "encoding_format": wire,
    }
    assert result.usage is not None and result.usage.cost == 2e-7
    assert result.provider == "OpenAI"


def test_default_wire_is_base64_and_nothing_received_is_dropped() -> None:
    client, seen = make_client(answer)
    result = client.embeddings.create(model="e/x", input=["a", "b", "c"], vector_type="array")
    assert seen.last_json()["encoding_format"] == "base64"
    first = next(item for item in result.data if item.index == 0)
    assert isinstance(first, Float32Embedding)
    assert first.model_extra == {"model_specific": {"kept": True}}
    # dumps are plain JSON: the arrays become lists of floats
    wire = result.to_dict()
    assert sorted(wire["data"], key=lambda d: d["index"])[0] == {
        "index": 0,
        "object": "embedding",
        "embedding": VECTORS[0],
        "model_specific": {"kept": True},
    }
    assert json.loads(result.model_dump_json())["data"][-1]["embedding"] == VECTORS[0]


def test_lists_and_arrays_hold_the_same_values() -> None:
    client, _ = make_client(answer)
    lists = client.embeddings.create(model="e/x", input=["a", "b", "c"]).vectors
    arrays = client.embeddings.create(model="e/x", input=["a", "b", "c"], vector_type="array")
    assert [list(v) for v in arrays.vectors] == lists == VECTORS


def test_to_numpy_stacks_the_vectors_for_both_result_types() -> None:
    client, _ = make_client(answer)
    for vector_type in ("array", "list"):
        matrix = client.embeddings.create(
            model="e/x",
            input=["a", "b", "c"],
            vector_type=vector_type,  # type: ignore[call-overload]
        ).to_numpy()
        assert matrix.dtype == np.float32 and matrix.shape == (3, 4)
        assert matrix.tolist() == VECTORS


def test_to_numpy_refuses_ragged_vectors() -> None:
    result = Float32EmbeddingResponse.from_wire(
        {"data": [{"index": 0, "embedding": b64([1.0, 2.0])}, {"index": 1, "embedding": [1.0]}]}
    )
    with pytest.raises(ValueError, match="one length"):
        result.to_numpy()


def test_an_unknown_vector_type_is_refused_before_sending() -> None:
    client, seen = make_client(answer)
    with pytest.raises(InvalidRequestError) as caught:
        client.embeddings.create(model="e/x", input="a", vector_type="numpy")  # type: ignore[call-overload]
    assert caught.value.field == "vector_type" and "'list' or 'array'" in str(caught.value)
    assert seen.requests == []


@pytest.mark.parametrize(
    "embedding",
    ["not base64!", b64([1.0])[:-2] + "=A", base64.b64encode(b"abc").decode(), ["x"], 7],
)
def test_a_malformed_vector_is_a_validation_error(embedding: Any) -> None:
    client, _ = make_client(
        lambda r: httpx.Response(200, json={"data": [{"index": 0, "embedding": embedding}]})
    )
    with pytest.raises(ResponseValidationError, match="embedding"):
        client.embeddings.create(model="e/x", input="a", vector_type="array")


def test_hooks_see_the_operation_name_so_cost_and_budgets_apply() -> None:
    seen_names: list[str] = []

    class Recorder:
        def before_request(self, endpoint: str, body: Any) -> None:
            seen_names.append(endpoint)

        def after_response(self, endpoint: str, body: Any, result: Any) -> None:
            seen_names.append(f"{endpoint} -> {type(result).__name__}")

    client, _ = make_client(answer)
    client.hooks.append(Recorder())
    client.embeddings.create(model="e/x", input=["a"], vector_type="array")
    assert seen_names == ["embeddings.create", "embeddings.create -> Float32EmbeddingResponse"]


def test_repr_stays_short_for_large_vectors() -> None:
    big = [[0.5] * 1536 for _ in range(256)]
    result = Float32EmbeddingResponse.from_wire(
        {"data": [{"index": i, "embedding": b64(v)} for i, v in enumerate(big)]}
    )
    text = repr(result)
    assert len(text) < 2000 and "array('f'" in text and "more" in text


def test_to_numpy_without_numpy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if numpy were not installed
    result = Float32EmbeddingResponse.from_wire({"data": [{"embedding": b64([1.0])}]})
    with pytest.raises(ImportError, match="pip install numpy"):
        result.to_numpy()


def test_vectors_hold_the_wire_values_in_native_byte_order() -> None:
    result = Float32EmbeddingResponse.from_wire({"data": [{"embedding": b64(VECTORS[0])}]})
    assert result.vectors[0].tobytes() == array("f", VECTORS[0]).tobytes()


def test_a_big_endian_host_swaps_the_little_endian_wire_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A big-endian host reads the little-endian wire bytes back to front. Simulated on any
    # host: the big-endian flag set, and the wire holding this host's bytes reversed (on a
    # big-endian host, exactly the real wire).
    monkeypatch.setattr(embeddings_types, "_BIG_ENDIAN", True)
    reversed_order = array("f", VECTORS[0])
    reversed_order.byteswap()
    wire = base64.b64encode(reversed_order.tobytes()).decode()
    assert embeddings_types.decode_float32(wire).tolist() == VECTORS[0]
    assert embeddings_types.decode_vector(wire) == VECTORS[0]


async def test_async_client_returns_arrays_too() -> None:
    client, _ = make_async_client(answer)
    result = await client.embeddings.create(model="e/x", input=["a"], vector_type="array")
    assert isinstance(result, Float32EmbeddingResponse)
    assert [v.tolist() for v in result.vectors] == VECTORS


def test_against_the_emulator_arrays_match_lists_and_cost_is_tracked() -> None:
    # end to end through the in-process emulator: its base64 float32 answer, the cost hook
    from openrouter_kit import CostTracker, OpenRouter

    with OpenRouter(base_url="emulator://") as client:
        tracker = CostTracker().attach(client)
        texts = ["bees make wax", "honey is sweet", "hives hum"]
        lists = client.embeddings.create(model="openai/text-embedding-3-small", input=texts)
        arrays = client.embeddings.create(
            model="openai/text-embedding-3-small", input=texts, vector_type="array"
        )
    assert len(arrays.vectors) == 3 and len(arrays.vectors[0]) == len(lists.vectors[0]) > 100
    # the emulator's vectors are float32 on the wire: both readings hold the same values
    assert [v.tolist() for v in arrays.vectors] == lists.vectors
    assert arrays.usage is not None and lists.usage is not None
    assert lists.usage.cost and arrays.usage.cost
    assert tracker.total_cost == pytest.approx(lists.usage.cost + arrays.usage.cost)
    assert [c.endpoint for c in tracker.calls] == ["embeddings.create"] * 2
