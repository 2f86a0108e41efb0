"""Generate `openrouter_kit/resources/_async.pyi`: how the resources look through AsyncOpenRouter.

Resource methods are written once (resources/*.py) and annotated with what the sync client
returns; through AsyncOpenRouter the same methods return awaitables. This script reads the
resource modules with `ast` and writes, for every Resource subclass `X`, a stub class `AsyncX`
whose methods are `async def` with the same parameters, and whose streams are `AsyncStream`.
Methods returning a `Paginator` stay plain `def` (the pager itself is async-iterable), and
sub-resources set in `__init__` (e.g. `chat.completions`) point to their async stub classes.
The stub is type information only; nothing imports it at runtime.

    uv run python tools/gen_async_stubs.py          # rewrite the stub
    uv run python tools/gen_async_stubs.py --check  # exit 1 if the checked-in stub is stale
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "core" / "src" / "openrouter_kit" / "resources"
STUB = RESOURCES / "_async.pyi"
BASE = "Resource"

HEADER = '''"""Async views of the resources, for type checkers only (generated; do not edit).

Regenerate with `uv run python tools/gen_async_stubs.py`; tests/core/test_async_stubs.py fails
when this file is stale. AsyncOpenRouter's resource attributes are annotated with these classes.
"""

# ruff: noqa
'''


@dataclass
class Module:
    """What one resource module defines and imports, by name."""

    name: str
    tree: ast.Module
    defined: set[str] = field(default_factory=set)
    imports: dict[str, tuple[str, int, str]] = field(
        default_factory=dict
    )  # name -> (module, level, original)


def _load(path: Path) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = Module(path.stem, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (
                    node.module or "",
                    node.level,
                    alias.name,
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (alias.name, 0, "")
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            module.defined.add(node.name)
        elif isinstance(node, ast.Assign):
            module.defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            module.defined.add(node.target.id)
    return module


def _resource_classes(modules: list[Module]) -> dict[str, tuple[Module, ast.ClassDef]]:
    """Every class deriving (directly or not) from Resource, by name."""
    classes = {
        node.name: (module, node)
        for module in modules
        for node in module.tree.body
        if isinstance(node, ast.ClassDef)
    }
    found: dict[str, tuple[Module, ast.ClassDef]] = {}

    def is_resource(name: str) -> bool:
        if name == BASE:
            return True
        entry = classes.get(name)
        return entry is not None and any(
            isinstance(b, ast.Name) and is_resource(b.id) for b in entry[1].bases
        )

    for name, entry in classes.items():
        if name != BASE and is_resource(name):
            found[name] = entry
    return found


class _Async(ast.NodeTransformer):
    """Rewrites a return annotation for the async client: Stream[X] -> AsyncStream[X]."""

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == "Stream":
            return ast.Name("AsyncStream", node.ctx)
        return node


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _docstring(node: ast.FunctionDef | ast.ClassDef, indent: str) -> list[str]:
    doc = ast.get_docstring(node)
    if not doc:
        return []
    body = doc.replace('"""', '\\"\\"\\"').splitlines()
    if len(body) == 1:
        return [f'{indent}"""{body[0]}"""']
    return [
        f'{indent}"""{body[0]}',
        *[f"{indent}{line}" if line else "" for line in body[1:]],
        f'{indent}"""',
    ]


def _method(
    fn: ast.FunctionDef, resources: dict[str, tuple[Module, ast.ClassDef]]
) -> tuple[list[str], set[str]]:
    """The stub lines of one method, and the names its signature uses."""
    returns = fn.returns
    paginated = returns is not None and "Paginator" in _names(returns)
    if returns is not None and not paginated:
        returns = _Async().visit(ast.parse(ast.unparse(returns), mode="eval").body)
    used = _names(fn.args) | (_names(returns) if returns is not None else set())
    for decorator in fn.decorator_list:
        used |= _names(decorator)
    lines = [f"    @{ast.unparse(d)}" for d in fn.decorator_list]
    prefix = "def" if paginated else "async def"
    arrow = f" -> {ast.unparse(returns)}" if returns is not None else ""
    signature = f"    {prefix} {fn.name}({ast.unparse(fn.args)}){arrow}:"
    doc = _docstring(fn, "        ")
    if doc:
        lines += [signature, *doc, ""]
    else:
        lines += [signature + " ...", ""]
    return lines, used


def _class(
    name: str, node: ast.ClassDef, resources: dict[str, tuple[Module, ast.ClassDef]]
) -> tuple[list[str], set[str]]:
    bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
    stub_bases = [f"Async{b}" if b in resources else b for b in bases]
    lines = [f"class Async{name}({', '.join(stub_bases)}):"]
    lines += _docstring(node, "    ")
    used = {b for b in stub_bases if not b.startswith("Async")}
    body: list[str] = []
    overloaded = {
        item.name
        for item in node.body
        if isinstance(item, ast.FunctionDef)
        and any(ast.unparse(d) in ("overload", "typing.overload") for d in item.decorator_list)
    }
    for item in node.body:
        if (
            isinstance(item, ast.Assign)
            and isinstance(item.value, ast.Call)
            and isinstance(item.value.func, ast.Name)
            and item.value.func.id in ("operation", "all_pages")
        ):
            # a method made from the generated operation table: keywords as documented; a
            # list_all (all_pages) returns its paginator at once, to iterate with `async for`
            for target in item.targets:
                if not isinstance(target, ast.Name):
                    continue
                if item.value.func.id == "all_pages":
                    body.append(
                        f"    def {target.id}(self, *args: str, max_items: int | None = None,"
                        " **params: Any) -> Paginator[Any]: ..."
                    )
                    used.add("Paginator")
                else:
                    body.append(
                        f"    async def {target.id}(self, *args: str, **params: Any) -> Any: ..."
                    )
                used.add("Any")
            continue
        if not isinstance(item, ast.FunctionDef):
            continue
        if item.name in overloaded and not item.decorator_list:
            continue  # a stub lists the overloads only, not the implementation
        if item.name == "__init__":
            # sub-resources: self.completions = Completions(client)
            for stmt in ast.walk(item):
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.value, ast.Call)
                    and isinstance(stmt.value.func, ast.Name)
                    and stmt.value.func.id in resources
                ):
                    for target in stmt.targets:
                        if isinstance(target, ast.Attribute):
                            body.append(f"    {target.attr}: Async{stmt.value.func.id}")
            continue
        if item.name.startswith("_"):
            continue
        method, names = _method(item, resources)
        body += method
        used |= names
    if not body:
        body = ["    ..."] if len(lines) == 1 else []
    return lines + body, used


def _import_line(name: str, origin: tuple[str, int, str]) -> str:
    module, level, original = origin
    if level == 0 and not original:
        return f"import {module}"
    alias = f"{original} as {name}" if original != name else name
    return f"from {'.' * level}{module} import {alias}"


def generate() -> str:
    modules = [_load(path) for path in sorted(RESOURCES.glob("*.py")) if path.name != "__init__.py"]
    resources = _resource_classes(modules)
    blocks: list[str] = []
    used: dict[str, set[str]] = {}
    # Emit base classes first so the stub reads top-down.
    order = sorted(
        resources, key=lambda n: (resources[n][0].name != "_resource", resources[n][0].name, n)
    )
    for name in order:
        module, node = resources[name]
        lines, names = _class(name, node, resources)
        blocks.append("\n".join(lines))
        used.setdefault(module.name, set()).update(names)
    imports: dict[str, str] = {
        "AsyncStream": "from .._streaming import AsyncStream",
        "Paginator": "from .._pagination import Paginator",
    }
    builtin = {
        "self",
        "None",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "object",
        "type",
        "dict",
        "list",
        "tuple",
        "set",
        "frozenset",
    }
    for module in modules:
        for name in sorted(used.get(module.name, ())):
            if name in builtin or name in imports or name.startswith("Async"):
                continue
            if name in module.defined:
                line = f"from .{module.name} import {name}"
            elif name in module.imports:
                line = _import_line(name, module.imports[name])
            else:
                raise SystemExit(
                    f"{module.name}: cannot resolve the name {name!r} used in a signature"
                )
            imports[name] = line
    header_imports = sorted(set(imports.values()))
    text = HEADER + "\n" + "\n".join(header_imports) + "\n\n\n" + "\n\n\n".join(blocks) + "\n"
    return _format(text)


def _format(text: str) -> str:
    """The stub as `ruff format` writes it, so formatting the repository leaves it unchanged."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(STUB), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the stub is out of date")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = STUB.read_text(encoding="utf-8") if STUB.exists() else ""
        if current != text:
            print(
                f"{STUB.relative_to(ROOT)} is stale: run `uv run python tools/gen_async_stubs.py`"
            )
            return 1
        return 0
    STUB.write_text(text, encoding="utf-8")
    print(f"wrote {STUB.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
