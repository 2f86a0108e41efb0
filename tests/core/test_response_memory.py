"""Reading answers keeps no values alive: pydantic-core's process-wide string cache holds keys
only (bench/README.md: caching every short value cost ~0.5 MB of peak memory for no speed)."""

from __future__ import annotations

from openrouter_kit.types.chat import ChatCompletion, ChatCompletionChunk

BODY = b'{"id":"gen-1","model":"openai/gpt-4o-mini","choices":[{"message":{"content":"short"}}]}'


def test_values_are_not_interned_by_the_parser_keys_are() -> None:
    first = ChatCompletion.model_validate_json(BODY)
    second = ChatCompletion.model_validate_json(BODY)
    assert first == second
    # a cached value would be the very same object on the second parse
    assert first.model is not second.model
    assert first.choices[0].message is not None and second.choices[0].message is not None
    assert first.choices[0].message.content is not second.choices[0].message.content


def test_stream_chunks_parse_the_same_way() -> None:
    chunk = b'{"id":"gen-1","choices":[{"delta":{"content":"tok"}}]}'
    validate = ChatCompletionChunk.__pydantic_validator__.validate_json
    one, two = validate(chunk), validate(chunk)
    assert one.id == two.id == "gen-1"
    assert one.id is not two.id
