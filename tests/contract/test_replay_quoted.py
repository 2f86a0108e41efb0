"""The response bodies quoted in QUOTED.md (secondary evidence), replayed through the core client."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from contract_support import without_nulls
from openrouter_kit import OpenRouter, errors
from quoted_bodies import QUOTED, Quoted

QUOTED_MD = Path(__file__).parents[1] / "recordings" / "_quoted-in-public-files" / "QUOTED.md"


def _client(quoted: Quoted) -> tuple[OpenRouter, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            quoted.status,
            headers={"content-type": "application/json"},
            content=quoted.body.encode(),
            request=request,
        )

    client = OpenRouter(
        api_key="sk-or-v1-quoted",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )
    return client, sent


def _call(client: OpenRouter, quoted: Quoted) -> object:
    if quoted.call == "chat":
        return client.chat.completions.create(
            model="x/y", messages=[{"role": "user", "content": "ping"}]
        )
    if quoted.call == "rerank":
        return client.rerank.create(**quoted.request)
    if quoted.call == "embeddings":
        return client.embeddings.create(**quoted.request)
    if quoted.call == "credits":
        return client.credits.get()
    if quoted.call == "key":
        return client.keys.current()
    raise AssertionError(quoted.call)


def test_quoted_bodies_are_verbatim() -> None:
    text = QUOTED_MD.read_text(encoding="utf-8")
    for quoted in QUOTED:
        json.loads(quoted.body)  # all are valid JSON
        if quoted.verbatim:
            assert quoted.body in text, quoted.id


@pytest.mark.contract_replay("quoted")
@pytest.mark.parametrize("case", QUOTED, ids=[q.id for q in QUOTED])
def test_quoted_body(case: Quoted) -> None:
    raw = json.loads(case.body)
    client, sent = _client(case)
    if case.status >= 400:
        with pytest.raises(errors.APIStatusError) as info:
            _call(client, case)
        error = info.value
        assert type(error) is errors.STATUS_ERRORS[case.status]
        assert error.message == raw["error"]["message"]
        assert error.code == raw["error"]["code"]
        assert error.metadata == (raw["error"].get("metadata") or {})
        assert error.body == raw
        assert len(sent) == 1
        return
    result = _call(client, case)
    assert len(sent) == 1
    if case.call == "chat":
        assert result.text == raw["choices"][0]["message"]["content"]  # type: ignore[attr-defined]
        assert result.choices[0].finish_reason == "stop"  # type: ignore[attr-defined]
        assert result.provider == raw["provider"]  # type: ignore[attr-defined]
        assert result.usage.model_dump(exclude_none=True) == raw["usage"]  # type: ignore[attr-defined]
    elif case.call == "rerank":
        assert [
            (r.index, r.relevance_score, r.document.text if r.document else None)
            for r in result.results
        ] == [  # type: ignore[attr-defined]
            (r["index"], r["relevance_score"], r["document"]["text"]) for r in raw["results"]
        ]
        assert result.usage.model_dump(exclude_none=True) == raw["usage"]  # type: ignore[attr-defined]
        assert result.provider == raw["provider"] and result.id == raw["id"]  # type: ignore[attr-defined]
        assert result.model == raw["model"]  # type: ignore[attr-defined]
    elif case.call == "embeddings":
        assert result.vectors == [d["embedding"] for d in raw["data"]]  # type: ignore[attr-defined]
        assert result.usage.model_dump(exclude_none=True) == without_nulls(raw["usage"])  # type: ignore[attr-defined]
        assert result.provider == raw["provider"] and result.id == raw["id"]  # type: ignore[attr-defined]
    elif case.call == "credits":
        data = result.data  # type: ignore[attr-defined]
        assert data.total_credits == raw["data"]["total_credits"]
        assert data.total_usage == raw["data"]["total_usage"]
        assert Decimal(str(data.remaining)).quantize(Decimal("0.000000001")) == Decimal(
            "288.274446668"
        )
