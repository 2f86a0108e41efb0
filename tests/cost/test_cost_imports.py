"""cost.py sits below the client (issue 14, item 9): it reaches the client only through the hooks
it is handed, so importing it pulls in neither client.py nor the resources, and no import circle
runs through it. Read from the source, so a new module-level import that breaks this fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import openrouter_kit

PACKAGE = Path(openrouter_kit.__file__).parent


def module_imports(name: str) -> set[str]:
    """The package modules `name` imports when it is imported (TYPE_CHECKING blocks excluded)."""
    relative = name.removeprefix("openrouter_kit").lstrip(".").replace(".", "/")
    path = PACKAGE / f"{relative}.py"
    is_package = not path.exists()
    if is_package:
        path = PACKAGE / relative / "__init__.py"
    parts = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = ".".join(parts[: len(parts) - node.level + 1])
        full = f"{base}.{node.module}" if node.module else base
        for alias in node.names:
            candidate = f"{full}.{alias.name}"
            sub = candidate.removeprefix("openrouter_kit.").replace(".", "/")
            if (PACKAGE / f"{sub}.py").exists() or (PACKAGE / sub / "__init__.py").exists():
                found.add(candidate)
            else:
                found.add(full)
    return found


def reach(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for name in module_imports(todo.pop()):
            if name not in seen and name != "openrouter_kit":
                seen.add(name)
                todo.append(name)
    return seen


def test_cost_does_not_import_the_client_or_the_resources() -> None:
    reached = reach("openrouter_kit.cost")
    assert "openrouter_kit._json" in reached  # the walk does follow imports
    assert "openrouter_kit.client" not in reached
    assert not any(name.startswith("openrouter_kit.resources") for name in reached)


def test_no_import_circle_runs_through_cost() -> None:
    assert "openrouter_kit.cost" not in reach("openrouter_kit.cost")
