"""Fill a JSON schema with a valid instance, taking values from free text where types fit.

Used for tool-call arguments and ``response_format: json_schema``. Supports the subset
tools use in practice: object/array/string/number/integer/boolean/null, enum, const,
default, anyOf/oneOf/allOf, type lists, ``$ref`` into ``$defs``/``definitions``,
minimum/maximum, minItems, minLength/maxLength.
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w|\.\d)")
"""A number in free text; a sentence's full stop may follow it ("multiply 6 and 7.")."""
_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']{2,})'|“([^”]+)”")
_PROPER = re.compile(r"\b([A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*)")
_AFTER = re.compile(
    r"\b(?:in|for|about|of|named|called|to|from|at|on)\s+([A-Za-z][\w\-]*(?:\s+[A-Z][\w\-]*)*)"
)
_STOP = {
    "the", "a", "an", "me", "my", "it", "this", "that", "what", "please", "is", "are", "you",
    "who", "how", "when", "where", "why", "which", "can", "could", "would", "tell", "give",
    "find", "get", "use", "call", "show", "list", "i", "we", "do", "does", "let", "hi", "hello",
    "extract", "summarize", "summarise", "return", "create", "make", "write", "generate",
    "parse", "describe", "explain", "answer", "say", "reply", "respond", "output", "format",
}  # fmt: skip


def numbers_in(text: str) -> list[int | float]:
    """The numbers written in ``text``, in order (integers stay ``int``)."""
    out: list[int | float] = []
    for raw in _NUMBER.findall(text):
        value = float(raw)
        out.append(int(value) if value.is_integer() and "." not in raw else value)
    return out


class _Source:
    """Values found in the text, handed out in order so two numbers fill two fields."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.numbers = [m.group() for m in _NUMBER.finditer(text)]
        self.quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
        proper = [m.group(1) for m in _PROPER.finditer(text)]
        self.proper = []
        for p in proper:
            words = [w for w in p.split() if w.lower() not in _STOP]
            if words:
                self.proper.append(" ".join(words))
        self.after = [m.group(1) for m in _AFTER.finditer(text) if m.group(1).lower() not in _STOP]
        self._used: set[str] = set()

    def take(self, pool: list[str]) -> str | None:
        for value in pool:
            if value not in self._used:
                self._used.add(value)
                return value
        return None


def _resolve(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        ref = str(schema["$ref"])
        node: Any = root
        for part in ref.lstrip("#/").split("/"):
            if not part:
                continue
            node = node.get(part, {}) if isinstance(node, dict) else {}
        merged = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **merged}
    return schema if isinstance(schema, dict) else {}


def _type_of(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return str(non_null[0]) if non_null else "null"
    if isinstance(t, str):
        return t
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _name_hint(name: str, src: _Source) -> str | None:
    """A value for string fields whose name says what they hold."""
    lname = name.lower()
    if any(w in lname for w in ("city", "location", "place", "country", "town", "region")):
        return src.take(src.after) or src.take(src.proper)
    if any(w in lname for w in ("name", "person", "author", "title")):
        return src.take(src.proper) or src.take(src.after)
    return None


def name_hint(name: str, text: str) -> str | None:
    """A value from ``text`` for a string field whose name says what it holds (city, name...)."""
    return _name_hint(name, _Source(text))


def fill(schema: Any, text: str, root: dict[str, Any] | None = None, name: str = "") -> Any:
    """A value valid against ``schema``, preferring values that occur in ``text``."""
    root = root if root is not None else (schema if isinstance(schema, dict) else {})
    return _fill(schema, _Source(text), root, name)


def _fill(schema: Any, src: _Source, root: dict[str, Any], name: str) -> Any:
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        lowered = src.text.lower()
        for option in schema["enum"]:
            if isinstance(option, str) and option.lower() in lowered:
                return option
        return schema["enum"][0]
    for combo in ("anyOf", "oneOf"):
        if schema.get(combo):
            options = [_resolve(o, root) for o in schema[combo]]
            chosen = next((o for o in options if _type_of(o) != "null"), options[0])
            return _fill(chosen, src, root, name)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            part = _resolve(part, root)
            for k, v in part.items():
                if k == "properties":
                    merged.setdefault("properties", {}).update(v)
                elif k == "required":
                    merged.setdefault("required", []).extend(v)
                else:
                    merged[k] = v
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return _fill({**merged, **rest}, src, root, name)
    kind = _type_of(schema)
    if kind == "object":
        return _fill_object(schema, src, root)
    if kind == "array":
        items = schema.get("items", {})
        count = max(1, int(schema.get("minItems", 1)))
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [_fill(items, src, root, name) for _ in range(count)]
    if kind in ("integer", "number"):
        return _fill_number(schema, src, kind)
    if kind == "boolean":
        lowered = src.text.lower()
        if re.search(r"\b(no|false|disable|without)\b", lowered):
            return False
        return bool(re.search(r"\b(yes|true|enable|with)\b", lowered)) or bool(
            schema.get("default", False)
        )
    if kind == "null":
        return None
    return _fill_string(schema, src, name)


def _fill_object(schema: dict[str, Any], src: _Source, root: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = schema.get("properties") or {}
    required = list(schema.get("required") or [])
    out: dict[str, Any] = {}
    for key, sub in props.items():
        if key in required:
            out[key] = _fill(sub, src, root, key)
    for key, sub in props.items():
        if key in out:
            continue
        resolved = _resolve(sub, root)
        lowered = src.text.lower()
        mentioned = key.lower() in lowered or any(
            isinstance(o, str) and o.lower() in lowered for o in resolved.get("enum") or []
        )
        if mentioned and _type_of(resolved) != "null":
            out[key] = _fill(resolved, src, root, key)
    for key in required:  # required names without a property schema
        out.setdefault(key, "")
    return out


def _fill_number(schema: dict[str, Any], src: _Source, kind: str) -> float | int:
    raw = src.take(src.numbers)
    if raw is not None:
        value: float = float(raw)
    elif "default" in schema and isinstance(schema["default"], (int, float)):
        value = float(schema["default"])
    else:
        value = 1.0
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    if isinstance(lo, (int, float)) and value < lo:
        value = float(lo) + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    if isinstance(hi, (int, float)) and value > hi:
        value = float(hi) - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
    if kind == "integer":
        return round(value)
    return int(value) if value.is_integer() else value


def _fill_string(schema: dict[str, Any], src: _Source, name: str) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt == "email":
        return "user@example.com"
    if fmt in ("uri", "url"):
        return "https://example.com"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    value = src.take(src.quoted) or _name_hint(name, src)
    if value is None:
        value = schema.get("default") if isinstance(schema.get("default"), str) else None
    if value is None:
        value = _summary(src.text)
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            if not re.search(pattern, value):
                value = ""
        except re.error:
            pass
    lo = int(schema.get("minLength", 0))
    hi = schema.get("maxLength")
    if len(value) < lo:
        value = value + "x" * (lo - len(value))
    if isinstance(hi, int):
        value = value[:hi]
    return value


def _summary(text: str) -> str:
    words = text.strip().split()
    return " ".join(words[:12]) if words else "value"
