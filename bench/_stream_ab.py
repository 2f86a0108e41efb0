"""Quick A/B of stream_once between adapters against the shared bench server (development aid).

python bench/_stream_ab.py httpx_raw openrouter_kit_core [--runs 15] [--what stream|chat|embed]
"""

from __future__ import annotations

import argparse
import statistics
import time

from profile_stream import SHARED, load_adapter, start_server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("clients", nargs="+")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--what", default="stream")
    args = parser.parse_args()
    proc, base_url = start_server(SHARED)
    try:
        adapters = [load_adapter(name, SHARED) for name in args.clients]
        texts = [f"text {i}" for i in range(256)]
        calls = {
            "stream": lambda a: a.stream_once(),
            "chat": lambda a: [a.chat_once() for _ in range(50)],
            "embed": lambda a: a.embed(texts, base64=False),
            "embed64": lambda a: a.embed(texts, base64=True),
        }
        call = calls[args.what]
        for adapter in adapters:
            adapter.setup(base_url, "sk-or-v1-bench")
            call(adapter)
        times: dict[str, list[float]] = {name: [] for name in args.clients}
        for _ in range(args.runs):
            for name, adapter in zip(args.clients, adapters, strict=True):
                start = time.perf_counter()
                call(adapter)
                times[name].append(time.perf_counter() - start)
        base = statistics.median(times[args.clients[0]])
        for name in args.clients:
            median = statistics.median(times[name])
            print(f"{name:28s} {median * 1000:8.2f} ms  {median / base:5.2f}x")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
