"""Generate the operation table of the core from the vendored OpenAPI document.

    uv run python tools/gen_api.py            # rewrites core/src/openrouter_kit/_generated/operations.py
    uv run python tools/gen_api.py --check    # exits 1 if the committed file is stale

Reads spec/openapi.yaml (the contract) and spec/operations.tsv (the Python name of every
operation), and writes one row per operation: its method, path, path/query/header parameters,
body fields (required first), request and response content types, whether it streams, and
whether the document deprecates it. The rows are plain tuples so importing them is cheap.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"
NAMES = ROOT / "spec" / "operations.tsv"
OUT = ROOT / "core" / "src" / "openrouter_kit" / "_generated" / "operations.py"
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _properties(doc: dict[str, Any], schema: Any) -> tuple[list[str], set[str]]:
    """Top-level fields of a request body schema (through $ref, allOf, oneOf/anyOf)."""
    schema = _resolve(doc, schema)
    names: list[str] = []
    required: set[str] = set()
    if not isinstance(schema, dict):
        return names, required
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, ()):
            more, req = _properties(doc, part)
            names += [n for n in more if n not in names]
            if key == "allOf":
                required |= req
    names += [n for n in schema.get("properties", {}) if n not in names]
    required |= set(schema.get("required", ()))
    return names, required


def _python_names() -> dict[tuple[str, str], tuple[str, ...]]:
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        call = cells[3]
        name = call.split("(", 1)[0]
        table[(cells[1], cells[2])] = (name, cells[0], *(cells[4:5] or [""]))
    return table


def rows() -> list[tuple[Any, ...]]:
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    names = _python_names()
    out: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            key = (method.upper(), path)
            seen.add(key)
            if key not in names:
                raise SystemExit(f"spec/operations.tsv has no row for {key[0]} {key[1]}: add one")
            name, _operation_id, *note = names[key]
            params = [
                _resolve(doc, p) for p in item.get("parameters", []) + op.get("parameters", [])
            ]
            path_params = tuple(re.findall(r"\{(\w+)\}", path))
            query = tuple(p["name"] for p in params if p["in"] == "query")
            headers = tuple(p["name"] for p in params if p["in"] == "header")
            content = (op.get("requestBody") or {}).get("content", {})
            request = tuple(content)
            fields: list[str] = []
            required_by_kind: list[set[str]] = []
            for kind in ("application/json", "multipart/form-data"):
                if kind in content:
                    more, req = _properties(doc, content[kind].get("schema"))
                    fields += [f for f in more if f not in fields]
                    required_by_kind.append(req)
            # required in every form the body may take (a file upload replaces input_audio)
            required = set.intersection(*required_by_kind) if required_by_kind else set()
            success = [c for c in op.get("responses", {}) if str(c).startswith("2")]
            status = int(success[0]) if success else 200
            media = tuple(
                (op["responses"].get(str(status)) or op["responses"].get(status) or {}).get(
                    "content", {}
                )
            )
            body = tuple(sorted(fields, key=lambda f: (f not in required, fields.index(f))))
            out.append(
                (
                    name,
                    op.get("operationId", ""),
                    key[0],
                    path,
                    path_params,
                    query,
                    headers,
                    body,
                    tuple(f for f in body if f in required),
                    request,
                    media,
                    status,
                    bool(op.get("deprecated")) or "deprecated" in note,
                )
            )
    for key, (name, operation_id, *_note) in names.items():
        if key not in seen:  # in operations.tsv only: the earlier snapshot's GET /rerank/models
            out.append(
                (
                    name,
                    operation_id,
                    key[0],
                    key[1],
                    (),
                    (),
                    (),
                    (),
                    (),
                    (),
                    ("application/json",),
                    200,
                    False,
                )
            )
    return sorted(out, key=lambda row: (row[0], row[3]))


def render() -> str:
    lines = [
        '"""Every operation of spec/openapi.yaml, generated by tools/gen_api.py: do not edit.',
        "",
        "Fields of a row: python name, operationId, method, path, path parameters, query parameters,",
        "header parameters, body fields (required ones first), required body fields, request",
        "content types, success response content types, success status, deprecated.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from ._operation import Operation",
        "",
        "# keyed by operationId: two operations may share a Python method (an optional path parameter)",
        "OPERATIONS: dict[str, Operation] = {",
    ]
    for row in rows():
        lines.append(f"    {row[1]!r}: Operation{row!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUT.relative_to(ROOT)} is stale: run uv run python tools/gen_api.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count('Operation(')} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
