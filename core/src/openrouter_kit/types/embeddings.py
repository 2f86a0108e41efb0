"""Types of POST /embeddings and GET /embeddings/models."""

from __future__ import annotations

import base64
import sys
from array import array
from typing import Any

from ._base import OpenRouterModel

_BIG_ENDIAN = sys.byteorder == "big"


def decode_vector(value: Any) -> list[float]:
    """A vector from the wire: base64 little-endian float32, or a JSON list of numbers."""
    if isinstance(value, str):
        vector = array("f", base64.b64decode(value, validate=True))
        if _BIG_ENDIAN:
            vector.byteswap()
        return vector.tolist()
    if isinstance(value, list):
        return value
    raise TypeError(
        f"embedding must be a list of floats or base64 text, got {type(value).__name__}"
    )


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
            extra = {k: v for k, v in item.items() if k not in ("embedding", "index", "object")}
            index = item.get("index", position)
            if not isinstance(index, int):
                raise TypeError(f"data[{position}].index must be an integer")
            data.append(
                Embedding.model_construct(
                    index=index, object=item.get("object", "embedding"), embedding=vector, **extra
                )
            )
        rest = {k: v for k, v in payload.items() if k != "data"}
        response = cls.model_validate(rest)
        response.data = data
        return response
