"""Ray Data callables for OpenRouter (the `openrouter-kit[ray]` extra).

    ds = ray.data.from_items([{"prompt": "..."}, ...])
    ds = ds.map_batches(
        ChatCompletions,
        fn_constructor_kwargs=dict(model="openai/gpt-4o-mini", budget_usd=5, requests_per_second=20),
        concurrency=4,
        batch_size=64,
    )

Each worker sends its batch's requests concurrently (up to `max_concurrency`) on one
AsyncOpenRouter. The budget and the request rate are shared by every worker of the job through
one named Ray actor: before a request, a worker reserves its worst case there (priced like the
core's `Budget`: the prompt plus `max_tokens`, or the model's maximum, at the endpoint's
prices), and settles it with the answer's `usage.cost`. A request that cannot fit waits while
others are in flight, and is refused once nothing is, so `budget_usd` holds across the cluster.
A failed or refused row keeps its place with the reason in `error`: no row is lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

import ray

from .client import AsyncOpenRouter
from .cost import Budget, BudgetPricingError
from .errors import OpenRouterError
from .selector import AsyncModelSelector

__all__ = ["ChatCompletions", "Embeddings", "job_totals", "release_job"]

NAMESPACE = "openrouter_kit"


@ray.remote(num_cpus=0)
class JobLimits:
    """The budget and request rate one job shares (a named actor, one per job)."""

    def __init__(self, budget_usd: str | None, requests_per_second: float | None) -> None:
        self.limit = Decimal(budget_usd) if budget_usd is not None else None
        self.spent = Decimal(0)
        self.reserved = Decimal(0)
        self.largest = Decimal(0)
        self.interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self.next_start = 0.0

    def slot(self) -> float:
        """Seconds the caller waits before its next request, so starts keep to the rate."""
        if not self.interval:
            return 0.0
        now = time.monotonic()
        start = max(now, self.next_start)
        self.next_start = start + self.interval
        return start - now

    def reserve(self, worst_case: str | None) -> tuple[str, str]:
        """('ok', amount held), ('wait', '') while others are in flight, or ('stop', why)."""
        if self.limit is None:
            return "ok", "0"
        # unpriced: the dearest answer seen so far, twice over; the first one goes alone
        amount = (
            Decimal(worst_case)
            if worst_case is not None
            else (self.largest * 2 if self.largest else self.limit - self.spent - self.reserved)
        )
        if self.spent + self.reserved + amount <= self.limit and amount > 0:
            self.reserved += amount
            return "ok", str(amount)
        if self.reserved > 0:
            return "wait", ""
        return "stop", (
            f"budget: the worst case ${amount:.6f} exceeds the ${self.limit - self.spent:.6f} "
            f"left of ${self.limit} (spent ${self.spent:.6f})"
        )

    def settle(self, held: str, cost: str) -> None:
        self.reserved -= Decimal(held)
        actual = Decimal(cost)
        self.spent += actual
        self.largest = max(self.largest, actual)

    def totals(self) -> dict[str, str]:
        return {"spent": str(self.spent), "reserved": str(self.reserved)}


def _actor_name(name: str | None, budget_usd: Any, rps: Any) -> str:
    if name is None:
        name = f"{ray.get_runtime_context().get_job_id()}-{budget_usd}-{rps}"
    return f"limits-{name}"


def job_limits(
    name: str | None, budget_usd: float | Decimal | str | None, rps: float | None
) -> Any:
    """The job's shared limits actor (created by the first worker, found by the others).

    It is detached, so it outlives any one worker of the pool; `release_job(job_name)` ends it.
    """
    budget = None if budget_usd is None else str(Decimal(str(budget_usd)))
    return JobLimits.options(  # type: ignore[attr-defined]
        name=_actor_name(name, budget_usd, rps),
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
    ).remote(budget, rps)


def job_totals(job_name: str) -> dict[str, Decimal]:
    """What the job named `job_name` has spent, and holds for requests in flight (USD).

    Raises ValueError when there is no such job, also just after `release_job` (Ray ends the
    actor asynchronously, so its name can still resolve for a moment).
    """
    actor = ray.get_actor(_actor_name(job_name, None, None), namespace=NAMESPACE)
    try:
        totals = ray.get(actor.totals.remote())
    except ray.exceptions.RayActorError:
        raise ValueError(f"no running job named {job_name!r}: it was released") from None
    return {key: Decimal(value) for key, value in totals.items()}


def release_job(job_name: str) -> None:
    """End the shared limits of the job named `job_name` (after its last map_batches)."""
    ray.kill(ray.get_actor(_actor_name(job_name, None, None), namespace=NAMESPACE))


def _python(value: Any) -> Any:
    """Plain Python from what Ray Data hands over (numpy arrays, numpy scalars)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, list):
        return [_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _python(v) for k, v in value.items()}
    return value


def _columns(batch: Any) -> dict[str, list[Any]]:
    if hasattr(batch, "to_dict") and hasattr(batch, "columns"):  # a pandas DataFrame
        return {str(c): [_python(v) for v in batch[c].tolist()] for c in batch.columns}
    return {str(k): [_python(v) for v in _python(v_all)] for k, v_all in dict(batch).items()}


class _Caller:
    """What both callables share: a client, a pricer, the job's limits, and one event loop."""

    operation = ""

    def __init__(
        self,
        model: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        max_concurrency: int = 16,
        budget_usd: float | Decimal | str | None = None,
        requests_per_second: float | None = None,
        job_name: str | None = None,
        max_retries: int = 2,
        **params: Any,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency: expected an integer >= 1, got {max_concurrency!r}")
        self.model = model
        self.params = params
        self.max_concurrency = max_concurrency
        self._loop = asyncio.new_event_loop()
        options: dict[str, Any] = {"api_key": api_key, "max_retries": max_retries}
        if base_url:
            options["base_url"] = base_url
        self._client = AsyncOpenRouter(**options)
        self._limits = job_limits(job_name, budget_usd, requests_per_second)
        self._budgeted = budget_usd is not None
        self._pricer = Budget(
            Decimal("1e12"), selector=AsyncModelSelector(self._client, guardrail=None)
        )

    def __call__(self, batch: Any) -> dict[str, list[Any]]:
        columns = _columns(batch)
        rows = [
            dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]
        outputs = self._loop.run_until_complete(self._all(rows))
        for name in outputs[0] if outputs else ():
            columns[name] = [out[name] for out in outputs]
        return columns

    async def _all(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The added columns of each row of a batch, in the rows' order."""
        raise NotImplementedError

    async def _worst_case(self, body: Mapping[str, Any]) -> str | None:
        if not self._budgeted:
            return None
        try:
            await self._pricer.aprefetch([body["model"]])
            return str(self._pricer.worst_case(self.operation, body).cost)
        except (BudgetPricingError, OpenRouterError, KeyError):
            return None

    async def _send(self, body: dict[str, Any]) -> tuple[Any, str | None]:
        """One request within the job's budget and rate: (result, None), or (None, why not)."""
        worst = await self._worst_case(body)
        while True:
            verdict, held = await self._limits.reserve.remote(worst)
            if verdict == "ok":
                break
            if verdict == "stop":
                return None, held
            await asyncio.sleep(0.05)
        await asyncio.sleep(await self._limits.slot.remote())
        cost = "0"
        try:
            result = await self._client._request(self.operation, body=body)
            usage = getattr(result, "usage", None)
            if usage is not None and usage.cost is not None:
                cost = str(usage.cost)
            return result, None
        except OpenRouterError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            await self._limits.settle.remote(held, cost)

    def _body(self, row: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _failed(self, error: str) -> dict[str, Any]:
        raise NotImplementedError


class ChatCompletions(_Caller):
    """`Dataset.map_batches(ChatCompletions, fn_constructor_kwargs=dict(model=..., ...))`.

    Rows carry `messages` (a list of role/content dicts) or `prompt` (a string), and optionally
    `model`. Added columns: response, finish_reason, prompt_tokens, completion_tokens, cost,
    generation_id, error. Extra constructor keywords (max_tokens, temperature, provider, ...) go
    into every request.
    """

    operation = "chat.completions.create"

    async def _all(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One request per row, up to max_concurrency at a time."""
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(row: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self._row(row)

        return list(await asyncio.gather(*(one(row) for row in rows)))

    async def _row(self, row: dict[str, Any]) -> dict[str, Any]:
        try:
            body = self._body(row)
        except ValueError as exc:
            return self._failed(str(exc))
        result, error = await self._send(body)
        return self._failed(error) if error is not None else self._result(result)

    def _body(self, row: Mapping[str, Any]) -> dict[str, Any]:
        messages = row.get("messages")
        if messages is None and isinstance(row.get("prompt"), str):
            messages = [{"role": "user", "content": row["prompt"]}]
        if not isinstance(messages, list) or not messages:
            raise ValueError("row: expected a 'messages' list or a 'prompt' string")
        model = row.get("model") or self.model
        if not isinstance(model, str):
            raise ValueError("row: no model (pass model= to ChatCompletions or a 'model' column)")
        return {**self.params, "model": model, "messages": messages}

    def _result(self, result: Any) -> dict[str, Any]:
        choice = result.choices[0] if result.choices else None
        usage = result.usage
        return {
            "response": choice.message.content if choice and choice.message else None,
            "finish_reason": choice.finish_reason if choice else None,
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "cost": float(usage.cost) if usage and usage.cost is not None else None,
            "generation_id": result.id,
            "error": None,
        }

    def _failed(self, error: str) -> dict[str, Any]:
        return {
            "response": None,
            "finish_reason": None,
            "prompt_tokens": None,
            "completion_tokens": None,
            "cost": None,
            "generation_id": None,
            "error": error,
        }


class Embeddings(_Caller):
    """`Dataset.map_batches(Embeddings, fn_constructor_kwargs=dict(model=..., column="text"))`.

    Embeds the `column` column (default "text"); adds embedding, prompt_tokens, cost, error.
    A batch's rows go `inputs_per_request` texts to a request (rows of one model together), so
    a corpus costs a fraction of the requests (and of the rate limit) one per row would. A
    request's `prompt_tokens` and `cost` are shared among its rows in proportion to their
    text's length, so that over the rows they add up to exactly what the request was billed;
    `inputs_per_request=1` gives each row its own request and its own figures.
    """

    operation = "embeddings.create"

    def __init__(
        self,
        model: str | None = None,
        *,
        column: str = "text",
        inputs_per_request: int = 64,
        **options: Any,
    ) -> None:
        if isinstance(inputs_per_request, bool) or not (
            isinstance(inputs_per_request, int) and inputs_per_request >= 1
        ):
            raise ValueError(
                f"inputs_per_request: expected an integer >= 1, got {inputs_per_request!r}"
            )
        super().__init__(model, **options)
        self.column = column
        self.inputs_per_request = inputs_per_request

    def _body(self, row: Mapping[str, Any]) -> dict[str, Any]:
        text = row.get(self.column)
        if not isinstance(text, str) or not text:
            raise ValueError(f"row: expected a non-empty string in column {self.column!r}")
        model = row.get("model") or self.model
        if not isinstance(model, str):
            raise ValueError("row: no model (pass model= to Embeddings or a 'model' column)")
        return {**self.params, "model": model, "input": text}

    async def _all(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        outputs: list[dict[str, Any]] = [{} for _ in rows]
        by_model: dict[str, list[tuple[int, str]]] = {}
        for position, row in enumerate(rows):
            try:
                body = self._body(row)
            except ValueError as exc:
                outputs[position] = self._failed(str(exc))
                continue
            by_model.setdefault(body["model"], []).append((position, body["input"]))
        size = self.inputs_per_request
        requests = [
            (model, texts[start : start + size])
            for model, texts in by_model.items()
            for start in range(0, len(texts), size)
        ]
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(model: str, texts: list[tuple[int, str]]) -> None:
            inputs = [text for _, text in texts]
            async with gate:
                result, error = await self._send({**self.params, "model": model, "input": inputs})
            rows_out = (
                self._split(result, inputs) if error is None else [self._failed(error)] * len(texts)
            )
            for (position, _), out in zip(texts, rows_out, strict=True):
                outputs[position] = dict(out)

        await asyncio.gather(*(one(model, texts) for model, texts in requests))
        return outputs

    def _split(self, result: Any, texts: list[str]) -> list[dict[str, Any]]:
        """One request's answer as its rows' outputs, in input order."""
        vectors = {item.index: item.embedding for item in result.data or ()}
        usage = result.usage
        tokens = _shares(usage.prompt_tokens, texts) if usage else [None] * len(texts)
        costs = (
            _cost_shares(Decimal(str(usage.cost)), texts)
            if usage and usage.cost is not None
            else [None] * len(texts)
        )
        outputs = []
        for index in range(len(texts)):
            vector = vectors.get(index)
            outputs.append(
                {
                    "embedding": list(vector) if vector is not None else None,
                    "prompt_tokens": tokens[index],
                    "cost": costs[index],
                    "error": None if vector is not None else "no embedding returned for this input",
                }
            )
        return outputs

    def _failed(self, error: str) -> dict[str, Any]:
        return {"embedding": None, "prompt_tokens": None, "cost": None, "error": error}


def _weights(texts: list[str]) -> list[int]:
    return [max(len(text), 1) for text in texts]


def _shares(total: int | None, texts: list[str]) -> list[int | None]:
    """`total` split over texts by length, in whole numbers that add up to it exactly."""
    if total is None:
        return [None] * len(texts)
    weights = _weights(texts)
    whole = sum(weights)
    floors = [total * w // whole for w in weights]
    # the units left go to the largest remainders (ties: the earlier row); integers, so exact
    order = sorted(range(len(texts)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    shares: list[int | None] = list(floors)
    return shares


def _cost_shares(total: Decimal, texts: list[str]) -> list[float | None]:
    """`total` USD split over texts by length, to 1e-12 USD (rounded down, so no share is
    negative), the last one taking the rest."""
    weights = _weights(texts)
    whole = sum(weights)
    unit = Decimal("1e-12")
    shares = [(total * w / whole).quantize(unit, ROUND_DOWN) for w in weights[:-1]]
    shares.append(total - sum(shares, Decimal(0)))
    return [float(share) for share in shares]
