"""Response models of the new endpoints: forward compatible, exact prices, datetimes, secrets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openrouter_kit import types as t


@pytest.mark.parametrize(
    "model",
    [
        t.Response, t.Message, t.Generation, t.ActivityItem, t.CreditsData, t.CurrentKey,
        t.ApiKey, t.CreatedKey, t.Guardrail, t.KeyAssignment, t.MemberAssignment,
        t.OrganizationMember, t.Provider, t.AuthKey, t.AuthCodeData, t.CoinbaseChargeData,
        t.ActivityList, t.GuardrailList, t.KeyList, t.MemberList, t.ProviderList,
        t.KeyAssignmentList, t.MemberAssignmentList, t.AssignedCount, t.UnassignedCount,
        t.Deleted, t.ZdrEndpoints, t.ResponseStreamEvent, t.MessageStreamEvent,
    ],
)  # fmt: skip
def test_empty_objects_parse_and_unknown_fields_are_kept(model: type[Any]) -> None:
    if "type" in model.model_fields and model.model_fields["type"].is_required():
        payload = {"type": "x", "brand_new": {"a": 1}}
    else:
        payload = {"brand_new": {"a": 1}}
    parsed = model.model_validate(payload)
    assert parsed.brand_new == {"a": 1}  # type: ignore[attr-defined]
    assert parsed.model_extra == {"brand_new": {"a": 1}}


def test_timestamps_are_aware_datetimes() -> None:
    key = t.ApiKey.model_validate(
        {
            "created_at": "2026-01-02T03:04:05Z",
            "updated_at": None,
            "expires_at": "2026-02-01T00:00:00.000Z",
        }
    )
    assert key.created_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert key.updated_at is None and key.expires_at is not None and key.expires_at.tzinfo
    response = t.Response.model_validate({"created_at": 1767225600})
    assert response.created_at == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("day", ["2025-08-24", "2025-08-24 00:00:00", "2025-08-24T00:00:00Z"])
def test_activity_dates(day: str) -> None:
    assert t.ActivityItem.model_validate({"date": day}).date == dt.date(2025, 8, 24)


def test_zdr_endpoint_prices_are_exact_decimals_with_per_million_helpers() -> None:
    zdr = t.ZdrEndpoints.model_validate(
        {"data": [{"name": "Azure | openai/gpt-4o-mini", "pricing": {"prompt": "0.0000001725", "completion": "0.00000069", "input_cache_read": "0.00000008625"}}]}
    )  # fmt: skip
    pricing = zdr.data[0].pricing
    assert pricing is not None
    assert pricing.prompt == Decimal("0.0000001725")
    assert pricing.prompt_per_million == Decimal("0.1725")
    assert pricing.completion_per_million == Decimal("0.69")
    assert pricing.input_cache_read_per_million == Decimal("0.08625")
    assert pricing.input_cache_write_per_million is None


def test_response_text_config_round_trips_under_its_wire_name() -> None:
    wire = {
        "id": "gen-1",
        "text": {"format": {"type": "json_object"}},
        "output": [
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "hmm"}]},
            {"type": "message", "content": [{"type": "output_text", "text": "{}"}]},
        ],
    }
    response = t.Response.model_validate(wire)
    assert response.text == "{}" and response.text_config == {"format": {"type": "json_object"}}
    assert response.to_dict()["text"] == {"format": {"type": "json_object"}}


def test_message_helpers() -> None:
    message = t.Message.model_validate(
        {"content": [{"type": "thinking", "thinking": "x"}, {"type": "text", "text": "Hi"},
                     {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}}]}
    )  # fmt: skip
    assert message.text == "Hi"
    assert [b.name for b in message.tool_uses] == ["f"]


def test_credits_remaining() -> None:
    assert t.CreditsData(total_credits=10.0, total_usage=2.5).remaining == 7.5
    assert t.CreditsData().remaining is None
