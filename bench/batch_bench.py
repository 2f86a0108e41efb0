"""Batch benchmark: 10,000 chat requests at concurrency 64 against a served emulator that takes
200 ms per answer. Ideal: 10,000 x 0.2 / 64 = 31.25 s. Measures wall time (ratio to ideal) and
the peak RSS of the process doing the work, for `openrouter-kit batch` and for a plain asyncio +
openai-SDK loop at the same concurrency (writing its results to disk the same way).

    uv run python bench/batch_bench.py [--requests 10000] [--concurrency 64] [--latency 0.2]

A measurement, not a test: it prints a Markdown table and, with --write, rewrites bench/BATCH.md.
Loopback only; every run is bounded by its request count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL = "openai/gpt-4o-mini"
HERE = Path(__file__).resolve().parent


def serve(latency: float) -> None:
    from openrouter_kit_emulator import Emulator
    from openrouter_kit_emulator.server import Limits
    from openrouter_kit_emulator.server import serve as run

    emulator = Emulator()
    emulator.behaviours.set(MODEL, latency=latency)

    def ready(host: str, port: int) -> None:
        print(f"http://{host}:{port}/api/v1", flush=True)

    run(emulator, "127.0.0.1", 0, limits=Limits(keep_alive=30), on_ready=ready)


async def openai_loop(source: str, output: str, base_url: str, concurrency: int) -> None:
    import openai

    client = openai.AsyncOpenAI(base_url=base_url, api_key="k", max_retries=2)
    gate = asyncio.Semaphore(concurrency)
    with open(source) as lines, open(output, "a") as out:

        async def one(request: dict) -> None:
            async with gate:
                try:
                    result = await client.chat.completions.create(**request["body"])
                    record = {
                        "custom_id": request["custom_id"],
                        "response": {"status_code": 200, "body": result.model_dump()},
                        "error": None,
                    }
                except openai.OpenAIError as exc:
                    record = {
                        "custom_id": request["custom_id"],
                        "response": None,
                        "error": {"message": str(exc)},
                    }
                out.write(json.dumps(record) + "\n")
                out.flush()

        await asyncio.gather(*(one(json.loads(line)) for line in lines))
    await client.close()


def measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one child process."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(
            f"{command[:4]} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else status}"
        )
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--write", action="store_true", help="rewrite bench/BATCH.md")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--openai-loop", nargs=3, metavar=("IN", "OUT", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.latency)
        return
    if args.openai_loop:
        asyncio.run(openai_loop(*args.openai_loop, args.concurrency))
        return

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--latency", str(args.latency)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    assert re.match(r"http://127\.0\.0\.1:\d+/api/v1", base_url), base_url
    ideal = args.requests * args.latency / args.concurrency
    rows = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "in.jsonl"
            with source.open("w") as file:
                for i in range(args.requests):
                    body = {
                        "model": MODEL,
                        "messages": [{"role": "user", "content": f"What is {i} + 1?"}],
                        "max_tokens": 20,
                    }
                    file.write(
                        json.dumps(
                            {
                                "custom_id": f"r{i}",
                                "method": "POST",
                                "url": "/v1/chat/completions",
                                "body": body,
                            }
                        )
                        + "\n"
                    )
            runs = {
                "openrouter-kit batch": [sys.executable, "-m", "openrouter_kit", "batch", str(source), "-o", f"{folder}/kit.jsonl",
                                         "--base-url", base_url, "--api-key", "k", "--concurrency", str(args.concurrency)],
                "asyncio + openai SDK loop": [sys.executable, __file__, "--concurrency", str(args.concurrency),
                                              "--openai-loop", str(source), f"{folder}/openai.jsonl", base_url],
            }  # fmt: skip
            for name, command in runs.items():
                seconds, rss = measured(command)
                out = Path(folder) / ("kit.jsonl" if "kit" in name else "openai.jsonl")
                answered = sum(
                    1
                    for line in out.read_text().splitlines()
                    if '"error": null' in line or '"error":null' in line
                )
                rows.append((name, answered, seconds, seconds / ideal, rss))
    finally:
        server.terminate()
        server.wait(10)

    lines = [
        f"{args.requests:,} chat requests, concurrency {args.concurrency}, {args.latency * 1000:.0f} ms per answer "
        f"(served emulator on uvicorn, loopback); ideal {ideal:.1f} s.",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, shared with other work while measured.",
        "",
        "| client | answered | wall time | ratio to ideal | peak RSS |",
        "|---|---|---|---|---|",
        *(f"| {n} | {a:,} | {s:.1f} s | {r:.2f}x | {m:.0f} MB |" for n, a, s, r, m in rows),
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        (HERE / "BATCH.md").write_text(
            "# Batch benchmark\n\nMeasured by `uv run python bench/batch_bench.py --write`.\n\n"
            + table
            + "\n"
        )


if __name__ == "__main__":
    main()
