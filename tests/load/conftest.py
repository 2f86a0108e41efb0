"""Load-test plumbing: the emulator served on 127.0.0.1 by `openrouter-kit emulator`, and the figures.

The server runs in its own process (the CLI's uvicorn server), so what the tests count in
/proc/self/fd and in memory is the client's alone. Figures measured by the tests are printed
in the terminal summary; with OPENROUTER_KIT_WRITE_RESULTS=1 they also replace the "Load"
section of bench/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from load_support import FIGURES, Served

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "RESULTS.md"


@pytest.fixture(scope="module")
def served_emulator() -> Iterator[Served]:
    process = subprocess.Popen(
        [sys.executable, "-m", "openrouter_kit", "emulator", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "OPENROUTER_API_KEY": "", "NO_COLOR": "1"},
    )
    assert process.stdout is not None
    base_url = key = None
    output: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (base_url is None or key is None):
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if found := re.search(r"listening on (http://\S+/api/v1)", line):
            base_url = found.group(1)
        if found := re.search(r"management key[^:]*: (\S+)", line):
            key = found.group(1)
    if base_url is None or key is None:
        process.kill()
        pytest.fail("the emulator server did not start:\n" + "".join(output)[-2000:])
    try:
        yield Served(base_url, key, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        process.stdout.close()


def _section() -> str:
    lines = [
        "## Load",
        "",
        "Measured by `tests/load/test_load.py` (`uv run pytest -m load tests/load`; "
        "`OPENROUTER_KIT_WRITE_RESULTS=1` rewrites this section). The emulator runs in its own "
        "process behind `openrouter-kit emulator` (Starlette on uvicorn) on 127.0.0.1; the "
        "client is `openrouter_kit` over real sockets. Each run is bounded in count and time.",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} "
        f"{platform.machine()}.",
        "",
        "| run | requests | succeeded | typed errors | wall time | throughput | fds before -> after | memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, f in FIGURES.items():
        lines.append(
            f"| {name} | {f['requests']:,} | {f['succeeded']:,} | {f['typed_errors']:,} | "
            f"{f['seconds']:.1f} s | {f['requests'] / f['seconds']:,.0f} req/s | "
            f"{f['fds_before']} -> {f['fds_after']} | {f['memory']} |"
        )
    lines += ["", *[f"- {name}: {f['note']}" for name, f in FIGURES.items() if f.get("note")], ""]
    return "\n".join(lines)


def _write_results() -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Results\n"
    section = _section()
    pattern = re.compile(r"^## Load\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("openrouter-kit load")
    for line in _section().splitlines()[8:]:
        terminalreporter.write_line(line)
    if os.environ.get("OPENROUTER_KIT_WRITE_RESULTS") == "1":
        _write_results()
        terminalreporter.write_line(f"written to {RESULTS.relative_to(ROOT)}")
