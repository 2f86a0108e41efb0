"""JSON encoding and decoding: orjson when installed (the `fast` extra), else pydantic-core.

pydantic-core's parser (a dependency already) reads large bodies, such as a batch of float
embeddings, about four times faster than the standard library; it is imported on first use
so that `import openrouter_kit` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the extra is absent
    _orjson = None

_from_json: Any = None


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Serialise to compact UTF-8 JSON bytes; `default` converts objects JSON cannot carry."""
    if _orjson is not None:
        return bytes(_orjson.dumps(value, default=default))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=default).encode()


def loads(data: bytes | str) -> Any:
    """Parse JSON from bytes or text; malformed input raises ValueError."""
    if _orjson is not None:
        return _orjson.loads(data)
    global _from_json
    if _from_json is None:
        from pydantic_core import from_json

        _from_json = from_json
    return _from_json(data)
