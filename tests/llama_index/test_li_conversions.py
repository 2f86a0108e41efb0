"""Pure conversions LlamaIndex <-> wire, without any client or transport."""

from __future__ import annotations

import base64
import json

from llama_index.core.base.llms.types import (
    AudioBlock,
    CacheControl,
    CachePoint,
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.tools import FunctionTool
from llama_index.llms.openrouter_kit.base import json_schema_response_format
from llama_index.llms.openrouter_kit.utils import (
    merge_reasoning_details,
    resolve_tool_choice,
    to_wire_message,
    to_wire_messages,
    to_wire_tool,
)
from pydantic import BaseModel

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_text_messages_become_plain_strings_with_wire_roles() -> None:
    wire = to_wire_messages(
        [
            ChatMessage(role=MessageRole.SYSTEM, content="be brief"),
            ChatMessage(role=MessageRole.USER, content="hi"),
            ChatMessage(role=MessageRole.CHATBOT, content="hello"),
        ]
    )
    assert wire == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]


def test_image_url_passes_through_and_bytes_become_a_data_url() -> None:
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="what is this?"),
            ImageBlock(url="https://example.com/cat.png", detail="low"),
            ImageBlock(image=PNG_1X1),
        ],
    )
    parts = to_wire_message(message)["content"]
    assert parts[0] == {"type": "text", "text": "what is this?"}
    assert parts[1] == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/cat.png", "detail": "low"},
    }
    assert parts[2]["image_url"]["url"].startswith("data:image/png;base64,")
    assert base64.b64decode(parts[2]["image_url"]["url"].split(",", 1)[1]) == PNG_1X1


def test_document_and_audio_blocks() -> None:
    message = ChatMessage(
        role="user",
        blocks=[
            DocumentBlock(
                data=b"%PDF-1.4 test", title="report.pdf", document_mimetype="application/pdf"
            ),
            DocumentBlock(url="https://example.com/paper.pdf"),
            AudioBlock(audio=b"RIFF....WAVEfmt ", format="wav"),
        ],
    )
    doc, doc_url, audio = to_wire_message(message)["content"]
    assert doc["type"] == "file"
    assert doc["file"]["filename"] == "report.pdf"
    assert doc["file"]["file_data"].startswith("data:application/pdf;base64,")
    assert doc_url == {
        "type": "file",
        "file": {"filename": "paper.pdf", "file_data": "https://example.com/paper.pdf"},
    }
    assert audio["type"] == "input_audio"
    assert audio["input_audio"]["format"] == "wav"
    assert base64.b64decode(audio["input_audio"]["data"]) == b"RIFF....WAVEfmt "


def test_cache_point_marks_the_part_before_it() -> None:
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="long context"),
            CachePoint(cache_control=CacheControl(type="ephemeral")),
            TextBlock(text="question"),
        ],
    )
    parts = to_wire_message(message)["content"]
    assert parts == [
        {"type": "text", "text": "long context", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "question"},
    ]


def test_assistant_tool_calls_and_tool_results() -> None:
    assistant = ChatMessage(
        role="assistant",
        blocks=[
            ToolCallBlock(tool_call_id="call_1", tool_name="add", tool_kwargs={"a": 1, "b": 2}),
            ToolCallBlock(tool_call_id="call_2", tool_name="echo", tool_kwargs='{"x": "é"}'),
        ],
    )
    tool = ChatMessage(role="tool", content="3", additional_kwargs={"tool_call_id": "call_1"})
    wire_assistant, wire_tool = to_wire_messages([assistant, tool])
    assert wire_assistant == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
            },
            # a string is sent byte for byte, not re-encoded
            {
                "id": "call_2",
                "type": "function",
                "function": {"name": "echo", "arguments": '{"x": "é"}'},
            },
        ],
    }
    assert wire_tool == {"role": "tool", "content": "3", "tool_call_id": "call_1"}


def test_legacy_additional_kwargs_tool_calls_are_sent() -> None:
    message = ChatMessage(
        role="assistant",
        content="",
        additional_kwargs={
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ]
        },
    )
    wire = to_wire_message(message)
    assert wire["tool_calls"] == [
        {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    ]


def test_reasoning_details_are_sent_back_once() -> None:
    details = [
        {
            "type": "reasoning.encrypted",
            "data": "gAAA",
            "id": "rs_1",
            "format": "openai-responses-v1",
            "index": 0,
        }
    ]
    message = ChatMessage(
        role="assistant",
        blocks=[
            ThinkingBlock(
                content="thinking...", additional_information={"reasoning_details": details}
            ),
            TextBlock(text="answer"),
        ],
        additional_kwargs={"reasoning_details": details},
    )
    wire = to_wire_message(message)
    assert wire == {"role": "assistant", "content": "answer", "reasoning_details": details}


def test_reasoning_details_recovered_from_thinking_blocks_alone() -> None:
    details = [
        {
            "type": "reasoning.text",
            "text": "hm",
            "signature": "sig",
            "format": "anthropic-claude-v1",
            "index": 0,
        }
    ]
    message = ChatMessage(
        role="assistant",
        blocks=[
            ThinkingBlock(content="hm", additional_information={"reasoning_details": details}),
            TextBlock(text="a"),
        ],
    )
    assert to_wire_message(message)["reasoning_details"] == details


def test_plain_thinking_without_details_goes_as_reasoning_text() -> None:
    message = ChatMessage(
        role="assistant", blocks=[ThinkingBlock(content="because"), TextBlock(text="a")]
    )
    assert to_wire_message(message) == {"role": "assistant", "content": "a", "reasoning": "because"}


def test_streamed_reasoning_fragments_merge_into_whole_entries() -> None:
    merged: list[dict] = []
    merge_reasoning_details(
        merged, [{"type": "reasoning.text", "text": "", "signature": "", "format": "f", "index": 0}]
    )
    merge_reasoning_details(
        merged, [{"type": "reasoning.text", "text": "Two plus ", "format": "f", "index": 0}]
    )
    merge_reasoning_details(
        merged, [{"type": "reasoning.text", "text": "two.", "format": "f", "index": 0}]
    )
    merge_reasoning_details(
        merged, [{"type": "reasoning.text", "signature": "SIG", "format": "f", "index": 0}]
    )
    merge_reasoning_details(merged, [{"type": "reasoning.encrypted", "data": "abc", "index": 1}])
    assert merged == [
        {
            "type": "reasoning.text",
            "text": "Two plus two.",
            "signature": "SIG",
            "format": "f",
            "index": 0,
        },
        {"type": "reasoning.encrypted", "data": "abc", "index": 1},
    ]


def _add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_tools_strict_and_tool_choice() -> None:
    tool = FunctionTool.from_defaults(fn=_add)
    loose = to_wire_tool(tool)
    strict = to_wire_tool(tool, strict=True)
    assert loose["function"]["name"] == "_add"
    assert "strict" not in loose["function"]
    assert strict["function"]["strict"] is True
    assert strict["function"]["parameters"]["additionalProperties"] is False
    assert set(strict["function"]["parameters"]["required"]) == {"a", "b"}
    assert resolve_tool_choice(None, tool_required=False) == "auto"
    assert resolve_tool_choice(None, tool_required=True) == "required"
    assert resolve_tool_choice("_add", tool_required=False) == {
        "type": "function",
        "function": {"name": "_add"},
    }
    assert resolve_tool_choice("none", tool_required=True) == "none"


class _Track(BaseModel):
    title: str
    seconds: int = 0


class _Album(BaseModel):
    name: str
    tracks: list[_Track]
    label: str | None = None


class _Tagged(BaseModel):
    name: str
    counts: dict[str, int]


def test_json_schema_response_format_is_strict_when_possible() -> None:
    strict = json_schema_response_format(_Album)["json_schema"]
    assert strict["strict"] is True and strict["name"] == "_Album"
    schema = strict["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"name", "tracks", "label"}
    track = schema["$defs"]["_Track"]
    assert track["additionalProperties"] is False and set(track["required"]) == {"title", "seconds"}
    assert "default" not in json.dumps(schema)


def test_json_schema_with_a_free_form_dict_is_not_strict() -> None:
    loose = json_schema_response_format(_Tagged)["json_schema"]
    assert loose["strict"] is False
    assert loose["schema"] == _Tagged.model_json_schema()
