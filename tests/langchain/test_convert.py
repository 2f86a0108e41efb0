"""The pure conversion functions, one rule at a time (no client, no transport)."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_openrouter_kit._convert import (
    ChunkConverter,
    completion_to_chat_result,
    content_to_wire,
    merge_reasoning_details,
    message_to_wire,
    parse_tool_calls,
    tool_choice_to_wire,
    usage_to_metadata,
)

# ---- requests --------------------------------------------------------------------------


def test_plain_messages_become_role_dicts() -> None:
    assert message_to_wire(SystemMessage("be brief")) == {"role": "system", "content": "be brief"}
    assert message_to_wire(HumanMessage("hi", name="ann")) == {
        "role": "user",
        "content": "hi",
        "name": "ann",
    }
    assert message_to_wire(ToolMessage("42", tool_call_id="call_1")) == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": "42",
    }


def test_assistant_tool_calls_are_sent_with_null_content() -> None:
    message = AIMessage(
        content="",
        tool_calls=[{"id": "call_1", "name": "add", "args": {"a": 1, "b": 2}}],
    )
    wire = message_to_wire(message)
    assert wire["content"] is None
    assert wire["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
        }
    ]


def test_invalid_tool_calls_are_sent_back_verbatim() -> None:
    message = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "id": "call_9",
                "name": "add",
                "args": "{not json",
                "error": "bad",
                "type": "invalid_tool_call",
            }
        ],
    )
    assert message_to_wire(message)["tool_calls"] == [
        {"id": "call_9", "type": "function", "function": {"name": "add", "arguments": "{not json"}}
    ]


def test_reasoning_details_are_replayed_merged_and_intact() -> None:
    fragments = [
        {
            "type": "reasoning.text",
            "text": "th",
            "signature": "",
            "format": "anthropic-claude-v1",
            "index": 0,
        },
        {"type": "reasoning.text", "text": "ink", "index": 0},
        {"type": "reasoning.text", "signature": "sig==", "index": 0},
    ]
    wire = message_to_wire(AIMessage("done", additional_kwargs={"reasoning_details": fragments}))
    assert wire["reasoning_details"] == [
        {
            "type": "reasoning.text",
            "text": "think",
            "signature": "sig==",
            "format": "anthropic-claude-v1",
            "index": 0,
        }
    ]
    assert "reasoning" not in wire


def test_reasoning_text_without_details_is_sent_as_reasoning() -> None:
    wire = message_to_wire(AIMessage("x", additional_kwargs={"reasoning_content": "because"}))
    assert wire["reasoning"] == "because"


def test_merge_keeps_types_sharing_an_index_apart() -> None:
    details = [
        {"type": "reasoning.summary", "summary": "s", "index": 0, "format": "openai-responses-v1"},
        {"type": "reasoning.encrypted", "data": "enc", "index": 0, "id": "rs_1"},
    ]
    assert merge_reasoning_details(details) == details


def test_multimodal_blocks_become_chat_completions_parts() -> None:
    content = [
        {"type": "text", "text": "look", "cache_control": {"type": "ephemeral"}},
        {"type": "image", "url": "https://x/cat.png"},
        {"type": "image", "base64": "AAA", "mime_type": "image/png"},
        {"type": "image", "source_type": "base64", "data": "BBB", "mime_type": "image/jpeg"},
        {"type": "file", "base64": "JVBER", "mime_type": "application/pdf", "filename": "a.pdf"},
        {"type": "file", "url": "https://x/doc.pdf", "mime_type": "application/pdf"},
        {"type": "audio", "base64": "UklG", "mime_type": "audio/wav"},
        {"type": "video", "url": "https://x/clip.mp4"},
        {"type": "image_url", "image_url": {"url": "https://x/raw.png", "detail": "low"}},
    ]
    assert content_to_wire(content) == [
        {"type": "text", "text": "look", "cache_control": {"type": "ephemeral"}},
        {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}},
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,BBB"}},
        {
            "type": "file",
            "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBER"},
        },
        {"type": "file", "file": {"filename": "document", "file_data": "https://x/doc.pdf"}},
        {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
        {"type": "video_url", "video_url": {"url": "https://x/clip.mp4"}},
        {"type": "image_url", "image_url": {"url": "https://x/raw.png", "detail": "low"}},
    ]


def test_cache_control_on_an_image_block_survives() -> None:
    part = content_to_wire(
        [
            {
                "type": "image",
                "url": "https://x/a.png",
                "extras": {"cache_control": {"type": "ephemeral"}},
            }
        ]
    )[0]
    assert part["cache_control"] == {"type": "ephemeral"}


def test_file_ids_are_rejected_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="file ids are not supported"):
        content_to_wire([{"type": "file", "file_id": "file-123"}])


def test_assistant_content_drops_reasoning_and_tool_blocks() -> None:
    content = [
        {"type": "reasoning", "reasoning": "hmm"},
        {"type": "text", "text": "answer"},
        {"type": "tool_call", "id": "c", "name": "f", "args": {}},
    ]
    assert content_to_wire(content, assistant=True) == [{"type": "text", "text": "answer"}]


@pytest.mark.parametrize(
    ("choice", "names", "expected"),
    [
        ("auto", ["a", "b"], "auto"),
        ("none", ["a"], "none"),
        ("required", ["a"], "required"),
        ("any", ["a", "b"], "required"),
        (True, ["only"], {"type": "function", "function": {"name": "only"}}),
        (True, ["a", "b"], "required"),
        ("a", ["a", "b"], {"type": "function", "function": {"name": "a"}}),
        (
            {"type": "function", "function": {"name": "b"}},
            ["b"],
            {"type": "function", "function": {"name": "b"}},
        ),
        (None, ["a"], None),
        (False, ["a"], None),
    ],
)
def test_tool_choice_spellings(choice: object, names: list[str], expected: object) -> None:
    assert tool_choice_to_wire(choice, names) == expected


# ---- responses -------------------------------------------------------------------------


def test_usage_maps_cache_and_reasoning_details() -> None:
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "total_tokens": 120,
        "prompt_tokens_details": {"cached_tokens": 60, "cache_write_tokens": 30, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 12.0},
    }
    assert usage_to_metadata(usage) == {
        "input_tokens": 100,
        "output_tokens": 20,
        "total_tokens": 120,
        "input_token_details": {"cache_read": 60, "cache_creation": 30, "audio": 0},
        "output_token_details": {"reasoning": 12},
    }
    assert usage_to_metadata(None) is None


def test_bad_tool_arguments_become_invalid_tool_calls() -> None:
    calls, invalid = parse_tool_calls(
        [
            {"id": "1", "function": {"name": "ok", "arguments": '{"x": 1}'}},
            {"id": "2", "function": {"name": "broken", "arguments": '{"x": '}},
            {"id": "3", "function": {"name": "list", "arguments": "[1]"}},
            {"id": "4", "function": {"name": "noargs"}},
        ]
    )
    assert [(c["id"], c["args"]) for c in calls] == [("1", {"x": 1}), ("4", {})]
    assert [(c["id"], c["args"]) for c in invalid] == [("2", '{"x": '), ("3", "[1]")]


COMPLETION = {
    "id": "gen-1-abc",
    "model": "google/gemini-2.5-flash",
    "provider": "Google AI Studio",
    "created": 1,
    "system_fingerprint": "fp_1",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "native_finish_reason": "STOP",
            "message": {
                "role": "assistant",
                "content": "Paris is the capital.",
                "reasoning": "think",
                "reasoning_details": [{"type": "reasoning.text", "text": "think", "index": 0}],
                "annotations": [
                    {
                        "type": "url_citation",
                        "url_citation": {
                            "url": "https://fr.wiki",
                            "title": "Paris",
                            "start_index": 0,
                            "end_index": 5,
                        },
                    }
                ],
                "images": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}}
                ],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 5,
        "completion_tokens": 7,
        "total_tokens": 12,
        "cost": 0.0001,
        "is_byok": False,
        "cost_details": {"upstream_inference_cost": 0.0001},
    },
}


def test_completion_metadata_and_content_blocks() -> None:
    message = completion_to_chat_result(COMPLETION).generations[0].message
    assert isinstance(message, AIMessage)
    assert message.response_metadata == {
        "model_provider": "openrouter",
        "model_name": "google/gemini-2.5-flash",
        "provider": "Google AI Studio",
        "id": "gen-1-abc",
        "created": 1,
        "system_fingerprint": "fp_1",
        "finish_reason": "stop",
        "native_finish_reason": "STOP",
        "cost": 0.0001,
        "is_byok": False,
        "cost_details": {"upstream_inference_cost": 0.0001},
    }
    blocks = message.content_blocks
    assert [block["type"] for block in blocks] == ["reasoning", "text", "image"]
    assert blocks[0]["reasoning"] == "think"
    assert blocks[1]["annotations"] == [
        {
            "type": "citation",
            "url": "https://fr.wiki",
            "title": "Paris",
            "start_index": 0,
            "end_index": 5,
        }
    ]
    assert blocks[2] == {"type": "image", "base64": "iVBO", "mime_type": "image/png"}


def _stream(events: list[dict]) -> AIMessageChunk:
    converter = ChunkConverter()
    chunks = [c for c in (converter.convert(e) for e in events) if c is not None]
    message = chunks[0].message
    for chunk in chunks[1:]:
        message = message + chunk.message
    assert isinstance(message, AIMessageChunk)
    return message


def _event(delta: dict | None = None, finish: str | None = None, **top: object) -> dict:
    base = {"id": "gen-9", "model": "m/x", "provider": "P", "created": 1}
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    if finish:
        choices[0]["native_finish_reason"] = finish.upper()
    return {**base, "choices": choices, **top}


def test_stream_emits_metadata_once_even_when_finish_repeats_with_usage() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "cost": 0.5}
    message = _stream(
        [
            _event({"role": "assistant", "content": "Hel"}),
            _event({"content": "lo"}),
            _event({"content": ""}, finish="stop"),
            _event({"content": ""}, finish="stop", usage=usage),  # shape (b) of the usage chunk
        ]
    )
    assert message.content == "Hello"
    meta = message.response_metadata
    assert (meta["model_name"], meta["provider"], meta["id"]) == ("m/x", "P", "gen-9")
    assert (meta["finish_reason"], meta["native_finish_reason"]) == ("stop", "STOP")
    assert meta["cost"] == 0.5
    assert message.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}


def test_stream_tool_call_chunks_assemble() -> None:
    message = _stream(
        [
            _event(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "add", "arguments": ""},
                        }
                    ]
                }
            ),
            _event({"tool_calls": [{"index": 0, "function": {"arguments": '{"a": 1,'}}]}),
            _event({"tool_calls": [{"index": 0, "function": {"arguments": ' "b": 2}'}}]}),
            _event(
                {
                    "tool_calls": [
                        {"index": 1, "id": "c2", "function": {"name": "neg", "arguments": "{}"}}
                    ]
                }
            ),
            _event(
                {},
                finish="tool_calls",
                usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            ),
        ]
    )
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        ("c1", "add", {"a": 1, "b": 2}),
        ("c2", "neg", {}),
    ]
    assert len(message.tool_call_chunks) == 2


def test_stream_reasoning_fragments_merge_into_the_wire_entries() -> None:
    fragments = [
        {
            "type": "reasoning.summary",
            "summary": "Plan",
            "index": 0,
            "format": "openai-responses-v1",
        },
        {
            "type": "reasoning.summary",
            "summary": " it",
            "index": 0,
            "format": "openai-responses-v1",
        },
        {
            "type": "reasoning.encrypted",
            "data": "gAAA",
            "index": 0,
            "id": "rs_1",
            "format": "openai-responses-v1",
        },
        {
            "type": "reasoning.encrypted",
            "data": "BBB",
            "index": 0,
            "id": "rs_1",
            "format": "openai-responses-v1",
        },
    ]
    message = _stream(
        [_event({"reasoning_details": [f]}) for f in fragments]
        + [_event({"content": "ok"}, finish="stop")]
    )
    expected = [
        {
            "type": "reasoning.summary",
            "summary": "Plan it",
            "index": 0,
            "format": "openai-responses-v1",
        },
        {
            "type": "reasoning.encrypted",
            "data": "gAAABBB",
            "index": 0,
            "id": "rs_1",
            "format": "openai-responses-v1",
        },
    ]
    # What is sent back on the next turn is exactly the merged wire entries.
    assert message_to_wire(message)["reasoning_details"] == expected
    assert [b["type"] for b in message.content_blocks] == ["reasoning", "reasoning", "text"]


def test_stream_keeps_format_intact_across_fragments() -> None:
    message = _stream(
        [
            _event(
                {
                    "reasoning_details": [
                        {
                            "type": "reasoning.text",
                            "text": "a",
                            "format": "anthropic-claude-v1",
                            "index": 0,
                        }
                    ]
                }
            ),
            _event(
                {
                    "reasoning_details": [
                        {
                            "type": "reasoning.text",
                            "text": "b",
                            "format": "anthropic-claude-v1",
                            "index": 0,
                        }
                    ]
                }
            ),
            _event(
                {
                    "reasoning_details": [
                        {
                            "type": "reasoning.text",
                            "signature": "S",
                            "format": "anthropic-claude-v1",
                            "index": 0,
                        }
                    ]
                }
            ),
        ]
    )
    assert message.additional_kwargs["reasoning_details"] == [
        {
            "type": "reasoning.text",
            "text": "ab",
            "format": "anthropic-claude-v1",
            "index": 0,
            "signature": "S",
        }
    ]


def test_tool_call_arguments_round_trip_as_json() -> None:
    message = AIMessage("", tool_calls=[{"id": "c", "name": "f", "args": {"q": "naïve ☃"}}])
    sent = message_to_wire(message)["tool_calls"][0]["function"]["arguments"]
    assert json.loads(sent) == {"q": "naïve ☃"}


def test_audio_output_becomes_an_audio_block() -> None:
    body = dict(COMPLETION)
    body["choices"] = [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {
                "role": "assistant",
                "content": "",
                "audio": {"id": "audio_1", "data": "UklGRg==", "transcript": "hi there"},
            },
        }
    ]
    message = completion_to_chat_result(body).generations[0].message
    assert message.content_blocks == [
        {
            "type": "audio",
            "base64": "UklGRg==",
            "id": "audio_1",
            "extras": {"transcript": "hi there"},
        }
    ]


def test_anthropic_format_history_converts() -> None:
    """A ChatAnthropic-style history: source images/documents, tool_use and thinking blocks."""
    human = HumanMessage(
        [
            {"type": "text", "text": "what is this?", "cache_control": {"type": "ephemeral"}},
            {
                "type": "image",
                "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"},
            },
            {"type": "image", "source": {"type": "url", "url": "https://x/a.png"}},
            {
                "type": "document",
                "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"},
            },
        ]
    )
    assert message_to_wire(human)["content"] == [
        {"type": "text", "text": "what is this?", "cache_control": {"type": "ephemeral"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
        {"type": "image_url", "image_url": {"url": "https://x/a.png"}},
        {
            "type": "file",
            "file": {"filename": "document", "file_data": "data:application/pdf;base64,JVBER"},
        },
    ]
    assistant = AIMessage(
        [
            {"type": "thinking", "thinking": "Let me look.", "signature": "sig=="},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "text", "text": "Calling the tool"},
            {"type": "tool_use", "id": "toolu_1", "name": "pick", "input": {"c": "red"}},
        ],
        tool_calls=[{"id": "toolu_1", "name": "pick", "args": {"c": "red"}}],
    )
    wire = message_to_wire(assistant)
    assert wire["content"] == [{"type": "text", "text": "Calling the tool"}]
    assert wire["tool_calls"][0]["id"] == "toolu_1"
    assert wire["reasoning_details"] == [
        {
            "type": "reasoning.text",
            "text": "Let me look.",
            "signature": "sig==",
            "format": "anthropic-claude-v1",
            "index": 0,
        },
        {
            "type": "reasoning.encrypted",
            "data": "opaque",
            "format": "anthropic-claude-v1",
            "index": 1,
        },
    ]


def test_v1_reasoning_blocks_alone_are_enough_to_replay() -> None:
    """A v1 message stored without additional_kwargs still sends its reasoning back."""
    original = completion_to_chat_result(COMPLETION).generations[0].message
    stored = AIMessage(content=original.content_blocks)  # content blocks only
    assert (
        message_to_wire(stored)["reasoning_details"]
        == COMPLETION["choices"][0]["message"]["reasoning_details"]
    )
