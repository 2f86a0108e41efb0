"""Resumable, budgeted batch jobs in the OpenAI Batch JSONL format (OpenRouter has no batch API).

    from openrouter_kit import batch
    summary = batch.run("requests.jsonl", "results.jsonl", concurrency=32, budget_usd=5)

Input lines are `{"custom_id", "method": "POST", "url", "body"}` with the url one of
/v1/chat/completions, /v1/embeddings, /v1/responses (with or without /v1 or /api/v1). Output
lines are `{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`,
appended and flushed one at a time, so a killed job loses at most what was in flight.

Running the same job again resumes it: ids that already have a success line are skipped, a torn
last line is cut off and its request redone, and no id ever gets two success lines. The input is
checked whole before anything is sent (a duplicate id or a malformed line names its line).

Concurrency adapts (AIMD): a 429 halves it and waits out Retry-After, successes raise it again
by one up to the limit. A budget stops the job before a request whose worst case (the core's
`Budget`) could overspend, lets the requests in flight finish, and says what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ._display import format_usd
from ._retry import RETRYABLE_STATUSES, RetryPolicy
from .cost import Budget, BudgetExceededError
from .errors import APIConnectionError, APIStatusError, OpenRouterError

__all__ = [
    "BatchInputError",
    "BatchRequest",
    "BatchSummary",
    "arun",
    "read_requests",
    "run",
]

ENDPOINTS = {
    "/chat/completions": "chat.completions.create",
    "/embeddings": "embeddings.create",
    "/responses": "responses.create",
}
EXIT_BUDGET = 3
"""Exit status of `openrouter-kit batch` when the budget stopped it with ids left to do."""


class BatchInputError(ValueError):
    """A line of the input is not a valid batch request (the message names the line)."""


@dataclass(frozen=True)
class BatchRequest:
    """One request of a batch: its id, the operation it calls, and the body it sends."""

    custom_id: str
    url: str
    body: Mapping[str, Any]
    line: int = 0

    @property
    def operation(self) -> str:
        return ENDPOINTS[_route(self.url)]


def _route(url: str) -> str:
    path = url.split("?", 1)[0].rstrip("/")
    for prefix in ("/api/v1", "/v1"):
        if path.startswith(prefix + "/"):
            path = path[len(prefix) :]
            break
    return path


def _parse(raw: Any, line: int) -> BatchRequest:
    where = f"line {line}"
    if not isinstance(raw, dict):
        raise BatchInputError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    custom_id = raw.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise BatchInputError(f"{where}: custom_id: expected a non-empty string, got {custom_id!r}")
    method = raw.get("method", "POST")
    if not isinstance(method, str) or method.upper() != "POST":
        raise BatchInputError(f"{where} ({custom_id}): method: expected 'POST', got {method!r}")
    url = raw.get("url")
    if not isinstance(url, str) or _route(url) not in ENDPOINTS:
        known = ", ".join(f"/v1{p}" for p in ENDPOINTS)
        raise BatchInputError(f"{where} ({custom_id}): url: expected one of {known}, got {url!r}")
    body = raw.get("body")
    if not isinstance(body, dict):
        raise BatchInputError(f"{where} ({custom_id}): body: expected a JSON object, got {body!r}")
    return BatchRequest(custom_id, url, body, line)


def read_requests(source: str | os.PathLike[str] | Iterable[Any]) -> list[BatchRequest]:
    """Every request of a JSONL file (or an iterable of dicts), checked before anything is sent."""
    requests: list[BatchRequest] = []
    seen: dict[str, int] = {}
    items: Iterable[tuple[int, Any]]
    if isinstance(source, (str, os.PathLike)):
        items = _json_lines(Path(source))
    else:
        items = enumerate(source, 1)
    for line, raw in items:
        request = raw if isinstance(raw, BatchRequest) else _parse(raw, line)
        if request.custom_id in seen:
            raise BatchInputError(
                f"line {line}: custom_id {request.custom_id!r} is a duplicate of line "
                f"{seen[request.custom_id]}"
            )
        seen[request.custom_id] = line
        requests.append(request)
    return requests


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("rb") as lines:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except ValueError as exc:
                raise BatchInputError(f"line {number}: not valid JSON ({exc})") from None


def completed_ids(output: str | os.PathLike[str]) -> set[str]:
    """Ids with a success line in `output`; a torn last line (a killed run) is cut off first."""
    path = Path(output)
    if not path.exists():
        return set()
    with path.open("rb+") as file:
        data = file.read()
        if data and not data.endswith(b"\n"):
            file.truncate(data.rfind(b"\n") + 1)
            data = data[: data.rfind(b"\n") + 1]
    done: set[str] = set()
    for text in data.splitlines():
        try:
            record = json.loads(text)
        except ValueError:
            continue
        response = record.get("response") or {}
        if record.get("error") is None and response.get("status_code") == 200:
            done.add(record.get("custom_id"))
    return done


@dataclass
class BatchSummary:
    """What a run did. `stopped_by_budget` with `remaining > 0` means: rerun with more budget."""

    total: int = 0
    skipped: int = 0
    succeeded: int = 0
    failed: int = 0
    spent_usd: Decimal = Decimal(0)
    remaining: int = 0
    stopped_by_budget: bool = False
    seconds: float = 0.0
    budget_message: str = ""
    failures: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        line = (
            f"{self.succeeded} succeeded, {self.failed} failed, {self.skipped} already done, "
            f"{self.remaining} remaining of {self.total}; spent {format_usd(self.spent_usd)} "
            f"in {self.seconds:.1f} s"
        )
        if self.stopped_by_budget:
            line += (
                f"; stopped by the budget ({self.remaining} ids left: rerun with a larger --budget)"
            )
        return line


class _Aimd:
    """A concurrency limit that halves on a rate limit and grows by one per success."""

    def __init__(self, limit: int) -> None:
        self.ceiling = limit
        self.limit = float(limit)
        self.in_flight = 0
        self._changed = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight < int(self.limit))
            self.in_flight += 1

    async def release(self, *, throttled: bool = False, ok: bool = False) -> None:
        async with self._changed:
            self.in_flight -= 1
            if throttled:
                self.limit = max(1.0, self.limit / 2)
            elif ok:
                self.limit = min(float(self.ceiling), self.limit + 1.0 / max(1.0, self.limit))
            self._changed.notify_all()

    async def idle(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight == 0)


class _Pacer:
    """At most `rps` request starts per second (None: no limit)."""

    def __init__(self, rps: float | None) -> None:
        self.interval = 1.0 / rps if rps else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


class _Progress:
    """done / failed / spent / ETA on stderr, on a terminal only."""

    def __init__(self, total: int, stream: IO[str] | None) -> None:
        self.total = total
        self.stream = stream if stream is not None and stream.isatty() else None
        self.started = time.monotonic()
        self._shown = 0.0

    def show(self, summary: BatchSummary, *, final: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not final and now - self._shown < 0.2:
            return
        self._shown = now
        done = summary.succeeded + summary.failed
        rate = done / max(now - self.started, 1e-9)
        left = self.total - done
        eta = f"{left / rate:.0f} s" if rate and left else "-"
        self.stream.write(
            f"\r{done}/{self.total} done, {summary.failed} failed, "
            f"${summary.spent_usd:.4f} spent, ETA {eta}   "
        )
        if final:
            self.stream.write("\n")
        self.stream.flush()


def _record(request: BatchRequest, status: int, body: Any, error: dict[str, Any] | None) -> str:
    request_id = body.get("id") if isinstance(body, dict) else None
    record = {
        "id": f"batch_req_{uuid.uuid4().hex}",
        "custom_id": request.custom_id,
        "response": None
        if status == 0
        else {"status_code": status, "request_id": request_id, "body": body},
        "error": error,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _cost(body: Any) -> Decimal:
    usage = body.get("usage") if isinstance(body, dict) else None
    cost = usage.get("cost") if isinstance(usage, dict) else None
    return Decimal(str(cost)) if isinstance(cost, (int, float, str)) else Decimal(0)


async def arun(
    requests: str | os.PathLike[str] | Iterable[Any],
    output: str | os.PathLike[str],
    *,
    client: Any = None,
    api_key: str | None = None,
    base_url: str | None = None,
    concurrency: int = 16,
    rps: float | None = None,
    budget_usd: float | Decimal | str | None = None,
    model: str | None = None,
    retries: int = 3,
    progress: IO[str] | None = None,
) -> BatchSummary:
    """Run a batch on an AsyncOpenRouter (`client`, or one built from api_key/base_url)."""
    if concurrency < 1:
        raise ValueError(f"concurrency: expected an integer >= 1, got {concurrency!r}")
    if rps is not None and rps <= 0:
        raise ValueError(f"rps: expected a positive number of requests per second, got {rps!r}")
    if retries < 0:
        raise ValueError(f"retries: expected an integer >= 0, got {retries!r}")
    everything = read_requests(requests)
    done = completed_ids(output)
    pending = [r for r in everything if r.custom_id not in done]
    summary = BatchSummary(total=len(everything), skipped=len(everything) - len(pending))
    summary.remaining = len(pending)
    started = time.monotonic()

    own_client = client is None
    if client is None:
        from .client import AsyncOpenRouter

        options: dict[str, Any] = {"max_retries": 0}
        if base_url:
            options["base_url"] = base_url
        client = AsyncOpenRouter(api_key=api_key, **options)
    budget = None
    if budget_usd is not None:
        budget = Budget(budget_usd)
        budget.attach(client)
        models = {model or r.body.get("model") for r in pending}
        with contextlib.suppress(OpenRouterError):
            await budget.aprefetch(sorted(m for m in models if isinstance(m, str)))

    policy = RetryPolicy(max_retries=retries)
    aimd = _Aimd(concurrency)
    pacer = _Pacer(rps)
    meter = _Progress(len(pending), progress)
    stop = asyncio.Event()
    out = Path(output).open("a", encoding="utf-8")  # noqa: SIM115 - closed in the finally below

    def write(line: str) -> None:
        out.write(line)
        out.flush()

    async def attempt(request: BatchRequest) -> None:
        body = dict(request.body)
        if model:
            body["model"] = model
        tries = 0
        while True:
            await aimd.acquire()
            final = False
            try:
                result = await client._request(request.operation, body=body)
            except BudgetExceededError as exc:
                await aimd.release()
                if aimd.in_flight:  # calls in flight hold their worst case: see what they cost
                    await aimd.idle()
                    continue
                summary.budget_message = str(exc)
                stop.set()
                return
            except APIStatusError as exc:
                await aimd.release(throttled=exc.status_code == 429)
                error: OpenRouterError = exc
                final = exc.status_code not in RETRYABLE_STATUSES
            except APIConnectionError as exc:  # timeouts included
                await aimd.release()
                error = exc
            except OpenRouterError as exc:  # refused before sending (bad input): final
                await aimd.release()
                error, final = exc, True
            else:
                await aimd.release(ok=True)
                payload = result.to_dict()
                summary.succeeded += 1
                summary.remaining -= 1
                summary.spent_usd += _cost(payload)
                write(_record(request, 200, payload, None))
                return
            wait = (
                None
                if final
                else policy.delay(tries, headers=getattr(error, "headers", None), deadline=None)
            )
            if wait is None:
                status = getattr(error, "status_code", 0) or 0
                raw = getattr(error, "raw", None)
                code = getattr(error, "code", None) or type(error).__name__
                body_out = raw if isinstance(raw, dict) else {"error": {"message": str(error)}}
                write(
                    _record(request, status, body_out, {"code": str(code), "message": str(error)})
                )
                summary.failed += 1
                summary.remaining -= 1
                summary.failures[request.custom_id] = str(error)
                return
            tries += 1
            await asyncio.sleep(wait)

    tasks: set[asyncio.Task[None]] = set()
    try:
        for request in pending:
            if stop.is_set():
                break
            while len(tasks) >= aimd.ceiling:
                _, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                break
            await pacer.wait()
            task = asyncio.create_task(attempt(request))
            tasks.add(task)
            task.add_done_callback(lambda _: meter.show(summary))
        if tasks:
            await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        out.close()
        if own_client:
            await client.close()
    if budget is not None:
        summary.spent_usd = max(summary.spent_usd, budget.spent)
    summary.stopped_by_budget = stop.is_set()
    summary.seconds = time.monotonic() - started
    meter.show(summary, final=True)
    return summary


def run(
    requests: str | os.PathLike[str] | Iterable[Any],
    output: str | os.PathLike[str],
    **options: Any,
) -> BatchSummary:
    """`arun` from synchronous code (it runs its own event loop)."""
    return asyncio.run(arun(requests, output, **options))


# the command line ------------------------------------------------------------------------
def add_parser(sub: Any) -> None:
    """Register `openrouter-kit batch` on the CLI's subparsers."""
    import argparse

    p = sub.add_parser(
        "batch",
        help="run a JSONL file of requests (OpenAI Batch format), resumably and on a budget",
        description="Send every request of IN (OpenAI Batch input lines) and append one result "
        "line per request to OUT (OpenAI Batch output lines). Rerunning resumes: ids with a "
        "success line in OUT are skipped.",
        epilog="examples:\n  openrouter-kit batch requests.jsonl -o results.jsonl --concurrency 32\n"
        "  openrouter-kit batch requests.jsonl -o results.jsonl --budget 5 --rps 20\n"
        f"exit status: 0 all done, 1 some failed, 2 bad input, {EXIT_BUDGET} stopped by the budget",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", help="requests, one JSON object per line")
    p.add_argument("-o", "--output", required=True, help="results file (appended to; resumes)")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    p.add_argument("--rps", type=float, default=None, help="at most this many starts per second")
    p.add_argument("--budget", type=Decimal, default=None, help="stop before spending more USD")
    p.add_argument("--base-url", default=None, help="API base URL (default: OpenRouter's)")
    p.add_argument("--api-key", default=None, help="API key (default: $OPENROUTER_API_KEY)")
    p.add_argument("--model", default=None, help="send every request to this model instead")
    p.add_argument("--retries", type=int, default=3, help="retries of 429, 5xx and timeouts")
    p.set_defaults(handler=_command)


def _command(args: Any, console: Any) -> int:
    api_key = args.api_key or os.environ.get("OPENROUTER_API_KEY") or None
    base_url = "emulator://" if getattr(args, "offline", False) else args.base_url
    if api_key is None and base_url is None:
        console.warn("batch: no OPENROUTER_API_KEY: running on the in-process emulator")
        base_url = "emulator://"
    try:
        summary = run(
            args.input,
            args.output,
            api_key=api_key,
            base_url=base_url,
            concurrency=args.concurrency,
            rps=args.rps,
            budget_usd=args.budget,
            model=args.model,
            retries=args.retries,
            progress=sys.stderr,
        )
    except (BatchInputError, ValueError) as exc:
        console.error(f"batch: {exc}")
        return 2
    console.info(f"batch: {summary}")
    if getattr(args, "json", False):  # the summary as data, like the other commands' --json
        console.json({k: v for k, v in vars(summary).items() if k != "budget_message"})
    if summary.stopped_by_budget and summary.remaining:
        if summary.budget_message:
            console.info(f"batch: {summary.budget_message}")
        return EXIT_BUDGET
    return 1 if summary.failed else 0
