"""The results: a Candidate per model, the ordered Ranking (with notebook display), the Selection."""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._display import format_usd
from ..types.common import ProviderPreferences
from ..types.models import Model, ModelEndpoint, Pricing
from .requirements import MILLION, Guardrail, Requirements, _field

# -- candidates, rankings, selections --------------------------------------------------------


def _p50(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    p50 = _field(value, "p50")
    return float(p50) if isinstance(p50, (int, float)) else None


def _per_million(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * MILLION


def _money(value: Decimal | float | None) -> str:
    return format_usd(value)  # one money format everywhere (openrouter_kit._display)


@dataclass(frozen=True)
class Candidate:
    """A model that meets the requirements inside the guardrails, with the endpoints it may use.

    `endpoints` are the provider endpoints that pass every rule, best first by the preference;
    `estimated_cost` is at the best endpoint's prices, `worst_case_cost` at the dearest
    allowed endpoint's (what a budget must assume), both for the token counts given.
    """

    model: Model
    endpoints: tuple[ModelEndpoint, ...]
    provider_slugs: tuple[str, ...]
    estimated_cost: Decimal
    worst_case_cost: Decimal
    prompt_tokens: int
    completion_tokens: int

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def endpoint(self) -> ModelEndpoint:
        """The best allowed endpoint."""
        return self.endpoints[0]

    @property
    def provider(self) -> str:
        return self.endpoint.provider_name or self.provider_slugs[0]

    @property
    def prompt_price_per_million(self) -> Decimal | None:
        return _per_million(self.endpoint.pricing.prompt if self.endpoint.pricing else None)

    @property
    def completion_price_per_million(self) -> Decimal | None:
        return _per_million(self.endpoint.pricing.completion if self.endpoint.pricing else None)

    @property
    def context_length(self) -> int | None:
        return max((e.context_length or 0 for e in self.endpoints), default=0) or (
            self.model.context_length
        )

    @property
    def throughput(self) -> float | None:
        return _p50(self.endpoint.throughput_last_30m)

    @property
    def latency(self) -> float | None:
        return _p50(self.endpoint.latency_last_30m)

    @property
    def uptime(self) -> float | None:
        return self.endpoint.uptime_last_30m

    def row(self) -> dict[str, str]:
        """This candidate as display strings (for tables)."""

        def fmt(value: float | None, unit: str = "") -> str:
            return "-" if value is None else f"{value:,.0f}{unit}"

        return {
            "model": self.id,
            "provider": self.provider,
            "prompt $/M": _money(self.prompt_price_per_million),
            "completion $/M": _money(self.completion_price_per_million),
            "context": fmt(self.context_length),
            "tok/s": fmt(self.throughput),
            "latency": fmt(self.latency, "ms"),
            "uptime": "-" if self.uptime is None else f"{self.uptime:.1f}%",
            f"est. cost ({self.prompt_tokens}+{self.completion_tokens})": _money(
                self.estimated_cost
            ),
        }


def _text_table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    headers = list(rows[0])
    widths = [max(len(h), *(len(r[h]) for r in rows)) for h in headers]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(row[h].ljust(w) for h, w in zip(headers, widths, strict=True)))
    return "\n".join(lines)


def _html_table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_HARD_RULES = (
    "guardrail",
    "not offered to this key",
    "not in the requested models",
    "excluded by the requirements",
    "variable pricing",
)


def _distance(reasons: list[str]) -> int:
    """How far a rejected model is from fitting: rules the caller cannot relax count most."""
    return sum(10 if any(rule in r for rule in _HARD_RULES) else 1 for r in reasons)


@dataclass(frozen=True)
class Ranking(Sequence[Candidate]):
    """Every candidate that fits, best first, and why every other model was rejected.

    Prints as a table (`str(ranking)`) and renders as HTML in notebooks.
    """

    candidates: tuple[Candidate, ...]
    rejected: dict[str, list[str]]
    requirements: Requirements
    guardrails: tuple[Guardrail, ...]
    remaining_budget: Decimal | None
    notes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, index: Any) -> Any:
        return self.candidates[index]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.candidates]

    def nearest_misses(self, limit: int = 5) -> list[tuple[str, list[str]]]:
        """Rejected models with the fewest reasons first: what came closest to fitting."""
        ordered = sorted(self.rejected.items(), key=lambda item: (_distance(item[1]), item[0]))
        return [(model, reasons) for model, reasons in ordered[:limit]]

    def table(self, limit: int | None = None) -> str:
        """The candidates as an aligned text table."""
        rows = [c.row() for c in self.candidates[:limit]]
        return _text_table(rows) or "(no candidates)"

    def __str__(self) -> str:
        lines = [f"{len(self.candidates)} candidate(s) for: {self.requirements.describe()}"]
        if self.guardrails:
            lines.append("guardrails: " + "; ".join(str(g) for g in self.guardrails))
        if self.remaining_budget is not None:
            lines.append(f"remaining budget: {_money(self.remaining_budget)}")
        lines.extend(f"note: {n}" for n in self.notes)
        lines.append(self.table())
        if self.rejected:
            lines.append(f"rejected {len(self.rejected)}:")
            for model, reasons in sorted(self.rejected.items()):
                lines.append(f"  {model}: {'; '.join(reasons)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [
            f"<p><b>{len(self.candidates)} candidate(s)</b> for "
            f"{html.escape(self.requirements.describe())}</p>"
        ]
        if self.guardrails:
            parts.append(
                "<p>guardrails: " + html.escape("; ".join(str(g) for g in self.guardrails)) + "</p>"
            )
        if self.notes:
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>"
            )
        parts.append(_html_table([c.row() for c in self.candidates]))
        if self.rejected:
            items = "".join(
                f"<li><code>{html.escape(m)}</code>: {html.escape('; '.join(r))}</li>"
                for m, r in sorted(self.rejected.items())
            )
            parts.append(
                f"<details><summary>rejected {len(self.rejected)}</summary><ul>{items}</ul></details>"
            )
        return "".join(parts)

    def __repr__(self) -> str:  # a count and the best few, however large the catalogue
        more = f", … {len(self.ids) - 5} more" if len(self.ids) > 5 else ""
        shown = ", ".join(repr(i) for i in self.ids[:5])
        return (
            f"Ranking([{len(self.ids)} candidates: {shown}{more}], rejected={len(self.rejected)})"
        )


@dataclass(frozen=True)
class Selection:
    """The chosen model and how to call it inside the guardrails.

    `model` is the pick; `fallbacks` go in OpenRouter's `models` parameter (tried in order if
    the pick is unavailable); `provider` keeps routing on endpoints the guardrails and the
    requirements allow; `estimated_cost` is for the token counts given to `select()`;
    `rejected` says why each other model was not chosen. `request_params()` is what to splat
    into `client.chat.completions.create(...)`.
    """

    model: str
    fallbacks: tuple[str, ...]
    provider: ProviderPreferences
    estimated_cost: Decimal
    worst_case_cost: Decimal
    rejected: dict[str, list[str]]
    candidates: tuple[Candidate, ...]
    requirements: Requirements
    guardrails: tuple[Guardrail, ...]
    remaining_budget: Decimal | None
    notes: tuple[str, ...]

    def __repr__(self) -> str:  # short in a notebook: the pick, not every candidate's data
        return (
            f"Selection(model={self.model!r}, fallbacks={list(self.fallbacks[:5])!r}, "
            f"estimated_cost={format_usd(self.estimated_cost)!r}, rejected={len(self.rejected)})"
        )

    @property
    def candidate(self) -> Candidate:
        """The chosen candidate (its endpoints, prices and health)."""
        return self.candidates[0]

    @property
    def models(self) -> list[str]:
        """The pick followed by its fallbacks."""
        return [self.model, *self.fallbacks]

    def estimate(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        """Cost in USD at the chosen endpoint's prices for these token counts."""
        pricing = self.candidate.endpoint.pricing or Pricing()
        return pricing.estimate(prompt_tokens, completion_tokens)

    def request_params(self) -> dict[str, Any]:
        """`model`, `models` (fallbacks) and `provider` for `chat.completions.create(**...)`."""
        params: dict[str, Any] = {"model": self.model}
        if self.fallbacks:
            params["models"] = list(self.fallbacks)
        provider = self.provider.to_dict()
        if provider:
            params["provider"] = provider
        return params

    def summary(self) -> dict[str, Any]:
        """A small JSON-friendly record of the choice (for response metadata and logs)."""
        return {
            "model": self.model,
            "fallbacks": list(self.fallbacks),
            "provider": self.provider.to_dict(),
            "estimated_cost": float(self.estimated_cost),
            "requirements": self.requirements.describe(),
            "guardrails": [str(g) for g in self.guardrails],
            "rejected": len(self.rejected),
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [
            f"model: {self.model} (via {self.candidate.provider})",
            f"fallbacks: {', '.join(self.fallbacks) or '-'}",
            f"provider: {self.provider.to_dict()}",
            f"estimated cost: {_money(self.estimated_cost)} "
            f"({self.candidate.prompt_tokens}+{self.candidate.completion_tokens} tokens)",
        ]
        lines.extend(f"note: {n}" for n in self.notes)
        if self.rejected:
            lines.append(f"rejected {len(self.rejected)}:")
            lines.extend(f"  {m}: {'; '.join(r)}" for m, r in sorted(self.rejected.items()))
        return "\n".join(lines)
