"""Types of POST /embeddings and GET /embeddings/models."""

from __future__ import annotations

import binascii
import sys
from array import array
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import Field, PlainSerializer, PlainValidator

from ._base import OpenRouterModel

if TYPE_CHECKING:
    from typing_extensions import Self

_BIG_ENDIAN = sys.byteorder == "big"


def _float32_bytes(text: str) -> bytes:
    """The little-endian float32 bytes of one base64 vector, checked."""
    raw = binascii.a2b_base64(text)
    # a2b_base64 skips characters outside the alphabet; then fewer bytes come out than the
    # text's length promises. Checking that is O(1), unlike validating every character.
    if len(text) % 4 or len(raw) != len(text) // 4 * 3 - text.count("=", -2):
        raise ValueError("embedding is not valid base64 text")
    if len(raw) % 4:
        raise ValueError("embedding is not a whole number of float32 values")
    return raw


def decode_vector(value: Any) -> list[float]:
    """A vector from the wire: base64 little-endian float32, or a JSON list of numbers."""
    if isinstance(value, str):
        raw = _float32_bytes(value)
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


def decode_float32(value: Any) -> array[float]:
    """A vector from the wire as a float32 array: base64 bytes copied once, no float objects."""
    if isinstance(value, array) and value.typecode == "f":
        return value
    if isinstance(value, str):
        vector = array("f", _float32_bytes(value))
        if _BIG_ENDIAN:
            vector.byteswap()
        return vector
    if isinstance(value, (list, tuple)):
        try:
            return array("f", value)
        except TypeError:
            raise TypeError("embedding must be a list of numbers") from None
    raise TypeError(
        f"embedding must be a list of floats or base64 text, got {type(value).__name__}"
    )


def _float32_list(vector: array[float]) -> list[float]:
    return vector.tolist()


if TYPE_CHECKING:
    Float32Vector = array[float]
else:
    # validated by decode_float32, dumped as a plain list of floats (JSON, to_dict, model_dump)
    Float32Vector = Annotated[
        array,
        PlainValidator(decode_float32),
        PlainSerializer(_float32_list, return_type=list[float]),
    ]


_new = object.__new__
_set = object.__setattr__
_ITEM_KEYS = frozenset(("embedding", "index", "object"))


class Embedding(OpenRouterModel):
    __columns__ = "index embedding"
    index: int = 0
    object: str | None = "embedding"
    embedding: list[float] = []


class Float32Embedding(OpenRouterModel):
    """An embedding whose vector is a float32 `array.array` (`vector_type="array"`)."""

    __columns__ = "index embedding"
    index: int = 0
    object: str | None = "embedding"
    embedding: Float32Vector = Field(default_factory=lambda: array("f"))


class EmbeddingUsage(OpenRouterModel):
    prompt_tokens: int | None = None
    total_tokens: int | None = None
    cost: float | None = None


class _EmbeddingResult(OpenRouterModel):
    """What both embedding answers share; `data` and `vectors` are typed by the subclass."""

    _item: ClassVar[type[OpenRouterModel]]  # the type of this result's `data` items

    id: str | None = None
    object: str | None = "list"
    model: str | None = None
    provider: str | None = None
    usage: EmbeddingUsage | None = None

    def _ordered(self) -> list[Any]:
        """The items' embeddings by input index (`data` is typed by the subclass)."""
        data: list[Any] = getattr(self, "data", [])
        return [item.embedding for item in sorted(data, key=lambda e: e.index)]

    def to_numpy(self) -> Any:
        """The vectors as one float32 matrix, shape (inputs, dimensions), in input order.

        Needs numpy (`pip install numpy`). From `vector_type="array"` results the rows are
        copied as bytes, never as Python floats.
        """
        try:
            import numpy as np
        except ImportError:
            raise ImportError("to_numpy() needs numpy: pip install numpy") from None
        vectors = self._ordered()
        if not vectors:
            return np.empty((0, 0), dtype=np.float32)
        if len({len(v) for v in vectors}) != 1:
            raise ValueError("to_numpy() needs vectors of one length; they differ")
        if all(isinstance(v, array) for v in vectors):
            matrix = np.frombuffer(b"".join(v.tobytes() for v in vectors), dtype=np.float32)
            return matrix.reshape(len(vectors), -1)
        return np.asarray(vectors, dtype=np.float32)

    @staticmethod
    def _decode(value: Any) -> Any:
        """One wire vector as this result holds it."""
        raise NotImplementedError

    @classmethod
    def from_wire(cls, payload: dict[str, Any]) -> Self:
        """Build from parsed JSON without re-validating every float (the slow part of large batches)."""
        if not isinstance(payload, dict):
            raise TypeError("expected a JSON object")
        items = payload.get("data")
        if not isinstance(items, list):
            raise TypeError("'data' must be a list of embeddings")
        decode, item_type = cls._decode, cls._item
        data = []
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                raise TypeError(f"data[{position}] must be an object")
            vector = decode(item.get("embedding"))
            index = item.get("index", position)
            if not isinstance(index, int):
                raise TypeError(f"data[{position}].index must be an integer")
            kind = item.get("object", "embedding")
            if _ITEM_KEYS.issuperset(item):
                # what model_construct builds, without its per-call generality (256 a batch)
                built = _new(item_type)
                _set(built, "__dict__", {"index": index, "object": kind, "embedding": vector})
                _set(built, "__pydantic_fields_set__", {"index", "object", "embedding"})
                _set(built, "__pydantic_extra__", {})
                _set(built, "__pydantic_private__", None)
                data.append(built)
                continue
            extra = {k: v for k, v in item.items() if k not in _ITEM_KEYS}
            data.append(
                item_type.model_construct(index=index, object=kind, embedding=vector, **extra)
            )
        rest = {k: v for k, v in payload.items() if k != "data"}
        response = cls.model_validate(rest)
        response.data = data  # type: ignore[attr-defined]
        return response


class EmbeddingResponse(_EmbeddingResult):
    """Vectors in input order (`data[i].embedding`), as lists of Python floats."""

    _item = Embedding
    _decode = staticmethod(decode_vector)

    data: list[Embedding] = []

    @property
    def vectors(self) -> list[list[float]]:
        """The embeddings ordered by input index."""
        return self._ordered()


class Float32EmbeddingResponse(_EmbeddingResult):
    """Vectors as float32 `array.array`s (`vector_type="array"`): 4 bytes a value, no float objects.

    `numpy.asarray(vector)` views one without copying; `to_numpy()` stacks them all.
    """

    _item = Float32Embedding
    _decode = staticmethod(decode_float32)

    data: list[Float32Embedding] = []

    @property
    def vectors(self) -> list[array[float]]:
        """The embeddings ordered by input index."""
        return self._ordered()
