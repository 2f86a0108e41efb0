"""The demo's selector section, run offline: it ranks under a guardrail it creates through the
management API, shows exclusions, makes one accepted and one refused call, and cleans up."""

from __future__ import annotations

import io

from openrouter_kit import OpenRouter
from openrouter_kit._console import Console
from openrouter_kit_emulator.demo import SECTIONS, DemoContext, register_section, run_demo

TARGET = "openrouter_kit_emulator.demo.selector:choose_under_guardrails"


def test_selector_section_runs_offline_and_cleans_up() -> None:
    if "selector" not in SECTIONS:
        register_section("selector", "Choose a model under guardrails", TARGET, order=15)
    out = io.StringIO()
    client = OpenRouter(base_url="emulator://")
    ctx = DemoContext(client=client, console=Console(out=out, err=out, color=False))
    assert run_demo(ctx, only=["selector"]) == 0
    text = out.getvalue()
    assert 'Created guardrail "demo-team"' in text
    assert "candidate(s), cheapest first" in text and "excluded, for example" in text
    assert "not ZDR" in text and "not in allowed_models" in text
    assert "the call from the Selection was accepted" in text
    assert "is refused by OpenRouter too (403" in text
    assert "Removed the" in text
    emulator = client._http._transport.emulator  # type: ignore[attr-defined]
    assert emulator.account.guardrails == {} and emulator.account.key_assignments == []
    assert client.hooks == []
    assert any(c.section == "selector" and c.cost for c in ctx.calls)
