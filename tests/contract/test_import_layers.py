"""Imports run one way (ARCHITECTURE.md): cli → adapters and emulator → client → pipeline → types.

Reads every module of the core with `ast` and follows all its imports: module level, inside
functions, and under `if TYPE_CHECKING:` too, since a type-only import back up the chain is still
a dependency the wrong way. Fails on any circle between the core's modules, on a resource, type or
cost module that imports the client, and on a core module that imports the emulator or a
framework (the CLI, at the top, may reach the emulator).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core" / "src" / "openrouter_kit"
PACKAGE = "openrouter_kit"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(CORE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from . import x` imports the submodule x
            found.update(f"{target}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = _imports(tree, name, path.name == "__init__.py")
        graph[name] = {i for i in imports if i in modules and i != name}
        graph[name].add("#external:" + ",".join(sorted(i for i in imports if i not in modules)))
    return graph


GRAPH = _graph()


def _edges(module: str) -> set[str]:
    return {m for m in GRAPH[module] if not m.startswith("#")}


def _externals(module: str) -> set[str]:
    return {e for m in GRAPH[module] if m.startswith("#external:") for e in m[10:].split(",") if e}


def _cycle_from(start: str) -> list[str] | None:
    # package __init__ re-exports are lazy or downward by design; a cycle through one is still a cycle
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in _edges(node):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_the_graph_sees_the_core() -> None:
    assert "openrouter_kit.client" in GRAPH
    assert "openrouter_kit._pipeline" in _edges("openrouter_kit.client")


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m != PACKAGE))
def test_no_import_circles(module: str) -> None:
    # the package's own __init__ only re-exports (lazily where heavy), so it is left out of circles
    cycle = _cycle_from(module)
    if cycle and PACKAGE not in cycle:
        pytest.fail("import circle: " + " -> ".join(cycle))


@pytest.mark.parametrize(
    "module",
    sorted(
        m
        for m in GRAPH
        if m.startswith((f"{PACKAGE}.resources", f"{PACKAGE}.types", f"{PACKAGE}.cost"))
    ),
)
def test_resources_types_and_cost_do_not_import_the_client(module: str) -> None:
    assert f"{PACKAGE}.client" not in _edges(module), f"{module} imports openrouter_kit.client"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_the_core_imports_no_emulator_and_no_framework(module: str) -> None:
    forbidden = ("openrouter_kit_emulator", "langchain", "langchain_core", "llama_index", "ray")
    if module == f"{PACKAGE}.ray":  # the [ray] extra's own module
        forbidden = forbidden[:-1]
    if module == f"{PACKAGE}.cli":  # the top of the chain serves and demos the emulator
        forbidden = forbidden[1:]
    bad = {e for e in _externals(module) if e.split(".")[0] in forbidden}
    assert not bad, f"{module} imports {sorted(bad)}"
