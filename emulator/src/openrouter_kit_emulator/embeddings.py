"""POST /embeddings: deterministic, meaningful vectors from hashed word and character n-grams.

Each text becomes a bag of features (lower-cased, lightly stemmed words with stop words
down-weighted, word bigrams, and character trigrams of every content word), each hashed (crc32) to a dimension and a sign, then the vector is
L2-normalised. Texts sharing words or word pieces get a high cosine similarity. ``dimensions``
picks the vector size directly; ``encoding_format: base64`` packs float32 little-endian.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import struct
import zlib
from functools import lru_cache
from typing import Any

from .catalogue import Model
from .tokens import count_tokens
from .wire import bad_request

_WORD = re.compile(r"\w+")


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "at",
        "to",
        "is",
        "was",
        "were",
        "are",
        "be",
        "and",
        "or",
        "for",
        "with",
        "by",
        "it",
        "this",
        "that",
    ]
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _features(text: str) -> list[tuple[str, float]]:
    words = [_stem(w) for w in _WORD.findall(text.lower())]
    feats: list[tuple[str, float]] = [(f"w:{w}", 0.2 if w in _STOP else 1.0) for w in words]
    feats += [(f"b:{a} {b}", 0.5) for a, b in itertools.pairwise(words)]
    for w in words:
        if w in _STOP:
            continue
        padded = f"<{w}>"
        feats += [(f"c:{padded[i : i + 3]}", 0.25) for i in range(len(padded) - 2)]
    return feats


@lru_cache(maxsize=4096)
def _embed_cached(text: str, dims: int) -> tuple[float, ...]:
    return tuple(_embed(text, dims))


def embed(text: str, dims: int) -> list[float]:
    """The unit vector of ``text`` with ``dims`` dimensions (all zeros only for empty text)."""
    return list(_embed_cached(text, dims))


def _embed(text: str, dims: int) -> list[float]:
    vec = [0.0] * dims
    for feature, weight in _features(text):
        h = zlib.crc32(feature.encode())
        vec[h % dims] += weight if (h >> 31) & 1 == 0 else -weight
    norm = math.sqrt(sum(v * v for v in vec))
    if norm == 0.0:
        return vec
    return [round(v / norm, 8) for v in vec]


def texts_of(raw: Any) -> list[str]:
    """Inputs as texts: a string, a list of strings, or token-id arrays (joined as text)."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw):
        return [" ".join(str(x) for x in raw)]
    if isinstance(raw, list):
        out = []
        for item in raw:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, list):
                out.append(" ".join(str(x) for x in item))
            elif isinstance(item, dict):
                out.append(str(item.get("text", "")))
            else:
                raise bad_request("Invalid input: expected a string or an array of strings")
        return out
    raise bad_request("Invalid input: expected a string or an array of strings")


def build(body: dict[str, Any], model: Model) -> tuple[dict[str, Any], int]:
    """The response body (without id/provider) and the prompt token count."""
    texts = texts_of(body.get("input"))
    if not texts or all(not t.strip() for t in texts):
        raise bad_request("Input must have at least 1 token.")
    native = int(model.data.get("embedding_dimensions") or 1536)
    dims = body.get("dimensions")
    if dims is not None and (not isinstance(dims, int) or dims < 1 or dims > native):
        raise bad_request(f"dimensions must be an integer between 1 and {native}")
    size = dims or native
    b64 = body.get("encoding_format") == "base64"
    data = []
    for index, text in enumerate(texts):
        vec = embed(text, size)
        value: Any = base64.b64encode(struct.pack(f"<{size}f", *vec)).decode() if b64 else vec
        data.append({"object": "embedding", "embedding": value, "index": index})
    tokens = sum(count_tokens(t) for t in texts)
    upstream = model.id.split("/", 1)[-1]
    return {"object": "list", "data": data, "model": upstream}, tokens
