"""JSON encoding and decoding: orjson when installed (the `fast` extra), else pydantic-core.

pydantic-core's parser (a dependency already) reads large bodies, such as a batch of float
embeddings, about four times faster than the standard library; it is imported on first use
so that `import openrouter_kit` stays light.

NaN and Infinity are not JSON: orjson would write them as `null` and the standard library as
the invalid `NaN`, so `dumps` refuses them, naming where they are (NonFiniteNumberError).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the extra is absent
    _orjson = None

_from_json: Any = None


class NonFiniteNumberError(ValueError):
    """A NaN or Infinity where JSON can only carry finite numbers; `path` says where."""

    def __init__(self, path: str, value: float) -> None:
        self.path = path
        self.value = value
        super().__init__(
            f"{path}: {value!r} is not a JSON number (NaN and Infinity cannot be sent)"
        )


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Serialise to compact UTF-8 JSON bytes; `default` converts objects JSON cannot carry.

    A NaN or Infinity anywhere raises NonFiniteNumberError. The check costs nothing in the
    usual case: orjson writes them as `null`, so the value is only walked when the output has
    a `null` in it; the standard library refuses them itself (allow_nan=False).
    """
    if _orjson is not None:
        data = bytes(_orjson.dumps(value, default=default))
        if b"null" in data and _may_hold_non_finite(value):
            _check_finite(value, "", default)
        return data
    try:
        text = json.dumps(
            value, separators=(",", ":"), ensure_ascii=False, default=default, allow_nan=False
        )
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        _check_finite(value, "", default)
        raise
    return text.encode()


_LEAVES = frozenset({str, int, bool, type(None)})


def _may_hold_non_finite(value: Any) -> bool:
    """A quick walk without paths: False when every number is finite (the usual answer)."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is float:
            if item - item != 0:  # NaN - NaN and inf - inf are NaN; finite floats give 0.0
                return True
        elif kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind not in _LEAVES:
            return True  # a model, a float subclass...: the full check converts and looks
    return False


def _check_finite(value: Any, path: str, default: Callable[[Any], Any] | None) -> None:
    """Raise NonFiniteNumberError at the first NaN or Infinity in `value` (depth first)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NonFiniteNumberError(path or "value", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{path}.{key}" if path else str(key), default)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_finite(item, f"{path}[{index}]", default)
    elif default is not None and not isinstance(value, (str, int, bool, type(None))):
        try:
            converted = default(value)
        except TypeError:
            return
        if converted is not value:
            _check_finite(converted, path, default)


def loads(data: bytes | str) -> Any:
    """Parse JSON from bytes or text; malformed input raises ValueError."""
    if _orjson is not None:
        return _orjson.loads(data)
    global _from_json
    if _from_json is None:
        from pydantic_core import from_json

        _from_json = from_json
    return _from_json(data)
