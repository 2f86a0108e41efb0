"""Bounded load on a loopback emulator: 1,000 concurrent streams, 10,000 sequential calls.

Both runs go through the core client over real sockets to `openrouter-kit emulator` (its own
process, see conftest.py) and check that:

- every request is accounted for: it succeeded (full text and usage) or raised a typed
  OpenRouterError; anything else fails the test; the server billed exactly the calls made;
- nothing leaks: the process has the same number of open file descriptors after the client
  is closed as before it was made, and no more sockets than the pool allows while it runs;
- memory stays flat: after a warm-up, the memory blocks still allocated after a full gc
  (sys.getallocatedblocks) grow by less than BLOCKS_BOUND over the run; RSS, which moves with
  the allocator, must stay within the looser RSS_BOUND_MB;
- the run stops by itself: counts are fixed and each run has a wall-clock limit.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import sys
import time
from typing import Any

import httpx
import pytest
from load_support import Served, open_fds, record, rss_mb
from openrouter_kit import AsyncOpenRouter, OpenRouter
from openrouter_kit.errors import OpenRouterError
from openrouter_kit.types.chat import ChatCompletion

pytestmark = pytest.mark.load

MODEL = "openai/gpt-4o-mini"
CONCURRENT = 1_000
SEQUENTIAL = 10_000
TIME_LIMIT = 90.0  # seconds a run may take before it is cut (and fails)
BLOCKS_BOUND = 2_000  # memory blocks still allocated after a run, beyond the warmed-up baseline
RSS_BOUND_MB = 48.0  # a sanity bound only: RSS moves with the allocator (worst seen: +11 MB
# in a full-suite process of 420 MB); live blocks are the measure of what a run leaves behind


def sockets() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def live_blocks() -> int:
    """Memory blocks still allocated after a full collection (sys.getallocatedblocks)."""
    gc.collect()
    return sys.getallocatedblocks()


def fill_string_cache() -> None:
    """Fill pydantic-core's JSON string cache (global, bounded at 16,384 entries) up front.

    Each response carries a new generation id, which the cache keeps until it is full; that
    growth is bounded and would otherwise look like a slow leak in the first 16k calls.
    """
    body = {"id": "", "choices": [{"message": {"content": "x"}}]}
    for i in range(20_000):
        body["id"] = f"gen-warm-{i:08d}-cache-filler"
        ChatCompletion.model_validate_json(json.dumps(body))


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"Load test request {i}: say something short."}]


async def _waves(base_url: str, waves: int, first: int, after_wave: list[float]) -> dict[str, Any]:
    """`waves` waves of CONCURRENT streams, each wave all in flight at once, on one client."""
    limits = httpx.Limits(max_connections=CONCURRENT, max_keepalive_connections=CONCURRENT)
    client = AsyncOpenRouter(
        api_key="sk-or-v1-load",
        base_url=base_url,
        http_client=httpx.AsyncClient(limits=limits),
        timeout=httpx.Timeout(60.0, connect=30.0),
        max_retries=2,
    )
    result: dict[str, Any] = {"ok": 0, "typed": 0, "unexpected": [], "seconds": [], "sockets": 0}
    sockets_before = sockets()
    in_flight = peak = 0

    async def one(i: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            text, usage = "", None
            stream = await client.chat.completions.create(
                model=MODEL, messages=_messages(i), stream=True
            )
            if in_flight == CONCURRENT:  # the last stream of the wave has its response
                result["sockets"] = max(result["sockets"], sockets() - sockets_before)
            async with stream:
                async for chunk in stream:
                    for choice in chunk.choices:
                        text += (choice.delta.content or "") if choice.delta else ""
                    usage = chunk.usage or usage
            assert text and usage is not None and usage.total_tokens, f"request {i} incomplete"
            result["ok"] += 1
        except OpenRouterError:
            result["typed"] += 1
        except BaseException as exc:
            result["unexpected"].append(exc)
        finally:
            in_flight -= 1

    for n in range(waves):
        peak = 0
        started = time.monotonic()
        batch = (one(first + n * CONCURRENT + i) for i in range(CONCURRENT))
        await asyncio.wait_for(asyncio.gather(*batch), TIME_LIMIT)
        result["seconds"].append(time.monotonic() - started)
        assert peak == CONCURRENT, "all streams of a wave were in flight at once"
        after_wave.append(rss_mb())
    await client.close()
    await client._http.aclose()
    await asyncio.sleep(0.5)  # let the loop finish closing transports
    return result


async def test_1000_concurrent_streams(served_emulator: Served) -> None:
    fill_string_cache()
    # warm-up on its own client: imports, caches, the loop's internals
    await _waves(served_emulator.base_url, 1, 100_000, [])
    fds_before, blocks_before = open_fds(), live_blocks()
    rss_after_wave: list[float] = []
    result = await _waves(served_emulator.base_url, 3, 0, rss_after_wave)
    blocks_after, fds_after = live_blocks(), open_fds()

    total = 3 * CONCURRENT
    unexpected = result["unexpected"]
    assert unexpected == [], (
        f"{len(unexpected)} requests ended in untyped errors: {unexpected[:3]!r}"
    )
    assert result["ok"] + result["typed"] == total
    assert result["ok"] == total, f"{result['typed']} typed errors on a healthy emulator"
    assert 0 < result["sockets"] <= CONCURRENT, "no more sockets than the pool allows"
    assert fds_after == fds_before, f"file descriptors leaked: {fds_before} -> {fds_after}"
    grown = blocks_after - blocks_before
    assert grown < BLOCKS_BOUND, f"{grown:+,} memory blocks left behind by {total:,} streams"
    assert rss_after_wave[-1] - rss_after_wave[0] < RSS_BOUND_MB, rss_after_wave
    seconds = min(result["seconds"])
    record(
        "1,000 concurrent streams x 3 waves (AsyncOpenRouter)",
        requests=total,
        succeeded=result["ok"],
        typed_errors=result["typed"],
        seconds=sum(result["seconds"]),
        fds_before=fds_before,
        fds_after=fds_after,
        memory=f"live blocks {grown:+,} after the client closed (bound {BLOCKS_BOUND:,}); RSS "
        + " -> ".join(f"{rss:.0f}" for rss in rss_after_wave)
        + " MB after each wave",
        note=f"after a warm-up wave on its own client, three waves of {CONCURRENT:,} streams on one "
        f"client, each wave all in flight at once over {result['sockets']:,} sockets at its peak (pool "
        f"limit {CONCURRENT:,}); every stream checked for text and final usage; fastest wave "
        f"{seconds:.1f} s",
    )


def test_10000_sequential_calls(served_emulator: Served) -> None:
    fill_string_cache()
    fds_before = open_fds()
    client = OpenRouter(
        api_key="sk-or-v1-load", base_url=served_emulator.base_url, timeout=30.0, max_retries=2
    )
    admin = OpenRouter(api_key=served_emulator.management_key, base_url=served_emulator.base_url)
    sampled_ids: list[str] = []  # every 100th id: keeping all 10,000 would itself grow memory
    outcomes = {"ok": 0, "typed": 0}
    billed = 0.0
    for i in range(200):  # warm-up
        client.chat.completions.create(model=MODEL, messages=_messages(-i), max_tokens=16)
    usage_before = admin.credits.get().data.total_usage or 0.0
    baseline, rss_before = live_blocks(), rss_mb()
    checkpoints: list[int] = []
    started = time.monotonic()
    for i in range(SEQUENTIAL):
        if time.monotonic() - started > TIME_LIMIT:
            pytest.fail(f"stopped at the time limit after {i} calls")
        try:
            result = client.chat.completions.create(
                model=MODEL, messages=_messages(i), max_tokens=16
            )
        except OpenRouterError:
            outcomes["typed"] += 1
            continue
        assert result.text and result.usage is not None and result.id
        if i % 100 == 0:
            sampled_ids.append(result.id)
        billed += result.usage.cost or 0.0
        outcomes["ok"] += 1
        if (i + 1) % 2_500 == 0:
            checkpoints.append(live_blocks() - baseline)
    seconds = time.monotonic() - started
    rss_after = rss_mb()
    usage_after = admin.credits.get().data.total_usage or 0.0
    client.close()
    admin.close()
    gc.collect()
    fds_after = open_fds()

    assert outcomes["ok"] + outcomes["typed"] == SEQUENTIAL
    assert outcomes["ok"] == SEQUENTIAL
    assert len(set(sampled_ids)) == len(sampled_ids) == SEQUENTIAL // 100
    assert math.isclose(usage_after - usage_before, billed, rel_tol=1e-6), (
        "the server billed every call once"
    )
    assert fds_after == fds_before, f"file descriptors leaked: {fds_before} -> {fds_after}"
    assert max(checkpoints) < BLOCKS_BOUND, f"{checkpoints} memory blocks still allocated"
    assert rss_after - rss_before < RSS_BOUND_MB
    record(
        "10,000 sequential calls (OpenRouter)",
        requests=SEQUENTIAL,
        succeeded=outcomes["ok"],
        typed_errors=outcomes["typed"],
        seconds=seconds,
        fds_before=fds_before,
        fds_after=fds_after,
        memory="live blocks "
        + ", ".join(f"{m:+,}" for m in checkpoints)
        + f" at every 2,500 calls (bound {BLOCKS_BOUND:,}); RSS {rss_before:.0f} -> {rss_after:.0f} MB",
        note="sampled generation ids all distinct; the emulator's /credits usage grew by exactly "
        f"the {billed:.6f} USD the calls reported",
    )
