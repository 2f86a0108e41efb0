"""`openrouter-kit batch` and `openrouter_kit.batch` against a served emulator on loopback.

Each test counts what the server received (the emulator's own generation records), so "resumed
without redoing" and "stopped before overspending" are checked on the server's side of the wire.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, batch
from openrouter_kit_emulator import Emulator
from openrouter_kit_emulator.server import EmulatorServer

MODEL = "openai/gpt-4o-mini"


def write_requests(path: Path, count: int, *, url: str = "/v1/chat/completions") -> Path:
    with path.open("w") as file:
        for i in range(count):
            body = {
                "model": MODEL,
                "messages": [{"role": "user", "content": f"What is {i} + 1?"}],
                "max_tokens": 40,
            }
            file.write(
                json.dumps({"custom_id": f"req-{i}", "method": "POST", "url": url, "body": body})
                + "\n"
            )
    return path


def results(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def successes(path: Path) -> list[str]:
    return [
        r["custom_id"]
        for r in results(path)
        if r["error"] is None and r["response"]["status_code"] == 200
    ]


def received(emulator: Emulator) -> int:
    """Generations the server made: requests that reached it and were answered."""
    return len(emulator.account.generations)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as served:
        yield served


def cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    return subprocess.run(
        [sys.executable, "-m", "openrouter_kit", "batch", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
        **kwargs,
    )


def test_300_requests_all_answered_one_line_each(server: EmulatorServer, tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out.jsonl"
    done = cli(
        str(source),
        "-o",
        str(out),
        "--base-url",
        server.base_url,
        "--api-key",
        "k",
        "--concurrency",
        "32",
    )
    assert done.returncode == 0, done.stderr
    lines = results(out)
    assert len(lines) == 300
    assert sorted(successes(out)) == sorted(f"req-{i}" for i in range(300))
    first = next(r for r in lines if r["custom_id"] == "req-41")
    assert first["response"]["body"]["choices"][0]["message"]["content"] == "42"
    assert first["response"]["request_id"] == first["response"]["body"]["id"]
    assert received(server.emulator) == 300
    assert "300 succeeded, 0 failed" in done.stderr


def test_a_killed_run_resumes_every_id_exactly_once(server: EmulatorServer, tmp_path: Path) -> None:
    server.emulator.behaviours.set(MODEL, latency=0.05)
    source = write_requests(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    concurrency = 8
    proc = subprocess.Popen(
        [sys.executable, "-m", "openrouter_kit", "batch", str(source), "-o", str(out),
         "--base-url", server.base_url, "--api-key", "k", "--concurrency", str(concurrency)],
        stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 60):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    before = len(successes(out))
    assert 60 <= before < 300, "killed part-way"
    with out.open("a") as file:  # a line torn by the kill: it must be cut off and redone
        file.write('{"id":"batch_req_torn","custom_id":"req-299","response":{"status_')

    time.sleep(0.2)  # requests the killed process had in flight finish on the server
    sent_before_rerun = received(server.emulator)
    rerun = cli(str(source), "-o", str(out), "--base-url", server.base_url, "--api-key", "k")
    assert rerun.returncode == 0, rerun.stderr
    ids = successes(out)
    assert sorted(ids) == sorted(f"req-{i}" for i in range(300)), "every id exactly once"
    assert len(ids) == len(set(ids))
    assert all(line.endswith("}") for line in out.read_text().splitlines()), "no torn line left"
    # the rerun sent only what had no success line; at most the in-flight ones were sent twice
    resent = received(server.emulator) - 300
    assert 0 <= resent <= concurrency, f"{resent} requests sent twice"
    assert received(server.emulator) - sent_before_rerun == 300 - before


def test_a_budget_stops_in_time_and_a_rerun_finishes_the_rest(
    server: EmulatorServer, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out.jsonl"
    limit = Decimal("0.0004")
    stopped = cli(
        str(source),
        "-o",
        str(out),
        "--base-url",
        server.base_url,
        "--api-key",
        "k",
        "--budget",
        str(limit),
    )
    assert stopped.returncode == batch.EXIT_BUDGET, stopped.stderr
    assert "stopped by the budget" in stopped.stderr and "Budget refused" in stopped.stderr
    spent = sum(Decimal(str(r["response"]["body"]["usage"]["cost"])) for r in results(out))
    assert 0 < spent <= limit, f"spent {spent} of {limit}"
    first = len(successes(out))
    assert 0 < first < 300
    assert received(server.emulator) == first, "nothing was sent beyond what was answered"

    rest = cli(
        str(source),
        "-o",
        str(out),
        "--base-url",
        server.base_url,
        "--api-key",
        "k",
        "--budget",
        "1",
    )
    assert rest.returncode == 0, rest.stderr
    assert f"{300 - first} succeeded, 0 failed, {first} already done" in rest.stderr
    assert sorted(successes(out)) == sorted(f"req-{i}" for i in range(300))
    assert received(server.emulator) == 300, "the rerun redid nothing"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"custom_id": "req-1", "method": "POST", "url": "/v1/chat/completions", "body": {}}',
            "line 3: custom_id 'req-1' is a duplicate of line 2",
        ),
        ("{not json", "line 3: not valid JSON"),
        (
            '{"custom_id": "x", "method": "GET", "url": "/v1/chat/completions", "body": {}}',
            "line 3 (x): method: expected 'POST'",
        ),
        (
            '{"custom_id": "x", "method": "POST", "url": "/v1/images", "body": {}}',
            "line 3 (x): url: expected one of",
        ),
        (
            '{"method": "POST", "url": "/v1/embeddings", "body": {}}',
            "line 3: custom_id: expected a non-empty string",
        ),
    ],
)
def test_bad_input_names_the_line_and_sends_nothing(
    line: str, message: str, server: EmulatorServer, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 2)
    with source.open("a") as file:
        file.write(line + "\n")
    done = cli(
        str(source),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--base-url",
        server.base_url,
        "--api-key",
        "k",
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert received(server.emulator) == 0
    assert not (tmp_path / "out.jsonl").exists() or not (tmp_path / "out.jsonl").read_text()


def test_urls_with_or_without_prefixes_and_the_three_operations(tmp_path: Path) -> None:
    requests = [
        {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}},
        {"custom_id": "b", "method": "POST", "url": "/api/v1/embeddings", "body": {"model": "openai/text-embedding-3-small", "input": "hi"}},
        {"custom_id": "c", "method": "POST", "url": "/responses", "body": {"model": MODEL, "input": "hi"}},
    ]  # fmt: skip
    out = tmp_path / "out.jsonl"
    summary = batch.run(requests, out, base_url="emulator://", api_key="k", model=None)
    assert summary.succeeded == 3 and summary.failed == 0
    bodies = {r["custom_id"]: r["response"]["body"] for r in results(out)}
    assert bodies["a"]["object"] == "chat.completion"
    assert len(bodies["b"]["data"][0]["embedding"]) > 0
    assert bodies["c"]["object"] == "response"


def test_errors_are_lines_with_code_and_message(tmp_path: Path) -> None:
    requests = [
        {"custom_id": "ok", "method": "POST", "url": "/v1/chat/completions", "body": {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}},
        {"custom_id": "bad", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "no-such/model", "messages": [{"role": "user", "content": "hi"}]}},
    ]  # fmt: skip
    out = tmp_path / "out.jsonl"
    summary = batch.run(requests, out, base_url="emulator://", api_key="k")
    assert (summary.succeeded, summary.failed) == (1, 1)
    bad = next(r for r in results(out) if r["custom_id"] == "bad")
    assert bad["response"]["status_code"] in (400, 404)
    assert bad["error"]["message"] and bad["error"]["code"]
    # a rerun retries the failed id, not the succeeded one
    again = batch.run(requests, out, base_url="emulator://", api_key="k")
    assert (again.skipped, again.failed) == (1, 1)


async def test_429_halves_the_concurrency_and_waits_out_retry_after(tmp_path: Path) -> None:
    in_flight = 0
    peaks: list[int] = []
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, calls
        calls += 1
        number = calls
        in_flight += 1
        peaks.append(in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        if number <= 16:
            return httpx.Response(
                429,
                json={"error": {"code": 429, "message": "slow down"}},
                headers={"retry-after": "0"},
            )
        body = json.loads(request.content)
        return httpx.Response(200, json={
            "id": f"gen-{number}", "object": "chat.completion", "created": 1, "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cost": 0.0},
        })  # fmt: skip

    client = AsyncOpenRouter(
        api_key="k",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    source = write_requests(tmp_path / "in.jsonl", 200)
    summary = await batch.arun(
        source, tmp_path / "out.jsonl", client=client, concurrency=16, retries=5
    )
    assert summary.succeeded == 200 and summary.failed == 0
    assert max(peaks[:16]) == 16, "started at the full concurrency"
    assert max(peaks[16:40]) <= 8, "the burst of 429s at least halved it"
    assert max(peaks[-40:]) > max(peaks[16:40]), "successes raised it again"
    await client.close()


def test_option_errors_are_clear(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 1)
    with pytest.raises(ValueError, match="concurrency: expected an integer >= 1"):
        batch.run(source, tmp_path / "o.jsonl", base_url="emulator://", concurrency=0)
    with pytest.raises(ValueError, match="rps: expected a positive number"):
        batch.run(source, tmp_path / "o.jsonl", base_url="emulator://", rps=0)
