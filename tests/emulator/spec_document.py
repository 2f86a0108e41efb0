"""The vendored OpenAPI document: loading, operations and 2xx schema validators.

Prefers the repository's ``spec/openapi.yaml``; until it lands, the shared copy next to the
worktree (``../shared/spec``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = [
    _ROOT / "spec" / "openapi.yaml",
    _ROOT.parent / "shared" / "spec" / "openrouter-openapi-2026-08-22.yaml",
]
METHODS = ("get", "post", "put", "patch", "delete")


def spec_path() -> Path:
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"OpenAPI document missing; looked at {[str(c) for c in _CANDIDATES]}")


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(spec_path().read_text(encoding="utf-8"), Loader=loader)
    return loaded


def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (METHOD, path template, operation object)."""
    out: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in document()["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                out[op["operationId"]] = (method.upper(), path, op)
    return out


def success(op: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The documented 2xx status and its content map."""
    for status, response in op["responses"].items():
        if str(status).startswith("2"):
            return int(status), dict(response.get("content") or {})
    raise AssertionError(f"{op['operationId']} documents no 2xx answer")


def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A 2020-12 validator for one schema, resolving ``#/components/...`` in the document."""
    rooted = {**schema, "components": document()["components"]}
    cls = jsonschema.validators.validator_for(rooted, default=jsonschema.Draft202012Validator)
    return cls(rooted)


def request_example(op: dict[str, Any]) -> Any:
    content = (op.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        if "example" in media:
            return media["example"]
        for example in (media.get("examples") or {}).values():
            if "value" in example:
                return example["value"]
    return None
