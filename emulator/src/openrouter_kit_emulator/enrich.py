"""What a request asks to be added to a chat answer, streamed (`apply_stream`) or not (`apply`).

- ``logprobs: true`` (``top_logprobs``: n): per-token log probabilities, deterministic; in a
  stream, each content chunk carries those of its own tokens;
- a ``:online`` model or the ``web`` plugin: ``url_citation`` annotations on the message; in a
  stream, a chunk of their own before the finish chunk (``delta.annotations``);
- OpenAI-format reasoning: an opaque ``reasoning.encrypted`` detail after the readable one; in
  a stream, a ``reasoning_details`` chunk after the readable ones.

A stream put back together holds what the non-streamed answer holds.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

_TOKEN = re.compile(r"\s*[A-Za-z0-9]+|\s*[^\sA-Za-z0-9]")
CITATIONS = 2  # search results an :online answer cites


def _logprob(token: str, rank: int) -> float:
    h = hashlib.sha256(f"{token}|{rank}".encode()).digest()[0] / 255
    return round(-(rank * 1.5 + h * 0.2), 6) if rank else round(math.log(0.6 + 0.39 * h), 6)


def logprobs(text: str, top: int) -> dict[str, Any]:
    return {
        "content": [_token_logprob(token, top) for token in _TOKEN.findall(text)],
        "refusal": None,
    }


def _token_logprob(token: str, top: int) -> dict[str, Any]:
    alternatives = [token] + [f"{token.strip()}{suffix}" for suffix in ("s", "ed", "ing")]
    return {
        "token": token,
        "logprob": _logprob(token, 0),
        "bytes": list(token.encode()),
        "top_logprobs": [
            {"token": alt, "logprob": _logprob(alt, i), "bytes": list(alt.encode())}
            for i, alt in enumerate(alternatives[:top])
        ],
    }


def wants_web(body: dict[str, Any]) -> bool:
    model = body.get("model")
    plugins = body.get("plugins") or []
    return (isinstance(model, str) and model.endswith(":online")) or any(
        isinstance(p, dict) and p.get("id") == "web" for p in plugins
    )


def citations(text: str, question: str) -> list[dict[str, Any]]:
    words = re.findall(r"[a-z0-9]+", question.lower())[:4] or ["openrouter"]
    slug = "-".join(words)
    end = max(1, min(len(text), 60))
    return [
        {
            "type": "url_citation",
            "url_citation": {
                "url": f"https://example.com/{slug}/{n + 1}",
                "title": f"{' '.join(words).title()} (source {n + 1})",
                "content": text[:200],
                "start_index": 0,
                "end_index": end,
            },
        }
        for n in range(CITATIONS)
    ]


def encrypted(reasoning: str, index: int) -> dict[str, Any]:
    blob = hashlib.sha256(reasoning.encode()).digest() * 4
    return {
        "type": "reasoning.encrypted",
        "data": "gAAAAA" + base64.b64encode(blob).decode(),
        "id": "rs_" + hashlib.sha256(reasoning.encode()).hexdigest()[:24],
        "format": "openai-responses-v1",
        "index": index,
    }


def apply(answer: dict[str, Any], body: dict[str, Any], question: str) -> dict[str, Any]:
    choice = answer["choices"][0]
    message = choice["message"]
    text = message.get("content") or ""
    if body.get("logprobs") is True:
        choice["logprobs"] = logprobs(text, _top(body))
    if wants_web(body) and text:
        message["annotations"] = citations(text, question)
    details = message.get("reasoning_details") or []
    if details and details[0].get("format") == "openai-responses-v1":
        details.append(encrypted(message.get("reasoning") or "", len(details)))
    return answer


def _top(body: dict[str, Any]) -> int:
    top = body.get("top_logprobs")
    return top if isinstance(top, int) and 0 <= top <= 20 else 0


def apply_stream(
    chunks: Iterable[dict[str, Any]], body: dict[str, Any], question: str, answer_text: str
) -> Iterator[dict[str, Any]]:
    """The chunks of a chat stream with what `apply` adds to the finished answer.

    A content chunk's logprobs are those of the answer's tokens that end within its text, so
    together they are the non-streamed answer's, however the text was cut into chunks.
    """
    want_logprobs = body.get("logprobs") is True
    top = _top(body)
    tokens = [(m.end(), m.group()) for m in _TOKEN.finditer(answer_text)] if want_logprobs else []
    sent = 0  # characters of content streamed so far
    next_token = 0
    web = wants_web(body)
    text: list[str] = []
    reasoning: list[str] = []
    openai_format = False
    next_index = 0
    for chunk in chunks:
        choices = chunk.get("choices") or []
        if not choices:
            yield chunk
            continue
        choice = choices[0]
        delta = choice.get("delta") or {}
        if choice.get("finish_reason") is not None:
            if web and text:
                yield _extra(chunk, {"annotations": citations("".join(text), question)})
            if openai_format:
                detail = encrypted("".join(reasoning), next_index)
                yield _extra(chunk, {"reasoning_details": [detail]})
        piece = delta.get("content")
        if piece:
            text.append(piece)
            sent += len(piece)
            if want_logprobs:
                first = next_token
                while next_token < len(tokens) and tokens[next_token][0] <= sent:
                    next_token += 1
                content = [_token_logprob(token, top) for _, token in tokens[first:next_token]]
                choice["logprobs"] = {"content": content, "refusal": None}
        if delta.get("reasoning"):
            reasoning.append(delta["reasoning"])
        for detail in delta.get("reasoning_details") or ():
            openai_format = openai_format or detail.get("format") == "openai-responses-v1"
            next_index = max(next_index, int(detail.get("index", 0)) + 1)
        yield chunk


def _extra(chunk: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """A chunk like `chunk` whose delta carries only `delta` (no text, not finished)."""
    return {
        **chunk,
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "", **delta},
                "finish_reason": None,
                "native_finish_reason": None,
                "logprobs": None,
            }
        ],
    }
