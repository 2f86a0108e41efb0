"""A Budget's worst case counts everything billed (issue 15, item 1): tool definitions,
response_format schemas, images, audio and files, max_tokens plus reasoning, the request fee
and web search. The emulator's books prove a refused call was never sent."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from openrouter_kit import Budget, BudgetExceededError, OpenRouter
from openrouter_kit.cost import (
    FILE_URL_PAGES,
    IMAGE_TOKENS,
    PDF_OCR_PRICE_PER_PAGE,
    PDF_PAGE_TOKENS,
    WEB_PLUGIN_PRICE_PER_RESULT,
    WEB_RESULT_TOKENS,
    _price_option,
    estimate_prompt,
)
from openrouter_kit.types.models import Pricing
from openrouter_kit_emulator import Emulator

MESSAGES = [{"role": "user", "content": "What's the weather in Paris?"}]


def tool(i: int) -> dict[str, Any]:
    """A realistic tool definition of about 1.5 kB (a description and a dozen parameters)."""
    return {
        "type": "function",
        "function": {
            "name": f"lookup_record_{i}",
            "description": "Look up one record in the inventory system and return its fields. " * 6,
            "parameters": {
                "type": "object",
                "properties": {
                    f"field_{j}": {"type": "string", "description": f"Filter on field {j}."}
                    for j in range(12)
                },
                "required": ["field_0"],
            },
        },
    }


TOOLS = [tool(i) for i in range(200)]
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "report",
        "schema": {
            "type": "object",
            "properties": {
                f"p{i}": {"type": "string", "description": "One column of the report, " * 3}
                for i in range(2_600)
            },
        },
    },
}


def test_two_hundred_tools_are_counted_and_refused_before_sending(
    user: OpenRouter, emulator: Emulator
) -> None:
    size = sum(len(str(t)) for t in TOOLS)
    assert size > 250_000
    budget = Budget("0.02", user)
    body = {"model": "openai/gpt-4o", "messages": MESSAGES, "tools": TOOLS, "max_tokens": 100}
    worst = budget.worst_case("chat.completions.create", body)
    # OpenAI's tokenizer reads such JSON at ~4 characters a token: the estimate is above that
    assert worst.prompt_tokens > size / 4
    assert worst.cost > Decimal("0.19")
    with pytest.raises(BudgetExceededError) as caught:
        user.chat.completions.create(**body)  # type: ignore[arg-type]
    assert caught.value.prompt_tokens == worst.prompt_tokens
    assert not emulator.account.generations  # never sent
    assert budget.reserved == 0


def test_a_large_json_schema_is_counted(user: OpenRouter, emulator: Emulator) -> None:
    size = len(str(SCHEMA))
    assert size > 270_000
    Budget("0.02", user)
    with pytest.raises(BudgetExceededError) as caught:
        user.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, response_format=SCHEMA, max_tokens=100
        )
    assert caught.value.worst_case_usd > Decimal("0.17")
    assert not emulator.account.generations


def test_online_and_the_web_plugin_add_the_search_price(
    user: OpenRouter, emulator: Emulator
) -> None:
    budget = Budget("0.02", user)
    plain = {"model": "openai/gpt-4o-mini", "messages": MESSAGES, "max_tokens": 10}
    base = budget.worst_case("chat.completions.create", plain)
    online = budget.worst_case(
        "chat.completions.create", {**plain, "model": "openai/gpt-4o-mini:online"}
    )
    # no native search price for this model: OpenRouter's plugin price, 5 results by default
    search = WEB_PLUGIN_PRICE_PER_RESULT * 5
    assert base.prompt_price is not None
    prompt_price = base.prompt_price / 1_000_000  # the dearest endpoint's, per token
    assert online.cost == base.cost + search + prompt_price * 5 * WEB_RESULT_TOKENS
    assert "web search (5 results)" in online.extras
    plugin = budget.worst_case(
        "chat.completions.create", {**plain, "plugins": [{"id": "web", "max_results": 2}]}
    )
    assert plugin.extra_cost == WEB_PLUGIN_PRICE_PER_RESULT * 2
    native = budget.worst_case(
        "chat.completions.create", {**plain, "model": "openai/gpt-4.1-mini:online"}
    )
    assert native.extra_cost == Decimal("0.02")  # max(the model's $0.01 per search, 5 x $0.004)
    off = budget.worst_case(
        "chat.completions.create", {**plain, "plugins": [{"id": "web", "enabled": False}]}
    )
    assert off.cost == base.cost
    with pytest.raises(BudgetExceededError, match=r"web search \(5 results\)"):
        user.chat.completions.create(**{**plain, "model": "openai/gpt-4o-mini:online"})  # type: ignore[arg-type]
    assert not emulator.account.generations


def test_images_audio_and_files_are_priced_per_item(user: OpenRouter) -> None:
    budget = Budget(10, user)
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 400_000}}
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Describe"}, image, image]}
        ],
        "max_tokens": 10,
    }
    worst = budget.worst_case("chat.completions.create", body)
    # the per-image price (the model lists $0.000217; its dearest endpoint more), twice
    assert "for 2 image(s)" in worst.extras
    assert worst.extra_cost >= Decimal("0.000217") * 2
    # images count a flat allowance, not their base64 size
    assert 2 * IMAGE_TOKENS <= worst.prompt_tokens < 2 * IMAGE_TOKENS + 100
    pages = b"".join(b"%d 0 obj << /Type /Page /Parent 2 0 R >> endobj\n" % i for i in range(12))
    pdf = base64.b64encode(b"%PDF-1.7\n<< /Type /Pages /Count 12 >>\n" + pages).decode()
    audio = base64.b64encode(b"\x00" * 96_000).decode()
    pdf_part = {
        "type": "file",
        "file": {"filename": "a.pdf", "file_data": f"data:application/pdf;base64,{pdf}"},
    }
    audio_part = {"type": "input_audio", "input_audio": {"data": audio, "format": "wav"}}
    messages = [{"role": "user", "content": [pdf_part, audio_part]}]
    media = estimate_prompt("chat.completions.create", {"messages": messages})
    assert media.files == 1 and media.pdf_pages == 12  # counted from the PDF's page objects
    assert media.audio_tokens >= 1_000
    assert media.tokens >= 12 * PDF_PAGE_TOKENS + media.audio_tokens
    by_url = estimate_prompt(
        "chat.completions.create",
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "file", "file": {"file_data": "https://x.test/a.pdf"}}],
                }
            ]
        },
    )
    assert by_url.pdf_pages == FILE_URL_PAGES
    # OpenRouter may parse PDFs with mistral-ocr (per page) unless a free engine is named
    body = {"model": "openai/gpt-4o-mini", "messages": messages, "max_tokens": 10}
    ocr = budget.worst_case("chat.completions.create", body)
    assert "PDF parsing (12 pages)" in ocr.extras
    assert ocr.extra_cost == PDF_OCR_PRICE_PER_PAGE * 12
    native = budget.worst_case(
        "chat.completions.create",
        {**body, "plugins": [{"id": "file-parser", "pdf": {"engine": "native"}}]},
    )
    assert native.cost == ocr.cost - PDF_OCR_PRICE_PER_PAGE * 12


def test_a_reasoning_budget_counts_on_top_of_max_tokens(user: OpenRouter) -> None:
    budget = Budget(10, user)
    plain = {"model": "openai/gpt-4o", "messages": MESSAGES, "max_tokens": 100}
    base = budget.worst_case("chat.completions.create", plain)
    thinking = budget.worst_case(
        "chat.completions.create", {**plain, "reasoning": {"max_tokens": 1_000}}
    )
    assert thinking.max_tokens == 1_100
    assert base.completion_price is not None
    assert thinking.cost - base.cost == base.completion_price / 1_000_000 * 1_000


def test_the_request_fee_and_reasoning_price_count() -> None:
    pricing = Pricing(
        prompt=Decimal("0.000001"),
        completion=Decimal("0.000002"),
        internal_reasoning=Decimal("0.000004"),
        request=Decimal("0.005"),
    )
    estimate = estimate_prompt("chat.completions.create", {"messages": MESSAGES})
    total, extra, words, prompt = _price_option(pricing, {}, estimate, 100, 50, None)
    assert extra == Decimal("0.005") and "request fee" in words
    assert total == Decimal("0.000001") * prompt + Decimal("0.000002") * 100 + Decimal(
        "0.000004"
    ) * 50 + Decimal("0.005")


def test_no_max_tokens_counts_the_model_maximum_and_says_so(user: OpenRouter) -> None:
    budget = Budget(10, user)
    worst = budget.worst_case(
        "chat.completions.create", {"model": "openai/gpt-4o", "messages": MESSAGES}
    )
    assert worst.max_tokens == 16_384 and not worst.max_tokens_given


def test_non_latin_text_is_not_undercounted() -> None:
    latin = estimate_prompt(
        "chat.completions.create", {"messages": [{"role": "user", "content": "a" * 3000}]}
    )
    cjk = estimate_prompt(
        "chat.completions.create", {"messages": [{"role": "user", "content": "海" * 3000}]}
    )
    assert latin.tokens >= 1000
    assert cjk.tokens >= 3000  # at least one token per character
