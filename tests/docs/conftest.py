"""The documentation examples' tally at the end of a run: how many blocks ran, how many are marked."""

from __future__ import annotations

import pytest
from docs_blocks import blocks, pages


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [
        r for key in ("passed", "failed", "skipped") for r in terminalreporter.stats.get(key, [])
    ]
    if not any(getattr(r, "nodeid", "").startswith("tests/docs/") for r in reports):
        return
    found = [block for page in pages() for block in blocks(page)]
    marked = [block for block in found if block.skip]
    terminalreporter.write_line(
        f"docs: {len(found)} python blocks on {len({b.page for b in found})} pages; "
        f"{len(found) - len(marked)} run against the emulator, {len(marked)} marked not run"
    )
    for block in marked:
        terminalreporter.write_line(f"  not run: {block.where}: {block.skip}")
