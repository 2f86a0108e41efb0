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


_NAME_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[^A-Za-z0-9]+")
_GENERIC_TOOL_WORDS = frozenset(
    ["get", "set", "fetch", "retrieve", "run", "call", "tool", "tools", "func", "function",
     "do", "make", "lookup", "look", "up", "api", "current", "info", "data", "result", "value"]
)  # fmt: skip
TOOL_MIN_DESCRIPTION_OVERLAP = 2
"""Description words a user turn must share with a tool (when no name word matches) to call it."""


def name_words(name: str) -> frozenset[str]:
    """Stemmed meaningful words of a snake_case / camelCase / kebab-case tool name."""
    parts = (p.lower() for p in _NAME_SPLIT.split(name) if p)
    return frozenset(
        _stem(p)
        for p in parts
        if len(p) > 1 and p not in _STOPWORDS and p not in _GENERIC_TOOL_WORDS
    )


def tool_match(tool: ToolSpec, user_text: str) -> tuple[int, int]:
    """(name words, other description words) of ``tool`` that the user text also uses."""
    qwords = content_words(user_text)
    from_name = name_words(tool.name)
    from_description = content_words(tool.description) - from_name - _GENERIC_TOOL_WORDS
    return len(qwords & from_name), len(qwords & from_description)


def _names_tool(tool: ToolSpec, lowered: str) -> bool:
    """Whether the (lowercased) text names the tool as a word ("add" is not in "address")."""
    name = tool.name.lower()
    return any(
        re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", lowered)
        for form in {name, name.replace("_", " ")}
    )


def _best_match(tools: list[ToolSpec], user_text: str, *, threshold: bool) -> ToolSpec | None:
    """The tool whose name/description the user text overlaps most (ties: declared first)."""
    best: tuple[int, ToolSpec] | None = None
    for tool in tools:
        by_name, by_description = tool_match(tool, user_text)
        if threshold and by_name == 0 and by_description < TOOL_MIN_DESCRIPTION_OVERLAP:
            continue
        score = 2 * by_name + by_description
        if best is None or score > best[0]:
            best = (score, tool)
    return best[1] if best else None


def _pick_tool(conv: Conversation, user_text: str) -> ToolSpec | None:
    """The tool to call now, or None to answer in text.

    Forced (``("function", name)``) and ``required`` choices always call one. With ``auto`` a
    tool is called when the user turn names it, or clearly overlaps its name words (snake_case
    and camelCase split) or at least ``TOOL_MIN_DESCRIPTION_OVERLAP`` words of its description.
    Right after a tool result nothing is called (the result answers, so agent loops end),
    except a tool the user named exactly that has not been called since the user's turn.
    """
    if not conv.tools or conv.tool_choice == "none":
        return None
    last = conv.turns[-1] if conv.turns else None
    lowered = user_text.lower()
    if last is not None and last.role == "tool":
        called: set[str] = set()
        for turn in reversed(conv.turns):
            if turn.role == "user":
                break
            called.update(turn.tool_calls)
            if turn.tool_name:
                called.add(turn.tool_name)
        pending = [t for t in conv.tools if t.name not in called and _names_tool(t, lowered)]
        return pending[0] if pending and called else None
    if isinstance(conv.tool_choice, tuple):
        wanted = conv.tool_choice[1]
        return next((t for t in conv.tools if t.name == wanted), conv.tools[0])
    named = [t for t in conv.tools if _names_tool(t, lowered)]
    if named:
        return named[0]
    return _best_match(conv.tools, user_text, threshold=conv.tool_choice != "required")


def compose(conv: Conversation, model_name: str, call_id: Any) -> Answer:
    """Answer the conversation. ``call_id()`` makes tool-call ids in the caller's format."""
    last = conv.turns[-1] if conv.turns else Turn("user", "")
    user_text = _last_user(conv)

    # 1. tool call: forced/required, or the user turn names or clearly matches a tool
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
        # answer from the tool results of this turn (never from the question), so loops end
        passage: str | None = from_tool_results(_tool_results(conv), question)
    else:
        passage = best_passage(context, question)
    from_context = passage is not None
    if passage is None:
        passage = _fallback(question, model_name)

    if conv.json_schema is not None:
        source = f"{question}\n{passage}" if from_context else user_text
        text = json.dumps(schema_fill.fill(conv.json_schema, source), ensure_ascii=False)
    elif conv.json_object:
        text = json.dumps(json_object(conv, question, passage, from_context), ensure_ascii=False)
    else:
        text = passage

    reasoning = None
    if conv.reasoning:
        reasoning = f'The user asks: "{_clip(question)}". ' + (
            "I answer from the tool result."
            if last.role == "tool"
            else "I quote the passage of the context that shares the most words with the question."
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


def _tool_results(conv: Conversation) -> list[str]:
    """The texts of the tool results since the last user turn, in order."""
    results: list[str] = []
    for turn in reversed(conv.turns):
        if turn.role == "user":
            break
        if turn.role == "tool":
            results.append(turn.text)
    return results[::-1]


_NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def _scalar(text: str) -> str | None:
    """The value of a tool result that is one number or one JSON scalar (``{"result": 42}`` too)."""
    stripped = text.strip()
    if _NUMBER_TEXT.fullmatch(stripped):
        return stripped
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str) and value.strip() and len(value) <= 80:
        return value.strip()
    return None


def from_tool_results(results: list[str], question: str) -> str:
    """The answer after tool calls: a scalar result stated, else the passage of the results
    that best matches the question, else the results quoted. Never the question itself."""
    texts = [r.strip() for r in results if r and r.strip()]
    if not texts:
        return "The tool returned no result."
    scalars = [_scalar(t) for t in texts]
    if all(v is not None for v in scalars):
        values = [v for v in scalars if v is not None]
        if len(values) == 1:
            return f"The result is {values[0]}."
        return f"The results are {', '.join(values[:-1])} and {values[-1]}."
    joined = "\n".join(texts)
    return best_passage(joined, question) or _clip(joined, 400)


_KEY_WORDS = re.compile(r"\b(?:keys?|fields?|propert(?:y|ies)|attributes?|entries)\b", re.I)
_QUOTED_KEY = re.compile(
    r"(?<![A-Za-z0-9])(?:'([A-Za-z_][\w\-]{0,39})'|\"([A-Za-z_][\w\-]{0,39})\""
    r"|`([A-Za-z_][\w\-]{0,39})`|\u201c([A-Za-z_][\w\-]{0,39})\u201d"
    r"|\u2018([A-Za-z_][\w\-]{0,39})\u2019)(?![A-Za-z0-9])"
)
_LISTED_KEYS = re.compile(
    r"\b(?:keys|fields|properties|attributes)\s*(?:named|called|:)?\s*"
    r"([A-Za-z_]\w*(?:\s*(?:,\s*and|,|and)\s*[A-Za-z_]\w*)*)",
    re.I,
)
_ABOUT = re.compile(r"\babout\s+([^.,;:!?\n]{1,60})", re.I)
_NUMERIC_KEYS = re.compile(
    r"(^|_)(count|number|num|age|year|total|amount|score|rating|price|quantity|n|size|length"
    r"|width|height|index|rank)($|_)|count$|^num",
    re.I,
)
_BOOLEAN_KEYS = re.compile(r"^(is|has|can|should)_|(^|_)(valid|correct|flag|ok)$", re.I)
_LIST_KEYS = re.compile(r"(^|_)(items|tags|list|keywords|steps|names|values|examples)$", re.I)
_ANSWER_KEYS = frozenset(
    ["answer", "response", "result", "text", "summary", "reply", "content", "output", "message"]
)


def _json_objects(text: str) -> tuple[list[dict[str, Any]], str]:
    """The JSON objects written out in a prompt (outermost only, in order), and the prompt
    without them (so quoted names inside an example are not read as prose)."""
    found: list[dict[str, Any]] = []
    rest: list[str] = []
    decoder = json.JSONDecoder()
    position = 0
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict) and value:
            found.append(value)
            rest.append(text[position:start])
            position = end
        start = text.find("{", end)
    rest.append(text[position:])
    return found, " ".join(rest)


_SCHEMA_SAMPLES: dict[str, Any] = {
    "integer": 0,
    "number": 0,
    "boolean": False,
    "array": [],
    "object": {},
}


def _schema_template(schema: dict[str, Any]) -> dict[str, Any]:
    """Sample values (typed like the properties) of a JSON schema written in the prompt."""
    template: dict[str, Any] = {}
    for key, sub in schema["properties"].items():
        kind = sub.get("type") if isinstance(sub, dict) else None
        template[key] = _SCHEMA_SAMPLES.get(kind) if isinstance(kind, str) else None
    return template


def prompt_keys(text: str) -> list[str]:
    """The JSON keys a prompt asks for, in order: quoted names in sentences about keys/fields,
    or a listed run of names after "keys"/"fields" ("with keys setup and punchline")."""
    keys: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if not _KEY_WORDS.search(sentence):
            continue
        quoted = [next(g for g in m.groups() if g) for m in _QUOTED_KEY.finditer(sentence)]
        if not quoted:
            for m in _LISTED_KEYS.finditer(sentence):
                names = re.split(r"\s*(?:,\s*and|,|\band\b)\s*", m.group(1))
                quoted += [n for n in names if n and n.lower() not in _STOPWORDS]
        keys += [k for k in quoted if k not in keys]
    return keys


def _plain_request(request: str) -> str:
    """The request without written-out JSON examples and the word "JSON"."""
    return re.sub(r"\bjson\b", " ", re.sub(r"\{.*?\}", " ", request), flags=re.I)


def _topic(request: str) -> str:
    """What the request is about: "about X", else its proper nouns, else the words of the
    sentences that do not just describe the JSON's keys."""
    plain = _plain_request(request)
    match = _ABOUT.search(plain)
    if match:
        return match.group(1).strip()
    proper = schema_fill.name_hint("name", plain)
    if proper:
        return proper
    kept = [
        sentence
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", plain)
        if sentence.strip() and not _KEY_WORDS.search(sentence)
    ]
    return _clip(" ".join(kept).rstrip("?.! "), 60) or "the request"


def _value_for(key: str, example: Any, request: str, passage: str, give_passage: bool) -> Any:
    numbers = schema_fill.numbers_in(request)
    if isinstance(example, bool) or (example is None and _BOOLEAN_KEYS.search(key)):
        return example if isinstance(example, bool) else True
    if isinstance(example, (int, float)) or (example is None and _NUMERIC_KEYS.search(key)):
        if numbers:
            return numbers[0]
        return example if isinstance(example, (int, float)) else 1
    if isinstance(example, dict):
        return example
    words = key.replace("_", " ").replace("-", " ").strip()
    hinted = schema_fill.name_hint(key, _plain_request(request))
    phrase = hinted or f"A {words} about {_topic(request)}."
    if isinstance(example, list) or (example is None and _LIST_KEYS.search(key)):
        return [phrase]
    return passage if give_passage else phrase


def json_object(
    conv: Conversation, question: str, passage: str, from_context: bool
) -> dict[str, Any]:
    """The reply in ``json_object`` mode: the keys the prompt names (the properties of a JSON
    schema written in the prompt; else names quoted in the system or user text, or listed
    after "keys"; else a JSON example's keys), with plausible values; else
    ``{"answer": ...}``. The extractive answer goes to an answer-like key ("answer",
    "summary", ...), or to the first text key when it was found in the context."""
    texts = [t.text for t in conv.turns if t.role == "system"] + [_last_user(conv)]
    objects, prose = _json_objects("\n".join(t for t in texts if t))
    schemas = [o for o in objects if isinstance(o.get("properties"), dict)]
    template: dict[str, Any] = {}
    if schemas:  # a JSON schema written out (format instructions): its properties, typed
        template = _schema_template(schemas[-1])
        keys = list(template)
    else:
        for example in objects:
            template.update(example)
        keys = prompt_keys(prose) or list(template)
    if not keys:
        return {"answer": passage}
    out: dict[str, Any] = {}
    request = _last_user(conv)
    # a passage quoted from the request itself (an instruction sentence) answers nothing
    passage_given = any(k.lower() in _ANSWER_KEYS for k in keys) or passage in request
    request = _json_objects(request)[1]  # values come from the prose, not from examples
    for key in keys:
        sample = template.get(key)
        give = key.lower() in _ANSWER_KEYS or (from_context and not passage_given)
        value = _value_for(key, None if isinstance(sample, str) else sample, request, passage, give)
        if give and value == passage:
            passage_given = True
        out[key] = value
    return out


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
