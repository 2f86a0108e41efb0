"""JSON encoding and decoding: the standard library's encoder, pydantic-core's parser.

One engine each way, whatever else is installed, so a body is encoded the same on every
machine. (An optional orjson used to refuse what the standard library accepts, such as the
integer token ids of `logit_bias={50256: -100}`, and cost ~0.2 MB of memory to save 2 µs a
call.) pydantic-core (a dependency already) parses about four times faster than the standard
library, within 20-40% of orjson.

NaN and Infinity are not JSON: the standard library would write the invalid `NaN`, so `dumps`
refuses them, naming where they are (NonFiniteNumberError).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

_from_json: Any = None


class NonFiniteNumberError(ValueError):
    """A NaN or Infinity where JSON can only carry finite numbers; `path` says where."""

    def __init__(self, path: str, value: float) -> None:
        self.path = path
        self.value = value
        super().__init__(
            f"{path}: {value!r} is not a JSON number (NaN and Infinity cannot be sent)"
        )


_encoders: dict[Callable[[Any], Any] | None, json.JSONEncoder] = {}


def _encoder(default: Callable[[Any], Any] | None) -> json.JSONEncoder:
    # one encoder per hook (a handful of module functions): building one per call costs 20%
    encoder = _encoders.get(default)
    if encoder is None:
        encoder = _encoders[default] = json.JSONEncoder(
            separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=default
        )
    return encoder


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Serialise to compact UTF-8 JSON bytes; `default` converts objects JSON cannot carry.

    A NaN or Infinity anywhere raises NonFiniteNumberError naming its path.
    """
    try:
        text = _encoder(default).encode(value)
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        _check_finite(value, "", default)
        raise
    return text.encode()


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
    """Parse JSON from bytes or text; malformed input (NaN included) raises ValueError."""
    global _from_json
    if _from_json is None:  # on first use: `import openrouter_kit` loads no pydantic
        from pydantic_core import from_json

        _from_json = from_json
    return _from_json(data, allow_inf_nan=False, cache_strings="keys")
