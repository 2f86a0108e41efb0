"""What a request asks to be added to a finished chat answer (non-streamed JSON).

- ``logprobs: true`` (``top_logprobs``: n): per-token log probabilities, deterministic;
- a ``:online`` model or the ``web`` plugin: ``url_citation`` annotations on the message;
- OpenAI-format reasoning: an opaque ``reasoning.encrypted`` detail after the readable one.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from typing import Any

_TOKEN = re.compile(r"\s*[A-Za-z0-9]+|\s*[^\sA-Za-z0-9]")
CITATIONS = 2  # search results an :online answer cites


def _logprob(token: str, rank: int) -> float:
    h = hashlib.sha256(f"{token}|{rank}".encode()).digest()[0] / 255
    return round(-(rank * 1.5 + h * 0.2), 6) if rank else round(math.log(0.6 + 0.39 * h), 6)


def logprobs(text: str, top: int) -> dict[str, Any]:
    content = []
    for token in _TOKEN.findall(text):
        alternatives = [token] + [f"{token.strip()}{suffix}" for suffix in ("s", "ed", "ing")]
        content.append(
            {
                "token": token,
                "logprob": _logprob(token, 0),
                "bytes": list(token.encode()),
                "top_logprobs": [
                    {"token": alt, "logprob": _logprob(alt, i), "bytes": list(alt.encode())}
                    for i, alt in enumerate(alternatives[:top])
                ],
            }
        )
    return {"content": content, "refusal": None}


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
        top = body.get("top_logprobs")
        choice["logprobs"] = logprobs(text, top if isinstance(top, int) and 0 <= top <= 20 else 0)
    if wants_web(body) and text:
        message["annotations"] = citations(text, question)
    details = message.get("reasoning_details") or []
    if details and details[0].get("format") == "openai-responses-v1":
        details.append(encrypted(message.get("reasoning") or "", len(details)))
    return answer
