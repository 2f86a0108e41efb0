"""Types of POST /embeddings and GET /embeddings/models."""

from __future__ import annotations

import binascii
import sys
from array import array
from typing import Any

from ._base import OpenRouterModel

_BIG_ENDIAN = sys.byteorder == "big"


def decode_vector(value: Any) -> list[float]:
    """A vector from the wire: base64 little-endian float32, or a JSON list of numbers."""
    if isinstance(value, str):
        raw = binascii.a2b_base64(value)
        # a2b_base64 skips characters outside the alphabet; then fewer bytes come out than the
        # text's length promises. Checking that is O(1), unlike validating every character.
        if len(value) % 4 or len(raw) != len(value) // 4 * 3 - value.count("=", -2):
            raise ValueError("embedding is not valid base64 text")
        if len(raw) % 4:
            raise ValueError("embedding is not a whole number of float32 values")
        if _BIG_ENDIAN:
            vector = array("f", raw)
            vector.byteswap()
            return vector.tolist()
        # float32 straight to Python floats (typeshed types memoryview.tolist() as ints)
        floats: list[float] = memoryview(raw).cast("f").tolist()  # type: ignore[assignment]
        return floats
    if isinstance(value, list):
        return value
    raise TypeError(
        f"embedding must be a list of floats or base64 text, got {type(value).__name__}"
    )


_new = object.__new__
_set = object.__setattr__
_ITEM_KEYS = frozenset(("embedding", "index", "object"))


def _embedding(index: int, kind: Any, vector: list[float]) -> Embedding:
    """An Embedding as model_construct builds it, without its per-call generality (256 a batch)."""
    item = _new(Embedding)
    _set(item, "__dict__", {"index": index, "object": kind, "embedding": vector})
    _set(item, "__pydantic_fields_set__", {"index", "object", "embedding"})
    _set(item, "__pydantic_extra__", {})
    _set(item, "__pydantic_private__", None)
    return item


class Embedding(OpenRouterModel):
    __columns__ = "index embedding"
    index: int = 0
    object: str | None = "embedding"
    embedding: list[float] = []


class EmbeddingUsage(OpenRouterModel):
    prompt_tokens: int | None = None
    total_tokens: int | None = None
    cost: float | None = None


class EmbeddingResponse(OpenRouterModel):
    """Vectors in input order (`data[i].embedding`), always as floats."""

    id: str | None = None
    object: str | None = "list"
    model: str | None = None
    provider: str | None = None
    data: list[Embedding] = []
    usage: EmbeddingUsage | None = None

    @property
    def vectors(self) -> list[list[float]]:
        """The embeddings ordered by input index."""
        return [item.embedding for item in sorted(self.data, key=lambda e: e.index)]

    @classmethod
    def from_wire(cls, payload: dict[str, Any]) -> EmbeddingResponse:
        """Build from parsed JSON without re-validating every float (the slow part of large batches)."""
        if not isinstance(payload, dict):
            raise TypeError("expected a JSON object")
        items = payload.get("data")
        if not isinstance(items, list):
            raise TypeError("'data' must be a list of embeddings")
        data = []
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                raise TypeError(f"data[{position}] must be an object")
            vector = decode_vector(item.get("embedding"))
            index = item.get("index", position)
            if not isinstance(index, int):
                raise TypeError(f"data[{position}].index must be an integer")
            kind = item.get("object", "embedding")
            if _ITEM_KEYS.issuperset(item):
                data.append(_embedding(index, kind, vector))
                continue
            extra = {k: v for k, v in item.items() if k not in _ITEM_KEYS}
            data.append(
                Embedding.model_construct(index=index, object=kind, embedding=vector, **extra)
            )
        rest = {k: v for k, v in payload.items() if k != "data"}
        response = cls.model_validate(rest)
        response.data = data
        return response
