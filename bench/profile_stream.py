"""Profile the bench's stream case (2000 chunks) for one client adapter under cProfile.

    python bench/profile_stream.py openrouter_kit_core [--runs 20] [--top 18]

Starts ../shared/bench/server.py on a free port, warms the adapter up, then profiles `runs`
calls of its `stream_once()` and prints the functions with the most own time. The adapter is
looked up in bench/clients, then in the shared bench's clients (httpx_raw).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(shared: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(shared / "server.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}/api/v1"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server.py did not start")


def load_adapter(name: str, shared: Path) -> object:
    # `clients` is the shared bench's package (clients._common); our adapters join its path.
    sys.path[:0] = [str(shared)]
    import clients

    clients.__path__.insert(0, str(HERE / "clients"))
    return importlib.import_module(f"clients.{name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client", help="adapter module, e.g. openrouter_kit_core or httpx_raw")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared bench folder")
    args = parser.parse_args()
    proc, base_url = start_server(args.shared)
    try:
        adapter: any = load_adapter(args.client, args.shared)  # type: ignore[valid-type]
        adapter.setup(base_url, "sk-or-v1-bench")
        for _ in range(3):
            assert adapter.stream_once() == 2000
        start = time.perf_counter()
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.runs):
            adapter.stream_once()
        profile.disable()
        wall = time.perf_counter() - start
        print(
            f"{args.client}: {args.runs} streams, {wall / args.runs * 1000:.1f} ms each (profiled)"
        )
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
        if hasattr(adapter, "close"):
            adapter.close()
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
