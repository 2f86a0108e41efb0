"""POST /rerank: lexical relevance with BM25 (k1=1.2, b=0.75) over stemmed words.

Scores are squashed into (0, 1) with ``s / (s + 3)`` plus a small character-trigram term so
documents without shared words still order sensibly. Results are sorted by relevance
(ties: original order), honour ``top_n`` and echo ``document.text`` like the real service.
"""

from __future__ import annotations

import math
from typing import Any

from .answer import words
from .catalogue import Model
from .tokens import count_tokens
from .wire import ApiError

# Real prices seen in QUOTED.md: Cohere per search unit, Voyage and Fireworks per token.
SEARCH_UNIT_PRICE = {"Cohere": 0.002}
TOKEN_PRICE = {"VoyageAI by MongoDB": 5e-8, "Fireworks": 2e-7}


def _terms(text: str) -> list[str]:
    out = []
    for w in words(text):
        for suffix in ("ing", "es", "ed", "s"):
            if len(w) > len(suffix) + 2 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        out.append(w)
    return out


def _trigrams(text: str) -> set[str]:
    t = f"  {text.lower()} "
    return {t[i : i + 3] for i in range(len(t) - 2)}


def scores(query: str, documents: list[str]) -> list[float]:
    docs = [_terms(d) for d in documents]
    n = len(docs)
    avg = (sum(len(d) for d in docs) / n) if n else 0.0
    q_terms = set(_terms(query))
    df = {t: sum(1 for d in docs if t in d) for t in q_terms}
    q_tri = _trigrams(query)
    out = []
    for text, doc in zip(documents, docs, strict=False):
        s = 0.0
        for t in q_terms:
            tf = doc.count(t)
            if tf == 0:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(doc) / (avg or 1)))
        tri = _trigrams(text)
        overlap = len(q_tri & tri) / (len(q_tri | tri) or 1)
        out.append(round(s / (s + 3.0) * 0.9 + 0.1 * overlap, 8))
    return out


def build(body: dict[str, Any], model: Model) -> tuple[dict[str, Any], int, float]:
    """The response body (without id), its token count and its cost."""
    query = body.get("query")
    documents = body.get("documents")
    if not isinstance(query, str) or not query:
        raise ApiError(400, "query: Required", with_user=False)
    if not isinstance(documents, list) or not documents:
        raise ApiError(
            400,
            '[\n  {\n    "origin": "array",\n    "code": "too_small",\n    "minimum": 1,\n'
            '    "inclusive": true,\n    "path": [\n      "documents"\n    ],\n'
            '    "message": "Too small: expected array to have >=1 items"\n  }\n]',
            with_user=False,
        )
    texts = [d if isinstance(d, str) else str((d or {}).get("text", "")) for d in documents]
    top_n = body.get("top_n")
    if top_n is not None and (not isinstance(top_n, int) or top_n < 1):
        raise ApiError(400, "top_n must be a positive integer", with_user=False)
    ranked = sorted(
        zip(range(len(texts)), scores(query, texts), strict=False), key=lambda p: (-p[1], p[0])
    )
    if top_n is not None:
        ranked = ranked[:top_n]
    results = [
        {"index": i, "relevance_score": s, "document": {"text": texts[i]}} for i, s in ranked
    ]
    provider = str(model.data.get("rerank_provider") or "Cohere")
    tokens = count_tokens(query) * len(texts) + sum(count_tokens(t) for t in texts)
    usage: dict[str, Any]
    if provider in SEARCH_UNIT_PRICE:
        units = max(1, math.ceil(len(texts) / 100))
        cost = round(units * SEARCH_UNIT_PRICE[provider], 12)
        usage = {"search_units": units, "cost": cost}
    else:
        cost = float(f"{tokens * TOKEN_PRICE.get(provider, 5e-8):.12g}")
        usage = {"total_tokens": tokens, "cost": cost}
    payload = {
        "model": model.data.get("upstream_model") or model.id,
        "results": results,
        "usage": usage,
        "provider": provider,
    }
    return payload, tokens, cost
