"""Text tokens become the LangChain objects validation would build, field for field."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from langchain_openrouter_kit._convert import ChunkConverter
from openrouter_kit.types import ChatCompletionChunk


def wire(content: str, chunk_id: str | None = "gen-1", **choice: Any) -> dict[str, Any]:
    return {
        "id": chunk_id,
        "model": "m/x",
        "provider": "P",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, **choice}],
    }


def same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert a == b
    assert a.model_fields_set == b.model_fields_set
    assert a.__dict__ == b.__dict__
    assert a.__pydantic_extra__ == b.__pydantic_extra__
    assert a.__pydantic_private__ == b.__pydantic_private__
    assert a.model_dump() == b.model_dump()


@pytest.mark.parametrize("as_object", [False, True], ids=["wire dict", "core chunk"])
@pytest.mark.parametrize("chunk_id", ["gen-1", None])
def test_text_tokens_give_the_validated_objects(as_object: bool, chunk_id: str | None) -> None:
    converter = ChunkConverter()
    converter.convert(wire("", chunk_id))  # the first chunk carries the header metadata
    for text in ("Hel", "lo", " world"):
        payload = wire(text, chunk_id)
        got = converter.convert(
            ChatCompletionChunk.model_validate(payload) if as_object else payload
        )
        want = ChatGenerationChunk(message=AIMessageChunk(content=text, id=chunk_id))
        assert got is not None
        same(got, want)
        same(got.message, want.message)
        assert got.text == text


def test_prebuilt_chunks_share_nothing_and_add_up_like_validated_ones() -> None:
    converter = ChunkConverter()
    converter.convert(wire(""))
    first, second = (converter.convert(wire(t)) for t in ("a", "b"))
    assert first is not None and second is not None
    for name in ("additional_kwargs", "response_metadata", "tool_calls", "tool_call_chunks"):
        assert getattr(first.message, name) is not getattr(second.message, name)
    first.message.additional_kwargs["k"] = 1
    first.message.tool_calls.append({"name": "f", "args": {}, "id": "1", "type": "tool_call"})
    assert second.message.additional_kwargs == {} and second.message.tool_calls == []
    summed = converter.convert(wire("x")) + converter.convert(wire("y"))  # type: ignore[operator]
    reference = ChatGenerationChunk(message=AIMessageChunk(content="x", id="gen-1")) + (
        ChatGenerationChunk(message=AIMessageChunk(content="y", id="gen-1"))
    )
    same(summed, reference)


def test_a_chunk_with_more_than_text_is_still_validated() -> None:
    converter = ChunkConverter()
    converter.convert(wire(""))
    got = converter.convert(wire("", finish_reason="stop"))
    assert got is not None
    assert got.generation_info == {"finish_reason": "stop"}
    assert got.message.response_metadata["finish_reason"] == "stop"
