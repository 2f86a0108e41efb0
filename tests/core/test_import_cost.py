"""`import openrouter_kit` stays light: no response models and no pydantic until a call needs them."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_import_loads_no_models_and_no_pydantic() -> None:
    loaded = _modules_after("import openrouter_kit")
    assert "pydantic" not in loaded
    assert not {m for m in loaded if m.startswith("openrouter_kit.types.")}
    assert not {
        m for m in loaded if m.startswith(("openrouter_kit_emulator", "openrouter_kit.selector"))
    }


def test_first_call_loads_only_its_group() -> None:
    loaded = _modules_after(
        "import httpx, openrouter_kit as o; "
        "c = o.OpenRouter(api_key='k', http_client=httpx.Client(transport=httpx.MockTransport("
        "lambda r: httpx.Response(200, json={'data': [{'index': 0, 'embedding': [1.0]}]})))); "
        "c.embeddings.create(model='e/x', input='a')"
    )
    assert "openrouter_kit.types.embeddings" in loaded
    assert "openrouter_kit.types.responses" not in loaded
    assert "openrouter_kit.types.guardrails" not in loaded


def test_a_sync_chat_program_loads_no_asyncio_streams_or_other_groups() -> None:
    # what a sync program pays for (peak RSS, bench/RESULTS.md): nothing it does not call
    loaded = _modules_after(
        "import httpx, openrouter_kit as o; "
        "c = o.OpenRouter(api_key='k', http_client=httpx.Client(transport=httpx.MockTransport("
        "lambda r: httpx.Response(200, json={'choices': [{'message': {'content': 'hi'}}]})))); "
        "o.AsyncOpenRouter(api_key='k'); "
        "c.chat.completions.create(model='m/x', messages=[{'role': 'user', 'content': 'hi'}])"
    )
    assert "openrouter_kit.types.chat" in loaded
    assert "asyncio" not in loaded
    assert "openrouter_kit._streaming" not in loaded
    assert "openrouter_kit._binary" not in loaded
    # the chat answer's types only, not the shared request-side ones
    assert "openrouter_kit.types.common" not in loaded
    groups = {m for m in loaded if m.startswith("openrouter_kit.resources.")}
    assert groups == {"openrouter_kit.resources._resource", "openrouter_kit.resources.chat"}
    # keywords are checked against the compact table, not the 98-operation one
    assert "openrouter_kit._generated.keywords" in loaded
    assert "openrouter_kit._generated.operations" not in loaded


def test_a_generated_operation_loads_the_full_table_and_still_routes() -> None:
    loaded = _modules_after(
        "import httpx, openrouter_kit as o; "
        "c = o.OpenRouter(api_key='k', http_client=httpx.Client(transport=httpx.MockTransport("
        "lambda r: httpx.Response(200, json={'data': {'id': r.url.path}})))); "
        "assert c.byok.get('abc').data['id'] == '/api/v1/byok/abc'"
    )
    assert "openrouter_kit._generated.operations" in loaded


def test_the_lazy_tables_hold_every_operation_once() -> None:
    from openrouter_kit import _endpoints
    from openrouter_kit._generated.keywords import KEYWORDS
    from openrouter_kit._generated.operations import OPERATIONS

    names = {op.name for op in OPERATIONS.values()}
    assert names == set(KEYWORDS)
    assert set(_endpoints.ENDPOINTS) == names | set(_endpoints.DEFINED)
    assert names - set(_endpoints.DEFINED) == _endpoints.GENERATED
    routes = _endpoints.ROUTES
    for name in _endpoints.ENDPOINTS:
        assert routes[name] == _endpoints.ENDPOINTS[name]
    assert set(routes) == set(_endpoints.ENDPOINTS) | set(_endpoints.VARIANTS)
    try:
        routes["no.such.operation"]
    except KeyError as exc:
        assert exc.args == ("no.such.operation",)
    else:
        raise AssertionError("an unknown operation must not route")


def test_a_resource_group_is_made_once_per_client() -> None:
    import openrouter_kit as o

    client = o.OpenRouter(api_key="k")
    assert client.files is client.files
    assert o.OpenRouter(api_key="k").files is not client.files
    assert client.files._client is client
