"""Helpers for reading the CLI's output in tests."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from openrouter_kit_emulator import Emulator


def table_rows(text: str, first_header: str) -> list[list[str]]:
    """The rows of the aligned table whose header line starts with `first_header` (cells split on 2+ spaces)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(first_header))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip() or not re.search(r"\S  +\S", line):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def usd(text: str) -> Decimal:
    """'$0.00000108' -> Decimal('0.00000108')."""
    assert text.startswith("$"), text
    return Decimal(text[1:])


def generations(emulator: Emulator) -> list[dict[str, Any]]:
    """Every billed call the emulator booked, in order."""
    return [g.data for g in emulator.account.generations.values()]


def booked_cost(records: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(repr(float(r["total_cost"]))) for r in records), Decimal(0))
