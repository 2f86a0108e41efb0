"""The endpoint table covers the contract, and every endpoint has recorded traffic for both clients.

Reads the committed cassettes of tests/core/test_api_*.py: each of the 39 endpoints must appear
in at least one `[sync]` and one `[async]` cassette.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openrouter_kit._endpoints import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes" / "core"

# (method, path) of the 39 endpoints in ARCHITECTURE.md's public API table.
CONTRACT = {
    ("POST", "/chat/completions"), ("POST", "/responses"), ("POST", "/messages"),
    ("POST", "/embeddings"), ("GET", "/embeddings/models"), ("POST", "/rerank"),
    ("GET", "/rerank/models"), ("GET", "/models"), ("GET", "/models/count"),
    ("GET", "/models/user"), ("GET", "/models/{author}/{slug}/endpoints"),
    ("GET", "/endpoints/zdr"), ("GET", "/providers"), ("GET", "/generation"),
    ("GET", "/activity"), ("GET", "/credits"), ("POST", "/credits/coinbase"), ("GET", "/key"),
    ("GET", "/keys"), ("POST", "/keys"), ("GET", "/keys/{hash}"), ("PATCH", "/keys/{hash}"),
    ("DELETE", "/keys/{hash}"), ("GET", "/organization/members"), ("GET", "/guardrails"),
    ("POST", "/guardrails"), ("GET", "/guardrails/{id}"), ("PATCH", "/guardrails/{id}"),
    ("DELETE", "/guardrails/{id}"), ("GET", "/guardrails/assignments/keys"),
    ("GET", "/guardrails/assignments/members"), ("GET", "/guardrails/{id}/assignments/keys"),
    ("GET", "/guardrails/{id}/assignments/members"), ("POST", "/guardrails/{id}/assignments/keys"),
    ("POST", "/guardrails/{id}/assignments/keys/remove"),
    ("POST", "/guardrails/{id}/assignments/members"),
    ("POST", "/guardrails/{id}/assignments/members/remove"), ("POST", "/auth/keys/code"),
    ("POST", "/auth/keys"),
}  # fmt: skip

MANAGEMENT = {
    "activity.list", "credits.get", "keys.list", "keys.create", "keys.get", "keys.update",
    "keys.delete", "organization.list_members",
    *(name for name in ENDPOINTS if name.startswith("guardrails.")),
}  # fmt: skip


def test_the_table_is_the_contract() -> None:
    """The 39 endpoints of the first contract keep their hand-written rows; every other
    operation of spec/openapi.yaml has a generated one (tests/contract/test_spec_drift.py)."""
    from openrouter_kit._generated.operations import OPERATIONS

    assert len(CONTRACT) == 39
    table = {(e.method, e.path) for e in ENDPOINTS.values()}
    assert table >= CONTRACT
    assert table == {(op.method, op.path) for op in OPERATIONS.values()}
    assert len(ENDPOINTS) == 98


def test_management_endpoints_are_marked() -> None:
    assert {name for name, e in ENDPOINTS.items() if e.management} == MANAGEMENT


def _pattern(path: str) -> re.Pattern[str]:
    # a path parameter is any segment except the literal one of /guardrails/assignments/...
    return re.compile("^/api/v1" + re.sub(r"\{\w+\}", "(?!assignments(?:/|$))[^/]+", path) + "$")


def test_every_endpoint_has_sync_and_async_cassettes(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--record-mode", default="none") not in (None, "none"):
        pytest.skip("cassettes are being written in this run")
    seen: dict[str, set[tuple[str, str]]] = {"sync": set(), "async": set()}
    for cassette in CASSETTES.glob("test_api_*/*.yaml"):
        mode = "async" if cassette.stem.endswith("[async]") else "sync"
        for interaction in yaml.safe_load(cassette.read_text())["interactions"]:
            request = interaction["request"]
            path = re.sub(r"^https://[^/]+", "", request["uri"]).split("?")[0]
            seen[mode].add((request["method"], path))
    for mode, requests in seen.items():
        for method, template in sorted(CONTRACT):
            pattern = _pattern(template)
            hits = [p for m, p in requests if m == method and pattern.match(p)]
            assert hits, f"no {mode} cassette calls {method} {template}"
