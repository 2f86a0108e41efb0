"""Helpers of the load tests (kept out of conftest.py so test modules can import them)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Any

FIGURES: dict[str, dict[str, Any]] = {}
"""Figures measured by the load tests, by run name (printed and written by conftest.py)."""


@dataclass
class Served:
    base_url: str
    management_key: str
    process: subprocess.Popen[str]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def record(name: str, **figures: Any) -> None:
    FIGURES[name] = figures
