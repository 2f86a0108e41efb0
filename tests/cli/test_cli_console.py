"""Terminal output: colors only on a terminal without NO_COLOR, aligned tables, money and price formats."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openrouter_kit._console import (
    Console,
    format_context,
    format_price,
    format_usd,
    render_table,
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colors_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Console(Terminal(), Terminal()).color
    assert not Console(io.StringIO(), io.StringIO()).color
    monkeypatch.setenv("NO_COLOR", "1")
    console = Console(Terminal(), Terminal())
    assert not console.color and not console.err_color
    assert console.style("x", "bold") == "x"


def test_colored_cells_still_line_up() -> None:
    out = Terminal()
    console = Console(out, Terminal())
    console.table(
        ("A", "PRICE"), [[console.style("free", "green"), "1"], ["longer", "10.00"]], align="lr"
    )
    lines = out.getvalue().splitlines()
    assert "\x1b[" in lines[1]
    plain = [
        line.replace("\x1b[32m", "").replace("\x1b[0m", "").replace("\x1b[1m", "") for line in lines
    ]
    assert plain == ["A       PRICE", "free        1", "longer  10.00"]


def test_render_table_checks_alignment_spec() -> None:
    with pytest.raises(ValueError):
        render_table(("A", "B"), [], align="l")
    assert render_table(("A", "B"), [["x", "y"]], indent=2) == ["  A  B", "  x  y"]


def test_progress_off_a_terminal_writes_plain_lines() -> None:
    err = io.StringIO()
    console = Console(io.StringIO(), err)
    with console.progress("embedding"):
        pass
    with console.progress("waiting", transient=True):
        pass
    lines = err.getvalue().splitlines()
    assert lines[0] == "embedding ..."
    assert lines[1].startswith("embedding: done in ")
    assert len(lines) == 2  # transient progress leaves nothing in logs


def test_progress_on_a_terminal_clears_its_line() -> None:
    err = Terminal()
    console = Console(io.StringIO(), err)
    with console.progress("waiting", transient=True):
        pass
    assert err.getvalue().endswith("\r\x1b[K")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (Decimal("0"), "free"),
        (Decimal("-1000000"), "varies"),
        (Decimal("0.15000000"), "0.15"),
        (Decimal("10.00000"), "10.00"),
        (Decimal("0.049000000"), "0.049"),
        (Decimal("3"), "3.00"),
    ],
)
def test_format_price(value: Decimal | None, text: str) -> None:
    assert format_price(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (0.0, "$0"),
        (1.08e-06, "$0.00000108"),
        (0.002, "$0.002"),
        (12.5, "$12.50"),
        (Decimal("5"), "$5.00"),
    ],
)
def test_format_usd(value: float | Decimal | None, text: str) -> None:
    assert format_usd(value) == text


def test_format_context() -> None:
    assert format_context(131072) == "131,072"
    assert format_context(None) == "-"
