"""JSON encoding and decoding, with orjson when it is installed (the `fast` extra)."""

from __future__ import annotations

import json
from typing import Any

_orjson: Any

try:  # orjson is optional; it roughly halves the cost of large request bodies.
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the extra is absent
    _orjson = None


def dumps(value: Any) -> bytes:
    """Serialise to compact UTF-8 JSON bytes."""
    if _orjson is not None:
        return bytes(_orjson.dumps(value))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes | str) -> Any:
    """Parse JSON from bytes or text."""
    if _orjson is not None:
        return _orjson.loads(data)
    return json.loads(data)
