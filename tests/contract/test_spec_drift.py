"""The client against the vendored OpenAPI document (spec/openapi.yaml), operation by operation.

An independent server (httpx.MockTransport) answers every operation with the document's own
example. For each operation this checks, sync and async: the method named in spec/operations.tsv
exists; the documented example request reaches the right method and path; the documented 2xx
example parses and keeps every leaf; every documented body field, query parameter and header
parameter is accepted and put on the wire. It also fails when the generated table is stale.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import pytest
import yaml
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit._generated.operations import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
ROWS = sorted(OPERATIONS.values(), key=lambda op: op.operation_id)
# deprecated operations never succeed any more (spec/operations.tsv): they are not exercised
SPEC_ROWS = [op for op in ROWS if op.path in DOC["paths"] and not op.deprecated]


def resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = DOC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def doc_operation(op: Any) -> dict[str, Any]:
    return DOC["paths"][op.path][op.method.lower()]


def example_of(schema: Any) -> Any:
    """A value the schema accepts (never None: None means "not given" to the client)."""
    schema = resolve(schema) or {}
    if schema.get("example") is not None:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
    for key in ("anyOf", "oneOf", "allOf"):
        variants = [v for v in schema.get(key, ()) if resolve(v).get("type") != "null"]
        if variants:
            return example_of(variants[0])
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        return low if low is not None else (high if high is not None else 1)
    if kind == "array":
        return [example_of(schema.get("items", {}))]
    return {"boolean": True, "object": {"key": "value"}}.get(kind, "x")


def request_example(op: Any) -> dict[str, Any]:
    content = (doc_operation(op).get("requestBody") or {}).get("content", {})
    for kind in ("application/json", "multipart/form-data"):
        if kind in content:
            media = content[kind]
            example = media.get("example") or resolve(media.get("schema", {})).get("example")
            if isinstance(example, dict):
                return dict(example)
    return {}


def response_example(op: Any) -> Any:
    response = resolve(doc_operation(op)["responses"].get(str(op.status)) or {})
    media = (response.get("content") or {}).get("application/json") or {}
    return media.get("example", resolve(media.get("schema", {})).get("example"))


def parameter_example(op: Any, name: str) -> Any:
    for parameter in doc_operation(op).get("parameters", []):
        parameter = resolve(parameter)
        if parameter["name"] == name:
            return parameter.get("example", example_of(parameter.get("schema")))
    return "x"


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(leaves(item, f"{path}.{key}"))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(leaves(item, f"{path}[{index}]"))
        return out
    return {path: value}


def same(kept: Any, sent: Any) -> bool:
    """A leaf as parsed equals the leaf as sent: numbers by value (prices become exact
    decimals), unix times as the datetimes they parse into, secrets masked but present."""
    if kept == sent or str(kept).lower() == str(sent).lower():
        return True
    if kept == "**********":  # a key (SecretStr): kept, and shown only through get_secret_value()
        return True
    if isinstance(kept, str) and isinstance(sent, str) and "T" in kept and "T" in sent:
        from datetime import datetime

        try:
            return datetime.fromisoformat(kept.replace("Z", "+00:00")) == datetime.fromisoformat(
                sent.replace("Z", "+00:00")
            )
        except ValueError:
            return False
    if isinstance(sent, (int, float)) and isinstance(kept, str) and "T" in kept:
        from datetime import datetime

        return datetime.fromisoformat(kept.replace("Z", "+00:00")).timestamp() == float(sent)
    try:
        return float(kept) == pytest.approx(float(sent))
    except (TypeError, ValueError):
        return False


def call(client: Any, op: Any, args: tuple[str, ...], kwargs: dict[str, Any]) -> Any:
    method = client
    for part in op.name.split("."):
        method = getattr(method, part)
    return method(*args, **kwargs)


class Server:
    """Answers every operation with its documented success example; remembers the last request."""

    def __init__(self, op: Any) -> None:
        self.op = op
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.op.binary:
            return httpx.Response(
                self.op.status,
                content=b"\x00\x01binary",
                headers={"content-type": self.op.response[0]},
            )
        body = response_example(self.op)
        return httpx.Response(self.op.status, json=body if body is not None else {})


def _arguments(op: Any, *, every_field: bool) -> tuple[tuple[str, ...], dict[str, Any]]:
    args = tuple(str(parameter_example(op, name)) for name in op.path_params)
    kwargs: dict[str, Any] = request_example(op)
    if op.multipart:
        kwargs["file"] = ("clip.wav", b"RIFF....WAVE", "audio/wav")
    for name in op.required:
        kwargs.setdefault(name, example_of(_field_schema(op, name)))
    for parameter in doc_operation(op).get("parameters", []):
        parameter = resolve(parameter)
        if parameter["in"] == "query" and parameter.get("required"):
            kwargs.setdefault(parameter["name"], parameter_example(op, parameter["name"]))
    if every_field:
        for name in op.body:
            if kwargs.get(name) is None:  # a documented null would not reach the wire
                kwargs[name] = example_of(_field_schema(op, name))
        for name in op.query:
            kwargs.setdefault(name, parameter_example(op, name))
        for name in op.headers:
            kwargs.setdefault(name.lower().replace("-", "_"), parameter_example(op, name))
    kwargs.pop("stream", None)  # streaming is exercised by the stream tests
    if op.name == "guardrails.list_key_assignments" and op.path_params:
        kwargs["guardrail_id"] = args[0]
        args = ()
    if op.name == "guardrails.list_member_assignments" and op.path_params:
        kwargs["guardrail_id"] = args[0]
        args = ()
    if op.path_params == ("author", "slug"):
        args = (f"{args[0]}/{args[1]}",)
    return args, kwargs


def _field_schema(op: Any, name: str) -> Any:
    content = (doc_operation(op).get("requestBody") or {}).get("content", {})
    for media in content.values():
        schema = resolve(media.get("schema", {}))
        for part in [
            schema,
            *schema.get("allOf", []),
            *schema.get("oneOf", []),
            *schema.get("anyOf", []),
        ]:
            part = resolve(part)
            if name in part.get("properties", {}):
                return part["properties"][name]
    return {}


def test_the_generated_table_is_current() -> None:
    done = subprocess.run(
        [sys.executable, "tools/gen_api.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_every_operation_of_the_document_and_the_snapshot_has_a_row() -> None:
    in_doc = {
        (m.upper(), p)
        for p, item in DOC["paths"].items()
        for m in item
        if m in ("get", "post", "put", "patch", "delete")
    }
    rows = {(op.method, op.path) for op in ROWS}
    assert in_doc <= rows, (
        f"operations to add to spec/operations.tsv and regenerate: {sorted(in_doc - rows)}"
    )
    assert len(ROWS) == 98


@pytest.mark.parametrize("op", ROWS, ids=lambda op: op.operation_id)
def test_the_method_exists_on_both_clients(op: Any) -> None:
    for client_class in (OpenRouter, AsyncOpenRouter):
        client = client_class(api_key="sk-or-v1-test", http_client=None)
        target = client
        for part in op.name.split("."):
            assert hasattr(target, part), (
                f"add {client_class.__name__}.{op.name} for {op.method} {op.path}"
            )
            target = getattr(target, part)
        assert callable(target)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("op", SPEC_ROWS, ids=lambda op: op.operation_id)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_documented_example_round_trips(op: Any, mode: str) -> None:
    server = Server(op)
    args, kwargs = _arguments(op, every_field=False)
    result = _run(mode, op, server, args, kwargs)
    sent = server.requests[-1]
    assert sent.method == op.method
    expected = op.path
    for name in op.path_params:
        expected = expected.replace("{" + name + "}", str(parameter_example(op, name)))
    assert unquote(sent.url.path) == "/api/v1" + expected
    if op.binary:
        assert result == b"\x00\x01binary"
        return
    example = response_example(op)
    if isinstance(example, dict):
        kept = leaves(result.model_dump(mode="json", by_alias=True))
        for path, value in leaves(example).items():
            assert path in kept, f"{op.operation_id}: the answer's {path} was dropped"
            assert same(kept[path], value), (
                f"{op.operation_id}: {path} is {kept[path]!r}, sent {value!r}"
            )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    "op",
    [op for op in SPEC_ROWS if op.body or op.query or op.headers],
    ids=lambda op: op.operation_id,
)
def test_every_documented_field_and_parameter_is_accepted_and_sent(op: Any) -> None:
    server = Server(op)
    args, kwargs = _arguments(op, every_field=True)
    _run("sync", op, server, args, kwargs)
    sent = server.requests[-1]
    query = parse_qs(sent.url.query.decode())
    body: dict[str, Any] = {}
    if sent.content and sent.headers.get("content-type", "").startswith("application/json"):
        body = json.loads(sent.content)
    form = sent.content.decode("latin-1") if op.multipart else ""
    missing = [
        *(f"query parameter {q}" for q in op.query if q not in query),
        *(f"header {h}" for h in op.headers if h.lower() not in {k.lower() for k in sent.headers}),
        *(
            f"body field {f}"
            for f in op.body
            if f != "stream" and f not in body and f'name="{f}"' not in form
        ),
    ]
    assert not missing, f"{op.name}() did not send: {', '.join(missing)}"


def _run(mode: str, op: Any, server: Server, args: tuple[str, ...], kwargs: dict[str, Any]) -> Any:
    if mode == "sync":
        with OpenRouter(
            api_key="sk-or-v1-test",
            http_client=httpx.Client(transport=httpx.MockTransport(server)),
            max_retries=0,
        ) as client:
            result = call(client, op, args, kwargs)
            return result.read() if op.binary else result

    async def run() -> Any:
        async with AsyncOpenRouter(
            api_key="sk-or-v1-test",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
            max_retries=0,
        ) as client:
            result = await call(client, op, args, kwargs)
            return await result.read() if op.binary else result

    return asyncio.run(run())


def test_a_deprecated_operation_warns_and_needs_no_arguments() -> None:
    deprecated = [op for op in ROWS if op.deprecated]
    assert [op.name for op in deprecated] == ["credits.create_coinbase_charge"]
    server = Server(deprecated[0])
    with (
        OpenRouter(
            api_key="sk-or-v1-test", http_client=httpx.Client(transport=httpx.MockTransport(server))
        ) as client,
        pytest.warns(DeprecationWarning, match="deprecated"),
        pytest.raises(Exception),  # noqa: B017 - the document says it never returns a 200 body
    ):
        client.credits.create_coinbase_charge()
    assert server.requests[-1].method == "POST" and server.requests[-1].content == b""
