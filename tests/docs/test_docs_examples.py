"""Every Python example of the documentation runs, page by page, offline against the emulator.

Each page runs in a fresh namespace with the environment of a reader who has no key:
OPENROUTER_API_KEY unset and OPENROUTER_BASE_URL=emulator://, so `OpenRouter()` and the
adapters reach the in-process emulator, and OPENROUTER_MANAGEMENT_KEY holds the emulator's
seeded management key for the management examples (the pages say so). Blocks
marked `<!-- not run: reason -->` are reported as skipped with that reason. New pages are found
by themselves (see docs_blocks.pages).
"""

from __future__ import annotations

import gc
import traceback
from pathlib import Path
from typing import Any

import pytest
from docs_blocks import ROOT, Block, blocks, elided_arguments, pages, run

PAGES = [page for page in pages() if blocks(page)]
ALL = [block for page in PAGES for block in blocks(page)]


def _id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.fixture
def reader_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A reader without a key, in an empty working directory (examples may write files)."""
    from openrouter_kit_emulator import Emulator

    for name in ("OPENROUTER_API_KEY", "OPENROUTER_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENROUTER_BASE_URL", "emulator://")
    monkeypatch.setenv("OPENROUTER_MANAGEMENT_KEY", Emulator().management_key)
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("reader_env")
@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_examples_run(page: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    try:
        for block in blocks(page):
            if block.skip is None:
                _run_or_fail(block, namespace)
    finally:  # close what the page opened (clients, sockets) now, not in a later test
        namespace.clear()
        gc.collect()


def _run_or_fail(block: Block, namespace: dict[str, Any]) -> None:
    try:
        run(block, namespace)
    except Exception as exc:  # report any failure as the block's, at the page's line
        detail = "".join(traceback.format_exception(exc)[-6:])
        pytest.fail(f"{block.where}: the example fails:\n{detail}", pytrace=False)


MARKED = [block for block in ALL if block.skip]


@pytest.mark.parametrize("block", MARKED or [None], ids=lambda b: b.where if b else "none")
def test_block_marked_not_run(block: Block | None) -> None:
    """Each block marked `<!-- not run: reason -->` shows in the report with its reason."""
    if block is not None:
        pytest.skip(f"{block.where}: not run: {block.skip}")


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_no_example_elides_arguments(page: Path) -> None:
    for block in blocks(page):
        lines = elided_arguments(block)
        assert not lines, f"{page.name}: `...` in an argument list at line(s) {lines}: spell it out"
