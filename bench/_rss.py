"""Peak RSS of a fresh interpreter after N chat calls, per adapter, as the bench measures it.

    python bench/_rss.py openrouter_kit_core [httpx_raw ...] [--calls 200]
(development aid: starts the shared bench server, runs worker.py fresh for each client)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from profile_stream import HERE, SHARED, start_server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("clients", nargs="+")
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    proc, base_url = start_server(SHARED)
    folders = [str(HERE / "clients"), str(HERE / "floor_clients")]
    env = {**os.environ, "BENCH_EXTRA_CLIENTS": os.pathsep.join(folders)}
    try:
        for client in args.clients:
            out = subprocess.run(
                [
                    sys.executable,
                    str(SHARED / "worker.py"),
                    "fresh",
                    client,
                    base_url,
                    str(args.calls),
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=SHARED,
                check=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"{client:28s} peak RSS {result['rss_kb'] / 1024:.1f} MB  {result}")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
