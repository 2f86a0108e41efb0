"""The deterministic "model": turns a normalised conversation into an answer.

Every wire format (/chat/completions, /responses, /messages) converts its request into a
``Conversation`` and renders the ``Answer``. Answers are extractive: the sentence of the
context (system text, earlier turns, tool results, or a "context" block in the question)
that shares the most words with the question is quoted, so RAG demos make sense offline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import schema as schema_fill
from .images import data_url
from .tokens import truncate_to_tokens


@dataclass
class ToolSpec:
    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass
class Turn:
    role: str  # system | user | assistant | tool
    text: str
    tool_name: str | None = None
    tool_calls: list[str] = field(default_factory=list)  # names the assistant called


@dataclass
class Conversation:
    turns: list[Turn]
    tools: list[ToolSpec] = field(default_factory=list)
    tool_choice: str | tuple[str, str] = "auto"  # auto | none | required | ("function", name)
    json_schema: dict[str, Any] | None = None
    json_object: bool = False
    reasoning: bool = False
    images: bool = False
    max_tokens: int | None = None
    stop: list[str] = field(default_factory=list)


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text


@dataclass
class Answer:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    reasoning: str | None = None
    finish: str = "stop"  # stop | tool_calls | length
    images: list[str] = field(default_factory=list)  # data: URLs for image-output models


_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_ARITH = re.compile(r"(-?\d+(?:\.\d+)?)\s*([+\-*/x\u00d7\u00f7])\s*(-?\d+(?:\.\d+)?)")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "did",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "should",
        "so",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "into",
        "give",
        "explain",
        "describe",
        "answer",
        "question",
        "context",
        "based",
        "following",
        "using",
        "use",
        "only",
    ]
)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_words(text: str) -> frozenset[str]:
    """Stemmed non-stop words of ``text`` (cached: RAG contexts repeat across requests)."""
    return _content_words(text) if len(text) < 2000 else _content_words.__wrapped__(text)


@lru_cache(maxsize=8192)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(text) if w not in _STOPWORDS and len(w) > 1)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_LABEL = re.compile(r"^\s*(context|documents?|passages?|sources?)\s*:\s*", re.I)


def _split_question(text: str) -> tuple[str, str]:
    """Separate an inline context block from the question in one user message."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) == 1:
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", lines[0]) if s.strip()]
        if len(sentences) <= 1:
            return "", text.strip()
        questions = [i for i, s in enumerate(sentences) if s.endswith("?")]
        q = questions[-1] if questions else len(sentences) - 1
        rest = [_LABEL.sub("", s) for i, s in enumerate(sentences) if i != q]
        return "\n".join(rest), sentences[q]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        low = line.lower()
        if low.startswith(("question:", "q:", "query:")):
            rest = lines[:i] + lines[i + 1 :]
            return "\n".join(_LABEL.sub("", r) for r in rest), line.split(":", 1)[1].strip() or line
        if line.endswith("?"):
            rest = lines[:i] + lines[i + 1 :]
            return "\n".join(_LABEL.sub("", r) for r in rest), line
    return "\n".join(lines[:-1]), lines[-1].strip()


def best_passage(context: str, question: str) -> str | None:
    """The context sentence with the largest word overlap with the question (ties: earliest)."""
    qwords = content_words(question)
    if not qwords or not context.strip():
        return None
    best: tuple[float, int, str] | None = None
    for index, sentence in enumerate(s.strip() for s in _SENTENCE.split(context)):
        if not sentence or len(sentence) < 3:
            continue
        swords = content_words(sentence)
        overlap = len(qwords & swords)
        if overlap == 0:
            continue
        score = overlap + overlap / (len(swords) + 1)
        if best is None or score > best[0]:
            best = (score, index, sentence)
    return best[2] if best else None


def _arithmetic(question: str) -> str | None:
    match = _ARITH.search(question)
    if not match:
        return None
    a, op, b = float(match.group(1)), match.group(2), float(match.group(3))
    if op == "+":
        value = a + b
    elif op == "-":
        value = a - b
    elif op in ("*", "x", "\u00d7"):
        value = a * b
    else:
        if b == 0:
            return None
        value = a / b
    return str(int(value)) if value.is_integer() else f"{value:.6g}"


def _last_user(conv: Conversation) -> str:
    for turn in reversed(conv.turns):
        if turn.role == "user":
            return turn.text
    return ""


def _pick_tool(conv: Conversation, user_text: str) -> ToolSpec | None:
    if not conv.tools or conv.tool_choice == "none":
        return None
    if isinstance(conv.tool_choice, tuple):
        wanted = conv.tool_choice[1]
        return next((t for t in conv.tools if t.name == wanted), conv.tools[0])
    lowered = user_text.lower()
    named = [
        t
        for t in conv.tools
        if t.name.lower() in lowered or t.name.lower().replace("_", " ") in lowered
    ]
    if named:
        return named[0]
    if conv.tool_choice == "required":
        qwords = content_words(user_text)
        scored = sorted(
            conv.tools,
            key=lambda t: (
                -len(qwords & content_words(f"{t.name.replace('_', ' ')} {t.description}"))
            ),
        )
        return scored[0]
    return None


def compose(conv: Conversation, model_name: str, call_id: Any) -> Answer:
    """Answer the conversation. ``call_id()`` makes tool-call ids in the caller's format."""
    last = conv.turns[-1] if conv.turns else Turn("user", "")
    user_text = _last_user(conv)

    # 1. tool call: required/forced, or the user names a tool (not right after a tool result)
    if last.role != "tool":
        tool = _pick_tool(conv, user_text)
        if tool is not None:
            args = schema_fill.fill(tool.parameters or {"type": "object"}, user_text)
            if not isinstance(args, dict):
                args = {}
            call = ToolCall(call_id(), tool.name, json.dumps(args, ensure_ascii=False))
            reasoning = (
                f'The user asks: "{_clip(user_text)}". The tool {tool.name} fits, so I call it.'
                if conv.reasoning
                else None
            )
            return Answer("", [call], reasoning, "tool_calls")

    # 2. text: structured output, extractive answer, or a deterministic fallback
    question_turn = next((t for t in reversed(conv.turns) if t.role == "user"), None)
    question = user_text
    context_parts = [
        t.text
        for t in conv.turns
        if t is not question_turn and t.role in ("system", "tool", "user") and t is not last
    ]
    inline_context, inline_question = _split_question(question)
    if inline_context:
        context_parts.append(inline_context)
        question = inline_question

    context = "\n".join(p for p in context_parts if p)
    if last.role == "tool":
        # answer from the tool result first, so agent loops end with its content
        passage = best_passage(last.text, question) or _clip(last.text, 400) or None
    else:
        passage = best_passage(context, question)
    from_context = passage is not None
    if passage is None:
        passage = _fallback(question, model_name)

    if conv.json_schema is not None:
        source = f"{question}\n{passage}" if from_context else user_text
        text = json.dumps(schema_fill.fill(conv.json_schema, source), ensure_ascii=False)
    elif conv.json_object:
        text = json.dumps({"answer": passage}, ensure_ascii=False)
    else:
        text = passage

    reasoning = None
    if conv.reasoning:
        reasoning = f'The user asks: "{_clip(question)}". ' + (
            "I quote the passage of the context that shares the most words with the question."
            if passage and context and passage in context
            else "There is no matching context, so I answer briefly."
        )

    finish = "stop"
    for stop in conv.stop:
        if stop and stop in text:
            text = text[: text.index(stop)]
    if conv.max_tokens is not None:
        cut = truncate_to_tokens(text, conv.max_tokens)
        if cut != text:
            text, finish = cut, "length"
    images = [data_url(user_text)] if conv.images else []
    return Answer(text, [], reasoning, finish, images)


def _fallback(question: str, model_name: str) -> str:
    arithmetic = _arithmetic(question)
    if arithmetic is not None:
        return arithmetic
    q = question.strip()
    if not q:
        return "Hello! How can I help you today?"
    if re.match(r"^(hi|hello|hey|good (morning|afternoon|evening))\b", q.lower()):
        return "Hello! How can I help you today?"
    return f'This is a deterministic offline answer from {model_name} to: "{_clip(q)}"'


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def content_text(content: Any) -> str:
    """Plain text of an OpenAI/Anthropic/Responses content value (string or parts list)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    parts.append(part["text"])
                elif part.get("type") == "tool_result":
                    parts.append(content_text(part.get("content")))
        return "\n".join(parts)
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        return str(content["text"])
    return str(content)
