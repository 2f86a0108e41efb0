"""Find the Python examples of the documentation pages, and run them as a reader would.

Every ```python block of README.md, the distributions' READMEs and docs/ is found here, page by
page, in the order a reader meets them: the blocks of one page share one namespace, as cells of
a notebook do. A block the reader cannot run offline is marked with an HTML comment on the
line(s) before it, which the page shows to nobody and the test report shows as the reason:

    <!-- not run: needs a real OPENROUTER_API_KEY (it records cassettes) -->
    ```python
    ...
    ```
"""

from __future__ import annotations

import ast
import asyncio
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)")
NOT_RUN = re.compile(r"<!--\s*not run:\s*(?P<reason>.*?)\s*-->", re.DOTALL)
PYTHON = {"python", "py", "python3"}


@dataclass(frozen=True)
class Block:
    """One fenced Python example: where it is, its code, and why it is not run (if it is not)."""

    page: str  # relative to the repository root
    line: int  # the first line of code (1-based)
    code: str
    skip: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """Every documentation page: README.md, the distributions' READMEs, docs/**/*.md."""
    found = [ROOT / "README.md"]
    found += sorted(ROOT.glob("*/README.md")) + sorted(ROOT.glob("integrations/*/README.md"))
    found += sorted(ROOT.glob("integrations/llama-index/*/README.md"))  # the LlamaHub packages
    found += sorted((ROOT / "docs").rglob("*.md"))
    return [page for page in found if page.is_file()]


def blocks(page: Path) -> list[Block]:
    """The Python blocks of one page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    name = page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, indent = match["fence"], match["indent"]
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if match["info"].lower() in PYTHON:
            code = textwrap.dedent(
                "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
            )
            found.append(Block(name, i + 2, code, _reason(lines, i)))
        i = end + 1
    return found


def _reason(lines: list[str], fence: int) -> str | None:
    """The reason in a `<!-- not run: ... -->` comment just above the fence (blank lines allowed)."""
    j = fence - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].rstrip().endswith("-->"):
        return None
    start = j
    while start > 0 and "<!--" not in lines[start]:
        start -= 1
    match = NOT_RUN.search("\n".join(lines[start : j + 1]))
    if match is None:
        return None
    if not match["reason"]:
        raise ValueError(f"{lines[start]!r}: 'not run:' needs a reason the reader would accept")
    return match["reason"]


def elided_arguments(block: Block) -> list[int]:
    """Lines where `...` stands for arguments of a call (an example must spell them out)."""
    tree = ast.parse(block.code)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            values = [*node.args, *(k.value for k in node.keywords)]
            for value in values:
                for inner in ast.walk(value):
                    if isinstance(inner, ast.Constant) and inner.value is Ellipsis:
                        lines.append(block.line + inner.lineno - 1)
    return lines


def run(block: Block, namespace: dict[str, Any]) -> None:
    """Run one block in the page's namespace; tracebacks point at the page's own lines.

    Top-level `await` works, as in a notebook cell.
    """
    source = "\n" * (block.line - 1) + block.code
    code = compile(source, block.page, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if code.co_flags & 0x80:  # CO_COROUTINE: the block awaits at top level
        asyncio.run(eval(code, namespace))
    else:
        exec(code, namespace)
