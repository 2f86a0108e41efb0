"""How results look in a notebook and a terminal: short reprs, HTML tables, DataFrames, one money format.

Every result comes over HTTP from the in-process emulator (or a MockTransport where a test needs
a body the emulator would not send), as a user would get it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from emulator_accounts import admin, emulator, transport, user  # noqa: F401
from openrouter_kit import ModelSelector, OpenRouter, Requirements
from openrouter_kit._display import REPR_LIMIT, format_price, format_usd
from openrouter_kit.types._base import OpenRouterModel
from openrouter_kit.types.common import DataList
from openrouter_kit_emulator import Emulator

CHAT = "openai/gpt-4o-mini"
HI = [{"role": "user", "content": "hi"}]


def _mock(payload: dict[str, Any]) -> OpenRouter:
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json=payload))
    return OpenRouter(api_key="k", http_client=httpx.Client(transport=mock), max_retries=0)


@pytest.fixture
def results(user: OpenRouter, admin: OpenRouter, emulator: Emulator) -> Iterator[dict[str, Any]]:  # noqa: F811
    """One of each kind of result a notebook shows, fetched over HTTP."""
    completion = user.chat.completions.create(model=CHAT, messages=HI)
    guardrail = admin.guardrails.create(name="team <b>", limit_usd=5)
    yield {
        "models": user.models.list(output_modalities="all"),
        "endpoints": user.models.endpoints(CHAT),
        "providers": user.providers.list(),
        "chat": completion,
        "generation": user.generations.get(completion.id),
        "embeddings": user.embeddings.create(
            model="openai/text-embedding-3-small", input=["a"] * 50
        ),
        "rerank": user.rerank.create(model="cohere/rerank-v3.5", query="q", documents=["a", "b"]),
        "activity": admin.activity.list(),
        "key": user.keys.current(),
        "keys": admin.keys.list(),
        "guardrails": admin.guardrails.list(),
        "guardrail": guardrail,
        "credits": admin.credits.get(),
        "selection": ModelSelector(user).select(Requirements(tools=True)),
        "ranking": ModelSelector(user).rank(Requirements()),
    }


def test_every_repr_is_short(results: dict[str, Any]) -> None:
    for name, result in results.items():
        assert len(repr(result)) < REPR_LIMIT, name
        if isinstance(result, OpenRouterModel):  # a Ranking's str is its full table, on purpose
            assert len(str(result)) < REPR_LIMIT, name


def test_list_repr_counts_its_items_and_shows_a_few(results: dict[str, Any]) -> None:
    models = results["models"]
    text = repr(models)
    assert f"[{len(models)} items: " in text and len(models) > 20
    assert "Model(id='openai/gpt-4o-mini'" in text and f"… {len(models) - 3} more" in text
    assert "prompt='$0.15/M'" in text  # the per-token price, per million tokens


def test_repr_of_a_huge_result_stays_bounded() -> None:
    long_text = "word " * 20_000
    models = [
        {"id": f"a/m{i}", "description": long_text, "supported_parameters": ["tools"] * 500}
        for i in range(2_000)
    ]
    listing = _mock({"data": models}).models.list()
    assert len(listing) == 2_000
    assert len(repr(listing)) < REPR_LIMIT
    assert len(repr(listing.data[0])) < REPR_LIMIT


@pytest.mark.parametrize(
    "name",
    ["models", "endpoints", "chat", "generation", "activity", "key", "keys", "guardrails"],
)
def test_results_render_as_html_tables(results: dict[str, Any], name: str) -> None:
    html = results[name]._repr_html_()
    assert html.startswith("<div>") and "<table" in html and "</table></div>" in html


def test_model_list_html_has_a_row_per_model_and_prices_per_million(
    results: dict[str, Any],
) -> None:
    models = results["models"]
    html = models._repr_html_()
    assert f"{len(models)} items" in html
    assert html.count("<tr>") == len(models) + 1  # the header row, then one per model
    assert "prompt $/M" in html and ">0.15<" in html and ">0.60<" in html


def test_chat_and_generation_html_show_text_tokens_and_cost(results: dict[str, Any]) -> None:
    chat = results["chat"]
    html = chat._repr_html_()
    assert chat.text in html and "finish reason" in html
    assert format_usd(chat.usage.cost) in html
    generation = results["generation"]._repr_html_()
    assert format_usd(results["generation"].data.total_cost) in generation


def test_html_escapes_what_the_api_sent(results: dict[str, Any]) -> None:
    assert "team &lt;b&gt;" in results["guardrails"]._repr_html_()
    listing = _mock(
        {"data": [{"id": "x/<script>alert(1)</script>", "name": "a & b"}]}
    ).models.list()
    html = listing._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html


def test_large_html_tables_are_cut_and_say_so() -> None:
    listing = _mock({"data": [{"id": f"a/m{i}"} for i in range(500)]}).models.list()
    html = listing._repr_html_()
    assert html.count("<tr>") == 51 and "450 more rows" in html


def test_secrets_stay_out_of_repr_and_html(admin: OpenRouter) -> None:  # noqa: F811
    created = admin.keys.create(name="notebook")
    secret = created.key.get_secret_value()
    for text in (repr(created), str(created), created._repr_html_()):
        assert secret not in text and "**********" in text


def test_to_pandas_gives_a_row_per_item(results: dict[str, Any]) -> None:
    models = results["models"]
    frame = models.to_pandas()
    assert len(frame) == len(models)
    row = frame.set_index("id").loc["openai/gpt-4o-mini"]
    assert row["pricing.prompt"] == pytest.approx(1.5e-7)  # exact Decimal prices become floats
    assert row["architecture.modality"] == "text+image->text"
    activity = results["activity"].to_pandas()
    assert len(activity) == len(results["activity"]) and "usage" in activity.columns
    assert list(results["rerank"].to_pandas()["index"]) == [
        r.index for r in results["rerank"].results
    ]
    assert results["endpoints"].to_pandas()["provider_name"].tolist() == [
        e.provider_name for e in results["endpoints"].data.endpoints
    ]
    assert len(results["chat"].to_pandas()) == 1  # a single object is one row


def test_to_pandas_without_pandas_says_how_to_get_it(
    results: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"openrouter-kit\[pandas\]"):
        results["models"].to_pandas()


def test_money_reads_the_same_in_the_cli_repr_and_html(results: dict[str, Any]) -> None:
    from openrouter_kit import _console, cli

    assert _console.format_usd is format_usd and cli.format_usd is format_usd
    assert [format_usd(v) for v in (0, 0.0000078, 12.5, Decimal("1E-8"), -0.25, None)] == [
        "$0",
        "$0.0000078",
        "$12.50",
        "$0.00000001",
        "-$0.25",
        "-",
    ]
    assert [format_price(Decimal(v)) for v in ("0.15", "10", "-1", "0")] == [
        "0.15",
        "10.00",
        "varies",
        "free",
    ]
    cost = format_usd(results["chat"].usage.cost)
    assert cost in results["chat"]._repr_html_()


class Invoice(OpenRouterModel):
    """Stands for a type another module adds later, declaring no columns."""

    id: str | None = None
    amount_usd: float | None = None
    note: str | None = None
    lines: list[str] = []


class InvoiceList(DataList[Invoice]):
    """A list of them."""


def test_a_new_list_type_gets_all_of_it_for_free() -> None:
    rows = [
        {"id": f"inv-{i}", "amount_usd": 0.5, "note": "n" * 5000, "lines": ["x"] * 900}
        for i in range(300)
    ]
    invoices = InvoiceList.model_validate({"data": rows, "total_count": 1000})
    assert len(repr(invoices)) < REPR_LIMIT and "[300 items: " in repr(invoices)
    html = invoices._repr_html_()
    assert "300 items of 1000" in html and ">inv-0<" in html
    assert ">$0.50<" in html  # a USD field is recognised by its name and formatted as money
    assert len(invoices.to_pandas()) == 300


class Receipt(OpenRouterModel):
    """A single object type added later, declaring no columns, with a nested object."""

    id: str | None = None
    usage: Invoice | None = None


def test_a_new_object_type_shows_its_nested_fields_one_level_down() -> None:
    receipt = Receipt.model_validate({"id": "r-1", "usage": {"id": "i-1", "amount_usd": 2}})
    html = receipt._repr_html_()
    assert ">r-1<" in html and ">i-1<" in html
    assert ">amount usd $<" in html and ">$2.00<" in html
    assert repr(receipt) == "Receipt(id='r-1', usage=Invoice(id='i-1', amount_usd=2.0))"
