"""The collector itself: it finds every Python block, honours `not run` markers, and points at page lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_blocks import ROOT, blocks, elided_arguments, pages, run

PAGE = """# A page

```python
x = 1
```

Some prose.

<!-- not run: needs a real OPENROUTER_API_KEY -->
```python
client.keys.create(name=...)
```

1. In a list:

   ```py
   y = x + 1
   ```

```sh
echo not python
```

```python
print(undefined_name)
```
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text(PAGE)
    return path


def test_finds_python_blocks_with_their_lines_and_reasons(page: Path) -> None:
    found = blocks(page)
    assert [b.line for b in found] == [4, 11, 17, 25]
    assert [b.skip for b in found] == [None, "needs a real OPENROUTER_API_KEY", None, None]
    assert found[2].code == "y = x + 1"  # indented under a list item


def test_runs_in_one_namespace_and_fails_at_the_page_line(page: Path) -> None:
    first, _, third, broken = blocks(page)
    namespace: dict[str, object] = {}
    run(first, namespace)
    run(third, namespace)
    assert namespace["y"] == 2
    with pytest.raises(NameError) as info:
        run(broken, namespace)
    frame = info.traceback[-1]
    assert frame.path == Path("page.md") or str(frame.path).endswith("page.md")
    assert frame.lineno + 1 == 25


def test_top_level_await_runs_like_a_notebook_cell(tmp_path: Path) -> None:
    path = tmp_path / "async.md"
    path.write_text("```python\nimport asyncio\nawait asyncio.sleep(0)\nz = 3\n```\n")
    namespace: dict[str, object] = {}
    run(blocks(path)[0], namespace)
    assert namespace["z"] == 3


def test_elided_arguments_are_found(page: Path) -> None:
    assert elided_arguments(blocks(page)[1]) == [11]
    assert elided_arguments(blocks(page)[0]) == []


def test_a_marker_needs_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("<!-- not run: -->\n```python\nx = 1\n```\n")
    with pytest.raises(ValueError, match="needs a reason"):
        blocks(path)


def test_every_page_is_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in pages()}
    assert {"README.md", "docs/core.md", "docs/api-reference.md"} <= names
    assert all(n.endswith(".md") for n in names)
