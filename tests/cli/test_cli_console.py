"""Terminal output: colors only on a terminal without NO_COLOR, aligned tables, money and price formats."""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal

import pytest
from openrouter_kit import _console
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


def test_progress_off_a_terminal_writes_only_how_long_it_took() -> None:
    err = io.StringIO()
    console = Console(io.StringIO(), err)
    with console.progress("embedding"):
        pass
    with console.progress("waiting", transient=True):
        pass
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("embedding: done in ")
    assert "\r" not in err.getvalue()  # no spinner in logs; transient progress leaves nothing


def test_progress_on_a_terminal_spins_for_long_work_then_clears_its_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_console, "SPINNER_DELAY", 0.05)
    err = Terminal()
    console = Console(io.StringIO(), err)
    with console.progress("waiting", transient=True):
        time.sleep(0.3)
    assert "waiting" in err.getvalue() and err.getvalue().endswith("\r\x1b[K")


def test_quick_work_shows_no_progress_even_on_a_terminal() -> None:
    err = Terminal()
    console = Console(io.StringIO(), err)
    with console.progress("waiting", transient=True):
        pass
    assert err.getvalue() == ""


def test_tables_are_cut_to_the_width_widest_column_first() -> None:
    rows = [["openai/a-very-long-model-name-indeed", "0.15", "tools json reasoning vision"]]
    lines = render_table(("MODEL", "IN $/M", "CAPS"), rows, align="lrl", width=40)
    assert all(len(line) <= 40 for line in lines)
    cells = lines[1].split()
    assert cells[0].endswith("…") and cells[1] == "0.15"
    assert render_table(("MODEL", "IN $/M", "CAPS"), rows, align="lrl")[1].startswith(rows[0][0])


def test_console_width_comes_from_columns_or_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert Console(io.StringIO(), io.StringIO()).width is None  # a pipe: nothing is cut
    assert Console(Terminal(), io.StringIO()).width is not None
    monkeypatch.setenv("COLUMNS", "72")
    assert Console(io.StringIO(), io.StringIO()).width == 72


def test_json_output_is_one_document_on_stdout() -> None:
    out, err = io.StringIO(), io.StringIO()
    Console(out, err).json({"cost": Decimal("0.1"), "n": [1, 2]})
    assert json.loads(out.getvalue()) == {"cost": "0.1", "n": [1, 2]} and err.getvalue() == ""


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
