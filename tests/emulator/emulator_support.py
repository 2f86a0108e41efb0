"""Helpers for the emulator tests: real-traffic loading and structural shape comparison."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = [
    os.environ.get("REAL_TRAFFIC", ""),
    str(_ROOT / "tests" / "recordings"),
]

BASE_URL = "http://emulator.openrouter-kit.local/api/v1"


def real_file(relative: str) -> Path:
    """A file of the real recorded traffic; skips the test when the recordings are absent."""
    for base in _CANDIDATES:
        if base and (Path(base) / relative).is_file():
            return Path(base) / relative
    raise FileNotFoundError(f"real traffic recording missing from tests/recordings: {relative}")


def cassette(relative: str) -> list[dict[str, Any]]:
    """The interactions of a vcrpy cassette."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc = yaml.load(real_file(relative).read_text(encoding="utf-8"), Loader=loader)
    return list(doc["interactions"])


def response_text(interaction: dict[str, Any]) -> str:
    body = interaction["response"].get("body") or {}
    if "string" in body:
        return str(body["string"])
    return json.dumps(interaction["response"].get("parsed_body"))


def response_json(interaction: dict[str, Any]) -> Any:
    body = interaction["response"].get("body") or {}
    if body.get("string"):
        return json.loads(body["string"])
    return interaction["response"]["parsed_body"]


def sse_payloads(text: str) -> list[Any]:
    """JSON payloads of ``data:`` lines (``[DONE]`` and comments skipped)."""
    out = []
    for line in text.splitlines():
        if line.startswith("data: ") and line[6:].strip() != "[DONE]":
            out.append(json.loads(line[6:]))
    return out


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def assert_conforms(
    real: Any, emulated: Any, path: str = "$", ignore: tuple[str, ...] = ()
) -> None:
    """Every key of the real object exists in the emulated one with a compatible JSON type.

    ``null`` on either side is compatible with anything (fields are nullable in real traffic);
    lists are compared element-wise on their first element.
    """
    if real is None or emulated is None:
        return
    assert kind(real) == kind(emulated), f"{path}: real {kind(real)} vs emulated {kind(emulated)}"
    if isinstance(real, dict):
        for key, value in real.items():
            if f"{path}.{key}" in ignore:
                continue
            assert key in emulated, f"{path}.{key} missing from emulator output"
            assert_conforms(value, emulated[key], f"{path}.{key}", ignore)
    elif isinstance(real, list) and real and emulated:
        assert_conforms(real[0], emulated[0], f"{path}[0]", ignore)


def validate(schema: dict[str, Any], value: Any, root: dict[str, Any] | None = None) -> None:
    """A small JSON-schema validator for the subset the tests use."""
    root = root or schema
    if "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        validate(node, value, root)
        return
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(option, value, root)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"no anyOf branch matched: {errors}")
    if "enum" in schema:
        assert value in schema["enum"], f"{value!r} not in {schema['enum']}"
    expected = schema.get("type")
    types = expected if isinstance(expected, list) else [expected] if expected else []
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if types:
        assert any(checks[t](value) for t in types), f"{value!r} is not {types}"
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in value, f"missing required {name}"
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(props), f"extra keys {set(value) - set(props)}"
        for name, sub in props.items():
            if name in value:
                validate(sub, value[name], root)
    if isinstance(value, list) and "items" in schema:
        assert len(value) >= schema.get("minItems", 0)
        for item in value:
            validate(schema["items"], item, root)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema:
            assert value >= schema["minimum"]
        if "maximum" in schema:
            assert value <= schema["maximum"]
