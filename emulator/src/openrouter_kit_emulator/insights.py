"""Read-mostly data: analytics (meta and query over the account's own generations),
benchmarks, task classifications, datasets, and per-generation content and feedback."""

from __future__ import annotations

from typing import Any

from .backend import Ctx, Route, example, require
from .state import Account
from .wire import ApiError, EmulatorResponse, bad_request, json_response

CONTENT_KEPT = 1_000  # prompts/completions remembered for GET /generation/content
# metric name -> activity bucket field it sums
METRICS = {
    "request_count": "requests",
    "prompt_tokens": "prompt_tokens",
    "completion_tokens": "completion_tokens",
    "reasoning_tokens": "reasoning_tokens",
    "total_cost": "usage",
    "usage": "usage",
}
DIMENSIONS = {"model": "model", "provider": "provider_name", "provider_name": "provider_name"}


class Insights:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.content: dict[str, dict[str, Any]] = {}
        self.feedback: dict[str, list[dict[str, Any]]] = {}

    def routes(self) -> list[Route]:
        return [
            ("GET", "/analytics/meta", self._meta, "management:query analytics"),
            ("POST", "/analytics/query", self._query, "management:query analytics"),
            ("GET", "/benchmarks", self._benchmarks, "optional"),
            ("GET", "/classifications/task", self._classifications, "optional"),
            ("GET", "/datasets/app-rankings", self._app_rankings, "optional"),
            ("GET", "/datasets/rankings-daily", self._rankings_daily, "optional"),
            ("GET", "/datasets/session-cost", self._session_cost, "optional"),
            ("GET", "/generation/content", self._content, "key"),
            ("POST", "/generation/feedback", self._feedback, "key"),
        ]

    def remember(self, gen_id: str, body: dict[str, Any], completion: str, reasoning: Any) -> None:
        """Keep what a generation was asked and answered, for GET /generation/content."""
        prompt = {k: body[k] for k in ("messages", "input", "prompt", "system") if k in body}
        self.content[gen_id] = {
            "error": None,
            "input": prompt or {"messages": []},
            "output": {"completion": completion, "reasoning": reasoning},
        }
        if len(self.content) > CONTENT_KEPT:
            del self.content[next(iter(self.content))]

    # analytics -----------------------------------------------------------------------
    def _meta(self, ctx: Ctx) -> EmulatorResponse:
        meta = example("getAnalyticsMeta")
        data = meta["data"]
        shape = dict(data["metrics"][0])
        data["metrics"] = [
            {**shape, "name": name, "display_label": name.replace("_", " ").title()}
            for name in METRICS
        ]
        dim = dict(data["dimensions"][0])
        data["dimensions"] = [
            {**dim, "name": name, "display_label": name.replace("_", " ").title()}
            for name in ("model", "provider")
        ]
        return json_response(200, meta)

    def _query(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        metrics = body.get("metrics")
        if not isinstance(metrics, list) or not metrics:
            raise bad_request("metrics must be a non-empty array")
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            raise bad_request(f"Unknown metric: {unknown[0]}")
        dimensions = [d for d in body.get("dimensions") or [] if isinstance(d, str)]
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        with self.account.lock:
            buckets = list(self.account.activity.values())
        for bucket in buckets:
            key = (bucket["date"], *(bucket.get(DIMENSIONS.get(d, d)) for d in dimensions))
            row = rows.setdefault(
                key,
                {
                    "date__day": f"{bucket['date']}T00:00:00.000Z",
                    **{d: bucket.get(DIMENSIONS.get(d, d)) for d in dimensions},
                    **{m: 0 for m in metrics},
                },
            )
            for metric in metrics:
                row[metric] += bucket[METRICS[metric]]
        limit = body["limit"] if isinstance(body.get("limit"), int) else 1000
        data = sorted(rows.values(), key=lambda r: str(r["date__day"]))
        answer = {
            "data": data[:limit],
            "metadata": {"query_time_ms": 1, "row_count": min(len(data), limit),
                         "truncated": len(data) > limit},
        }  # fmt: skip
        return json_response(200, {"data": answer})

    # public datasets -----------------------------------------------------------------
    def _benchmarks(self, ctx: Ctx) -> EmulatorResponse:
        answer = example("getBenchmarks")
        model = ctx.request.query.get("model")
        if model:
            answer["data"] = [b for b in answer["data"] if b.get("model_permaslug") == model]
        return json_response(200, answer)

    def _classifications(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, example("getTaskClassifications"))

    def _app_rankings(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, example("getAppRankings"))

    def _rankings_daily(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, example("getRankingsDaily"))

    def _session_cost(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, example("getSessionCost"))

    # generations ---------------------------------------------------------------------
    def _content(self, ctx: Ctx) -> EmulatorResponse:
        gen_id = ctx.request.query.get("id") or ""
        if not gen_id:
            raise bad_request("id is required")
        content = self.content.get(gen_id)
        if content is None:
            raise ApiError(404, f"Generation {gen_id} not found", with_user=False)
        return json_response(200, {"data": content})

    def _feedback(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "generation_id")
        if body["generation_id"] not in self.account.generations:
            raise ApiError(404, f"Generation {body['generation_id']} not found", with_user=False)
        self.feedback.setdefault(body["generation_id"], []).append(body)
        return json_response(200, {"data": {"success": True}})
