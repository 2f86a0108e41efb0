"""Profile the bench's async case (400 chats, at most 50 in flight) for one client adapter.

    python bench/profile_async.py openrouter_kit_core [--top 18]

Starts ../shared/bench/server.py on a free port, times five unprofiled runs of the adapter's
`concurrent_chat(400, 50)` on one event loop (as the bench's worker does), then profiles one
more and prints the functions with the most own time. Run it for `httpx_raw` too: both spend
about half their time in httpcore's connection pool.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from profile_stream import SHARED, load_adapter, start_server

REQUESTS, CONCURRENCY = 400, 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client", help="adapter module, e.g. openrouter_kit_core or httpx_raw")
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared bench folder")
    args = parser.parse_args()
    proc, base_url = start_server(args.shared)
    try:
        adapter: Any = load_adapter(args.client, args.shared)
        adapter.setup(base_url, "sk-or-v1-bench")
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        def run() -> None:
            assert loop.run_until_complete(adapter.concurrent_chat(REQUESTS, CONCURRENCY)) == 400

        run()  # warm-up: pools, lazy imports
        times = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        print(f"{args.client}: {statistics.median(times) * 1000:.0f} ms (median of 5)")
        profile = cProfile.Profile()
        profile.enable()
        run()
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
