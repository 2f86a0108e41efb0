"""The stream's prebuilt objects are the ones validation would build, field for field."""

from __future__ import annotations

import pytest
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole, TextBlock
from llama_index.llms.openrouter_kit.utils import StreamAccumulator


def chunk(content: str, **choice: object) -> dict[str, object]:
    """A streamed chunk's wire dict, as the core's ``wire_dicts()`` yields it."""
    return {
        "id": "gen-1",
        "model": "m/x",
        "provider": "P",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, **choice}],
    }


def validated(text: str, delta: str, raw: object, additional: dict[str, object]) -> ChatResponse:
    message = ChatMessage(
        role=MessageRole.ASSISTANT, blocks=[TextBlock(text=text)], additional_kwargs={}
    )
    return ChatResponse(message=message, delta=delta, raw=raw, additional_kwargs=additional)


def same(a: object, b: object) -> None:
    assert type(a) is type(b)
    assert a == b
    assert a.model_fields_set == b.model_fields_set  # type: ignore[attr-defined]
    assert a.__dict__.keys() == b.__dict__.keys()
    assert a.__pydantic_extra__ == b.__pydantic_extra__  # type: ignore[attr-defined]
    assert a.__pydantic_private__ == b.__pydantic_private__  # type: ignore[attr-defined]


def test_text_tokens_give_the_validated_objects() -> None:
    accumulator = StreamAccumulator()
    text = ""
    chunks = [chunk("Hel"), chunk("lo"), chunk("", finish_reason="stop")]
    for wire in chunks:
        got = accumulator.add(wire)
        delta = wire["choices"][0]["delta"]["content"]  # type: ignore[index]
        text += delta
        want = validated(text, delta, wire, dict(got.additional_kwargs))
        same(got, want)
        same(got.message, want.message)
        same(got.message.blocks[0], want.message.blocks[0])
        assert got.message.content == text
        assert got.model_dump() == want.model_dump()
    # every response is its own object: nothing is shared between tokens
    first, second = (StreamAccumulator().add(c) for c in chunks[:2])
    assert first.message.blocks is not second.message.blocks
    assert first.additional_kwargs is not second.additional_kwargs


def test_a_prebuilt_message_can_be_changed_like_a_validated_one() -> None:
    response = StreamAccumulator().add(chunk("x"))
    reference = validated("x", "x", None, {}).message
    for message in (response.message, reference):
        message.blocks.append(TextBlock(text="y"))
        message.additional_kwargs["k"] = 1
    assert response.message.content == reference.content == "x\ny"
    assert response.message.model_dump() == reference.model_dump()
    fresh = StreamAccumulator().add(chunk("x"))
    assert fresh.message.content == "x" and fresh.message.additional_kwargs == {}


def test_a_stream_with_logprobs_ends_with_those_of_the_full_answer() -> None:
    from llama_index.core.llms import ChatMessage as Message
    from llama_index.llms.openrouter_kit import OpenRouter

    llm = OpenRouter(
        "openai/gpt-4o-mini",
        api_key="k",
        base_url="emulator://",
        additional_kwargs={"logprobs": True, "top_logprobs": 2},
    )
    question = [Message(role="user", content="What is the capital of France?")]
    full = llm.chat(question)
    responses = list(llm.stream_chat(question))
    assert full.logprobs and responses[-1].logprobs == full.logprobs
    assert responses[-1].message.content == full.message.content
    # each response carries the tokens so far, like its message carries the text so far
    counts = [len(r.logprobs or []) for r in responses]
    assert counts == sorted(counts) and 0 < counts[1] < counts[-1]


def test_templates_with_private_attributes_fall_back_to_one_maker_per_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a LlamaIndex release whose ChatResponse carried private state must not get copies
    # made without it: the one-call maker is only used for plain templates
    from llama_index.llms.openrouter_kit import utils
    from pydantic import PrivateAttr

    class WithPrivate(ChatResponse):
        _seen: int = PrivateAttr(default=0)

    monkeypatch.setattr(utils, "ChatResponse", WithPrivate)
    make = utils._text_token_maker()
    assert make.__name__ == "composed"
    wire = chunk("Hi")
    got = make("Hi", "Hi", wire, {"id": "gen-1"})
    want = validated("Hi", "Hi", wire, {"id": "gen-1"})
    same(got, want)
    same(got.message, want.message)
    assert utils._TEXT_TOKEN_RESPONSE.__name__ == "make"  # today's LlamaIndex: plain templates
