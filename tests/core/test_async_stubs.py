"""The generated async stubs (resources/_async.pyi): up to date, complete, and what mypy sees.

Resource methods are written once with sync return types; AsyncOpenRouter's attributes are
annotated with the generated Async* stub classes, whose methods are `async def`.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
import textwrap
from pathlib import Path

from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit import resources as resources_module
from openrouter_kit.resources._resource import Resource

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "gen_async_stubs.py"
STUB = ROOT / "core" / "src" / "openrouter_kit" / "resources" / "_async.pyi"


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("gen_async_stubs", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_regenerating_the_stub_gives_no_diff() -> None:
    generated = _tool().generate()  # type: ignore[attr-defined]
    assert generated == STUB.read_text(encoding="utf-8"), (
        "resources/_async.pyi is stale: run `uv run python tools/gen_async_stubs.py`"
    )


def _stub_classes() -> dict[str, ast.ClassDef]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def test_every_resource_method_has_an_async_stub() -> None:
    stubs = _stub_classes()
    # the package loads its groups on first use: its __all__ names every one
    exported = [getattr(resources_module, name) for name in resources_module.__all__]
    resource_classes = [
        cls
        for cls in exported
        if inspect.isclass(cls) and issubclass(cls, Resource) and cls is not Resource
    ]
    assert len(resource_classes) >= 15
    for cls in resource_classes:
        stub = stubs[f"Async{cls.__name__}"]
        kinds = {
            node.name: type(node).__name__
            for node in stub.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            returns = inspect.signature(member).return_annotation
            expected = "FunctionDef" if "Paginator" in str(returns) else "AsyncFunctionDef"
            assert kinds.get(name) == expected, f"{cls.__name__}.{name}"


def test_both_clients_share_the_same_resource_objects_at_runtime() -> None:
    sync = OpenRouter(api_key="sk-or-v1-x")
    async_client = AsyncOpenRouter(api_key="sk-or-v1-x")
    for name in ("chat", "responses", "messages", "keys", "guardrails", "auth", "credits"):
        assert type(getattr(sync, name)) is type(getattr(async_client, name))
    assert type(async_client.chat.completions) is type(sync.chat.completions)


def test_mypy_sees_awaitables_on_the_async_client(tmp_path: Path) -> None:
    from mypy import api

    snippet = tmp_path / "uses_async.py"
    snippet.write_text(
        textwrap.dedent(
            """
            from openrouter_kit import AsyncOpenRouter, OpenRouter

            async def main(client: AsyncOpenRouter, sync: OpenRouter) -> None:
                reveal_type(await client.chat.completions.create(model="m", messages=[]))
                stream = await client.responses.create(input="x", stream=True)
                reveal_type(stream)
                async for key in client.keys.list_all():
                    reveal_type(key)
                reveal_type(sync.messages.create(model="m", messages=[], stream=True))
            """
        )
    )
    out, _, status = api.run(
        ["--strict", "--no-error-summary", "--python-executable", sys.executable, str(snippet)]
    )
    revealed = [
        line.split("Revealed type is ")[1] for line in out.splitlines() if "Revealed" in line
    ]
    assert revealed == [
        '"openrouter_kit.types.chat.ChatCompletion"',
        '"openrouter_kit._streaming.AsyncStream[openrouter_kit.types.responses.ResponseStreamEvent]"',
        '"openrouter_kit.types.keys.ApiKey"',
        '"openrouter_kit._streaming.Stream[openrouter_kit.types.messages.MessageStreamEvent]"',
    ], out
    assert status == 0, out
