"""Terminal output for the `openrouter-kit` command and its demo, with the standard library.

Results go to stdout, everything about the run (mode notices, progress, usage) to stderr,
so `openrouter-kit chat "..." > answer.txt` keeps only the answer. Colors are used only
when the stream is a terminal and NO_COLOR is unset (https://no-color.org), so pipes, files
and CI logs get plain text. Money and counts are formatted by `_display`, the one place that
also formats reprs and notebook tables. The core keeps its runtime dependencies to httpx and
pydantic, which is why there is no rich or click here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from ._display import format_context, format_price, format_usd

__all__ = ["Console", "format_context", "format_price", "format_usd"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}
_SPINNER = "|/-\\"
SPINNER_DELAY = 0.3
"""Seconds of work before a spinner appears: quick calls do not flicker."""


def _wants_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def visible_len(text: str) -> int:
    """Length of `text` as shown on screen (ANSI color codes take no room)."""
    return len(_ANSI.sub("", text))


class Console:
    """Where and how the command writes: plain or colored text, tables, and progress lines."""

    def __init__(
        self, out: TextIO | None = None, err: TextIO | None = None, *, color: bool | None = None
    ) -> None:
        # resolve at call time so pytest's capsys (which swaps sys.stdout) sees the output
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.color = _wants_color(self.out) if color is None else color
        self.err_color = _wants_color(self.err) if color is None else color
        self.err_is_tty = _wants_tty(self.err)
        self.width = _width(self.out)

    # styling -------------------------------------------------------------------------
    def style(self, text: str, *styles: str, err: bool = False) -> str:
        """`text` wrapped in ANSI codes for `styles` ('bold', 'dim', 'green', ...) when colors are on."""
        if not styles or not (self.err_color if err else self.color):
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    # writing ---------------------------------------------------------------------------
    def print(self, text: str = "", *, end: str = "\n") -> None:
        """A line of results on stdout."""
        self.out.write(text + end)
        self.out.flush()

    def json(self, value: Any) -> None:
        """A result as one JSON document on stdout (dates and Decimals as text)."""
        self.print(json.dumps(value, indent=2, ensure_ascii=False, default=str))

    def write(self, text: str) -> None:
        """Streamed text on stdout, shown at once (no newline added)."""
        self.out.write(text)
        self.out.flush()

    def info(self, text: str) -> None:
        """A line about the run on stderr (mode, usage, what is happening)."""
        self.err.write(self.style(text, "dim", err=True) + "\n")
        self.err.flush()

    def warn(self, text: str) -> None:
        """A warning on stderr."""
        self.err.write(self.style(text, "yellow", err=True) + "\n")
        self.err.flush()

    def error(self, text: str) -> None:
        """An error on stderr, prefixed with the command's name."""
        self.err.write(self.style(f"openrouter-kit: error: {text}", "red", err=True) + "\n")
        self.err.flush()

    def heading(self, text: str) -> None:
        """A section title on stdout."""
        self.out.write("\n" + self.style(text, "bold", "cyan") + "\n")
        self.out.flush()

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        align: str | None = None,
        indent: int = 0,
    ) -> None:
        """Rows as aligned columns on stdout. `align` has one 'l' or 'r' per column (default all 'l').

        On a terminal (or with COLUMNS set) the widest columns are cut to fit its width.
        """
        lines = render_table(
            headers, rows, align=align, indent=indent, style=self.style, width=self.width
        )
        for line in lines:
            self.print(line)

    # progress --------------------------------------------------------------------------
    @contextmanager
    def progress(self, label: str, *, transient: bool = False) -> Iterator[None]:
        """Say on stderr that `label` is under way, and how long it took.

        On a terminal a spinner with the elapsed time turns once the block has taken longer
        than `SPINNER_DELAY` (quick work shows nothing), then the line is replaced by the
        result. Elsewhere nothing shows while the work runs: pipes and logs get no progress,
        only the line saying how long it took (none when `transient`, for waits whose result
        shows by itself).
        """
        start = time.perf_counter()
        if not self.err_is_tty:
            yield
            if not transient:
                self.err.write(f"{label}: done in {time.perf_counter() - start:.2f} s\n")
                self.err.flush()
            return
        stop = threading.Event()
        lock = threading.Lock()

        drawn = threading.Event()

        def spin() -> None:
            frame = 0
            if stop.wait(SPINNER_DELAY):
                return
            drawn.set()
            while not stop.wait(0.1):
                elapsed = time.perf_counter() - start
                with lock:
                    self.err.write(f"\r{_SPINNER[frame % 4]} {label} {elapsed:.1f} s\x1b[K")
                    self.err.flush()
                frame += 1

        thread = threading.Thread(target=spin, name="openrouter-kit-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            with lock:
                if drawn.is_set():
                    self.err.write("\r\x1b[K")
                if not transient:
                    done = f"{label}: done in {time.perf_counter() - start:.2f} s"
                    self.err.write(self.style(done, "dim", err=True) + "\n")
                self.err.flush()


def _wants_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


def _width(stream: TextIO) -> int | None:
    """The columns a table may use: COLUMNS when set, the terminal's width, or no limit (pipes)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if _wants_tty(stream):
        return shutil.get_terminal_size().columns
    return None


def fit_widths(widths: Sequence[int], room: int, floors: Sequence[int]) -> list[int]:
    """Column widths that fit in `room` characters, cutting the widest column first (never below its floor)."""
    fitted = list(widths)
    excess = sum(fitted) + 2 * (len(fitted) - 1) - room
    while excess > 0:
        widest = max(range(len(fitted)), key=lambda i: (fitted[i] > floors[i], fitted[i]))
        if fitted[widest] <= floors[widest]:
            break  # every column is as narrow as it may get
        fitted[widest] -= 1
        excess -= 1
    return fitted


def clip(text: str, width: int) -> str:
    """`text` cut to `width` visible characters, ending in '…' when cut (colors dropped then)."""
    if visible_len(text) <= width:
        return text
    plain = _ANSI.sub("", text)
    return plain[: max(width - 1, 0)] + "…"


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str | None = None,
    indent: int = 0,
    style: Callable[..., str] | None = None,
    width: int | None = None,
) -> list[str]:
    """The lines of an aligned table; widths count visible characters, so colored cells line up.

    With `width`, the widest columns are cut (cells end in '…') until every line fits.
    """
    columns = len(headers)
    align = align or "l" * columns
    if len(align) != columns:
        raise ValueError(f"align has {len(align)} entries for {columns} columns")
    widths = [visible_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], visible_len(cell))
    if width is not None:
        floors = [min(w, max(visible_len(h), 6)) for w, h in zip(widths, headers, strict=True)]
        widths = fit_widths(widths, width - indent, floors)

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            cell = clip(cell, widths[i])
            pad = " " * (widths[i] - visible_len(cell))
            last = i == columns - 1
            parts.append(pad + cell if align[i] == "r" else cell + ("" if last else pad))
        return (" " * indent + "  ".join(parts)).rstrip()

    header = line(headers)
    if style is not None:
        header = " " * indent + style(header[indent:], "bold")
    return [header, *(line(row) for row in rows)]
