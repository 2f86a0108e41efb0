"""The ledger: every recording is replayed somewhere, or listed with the reason it cannot apply.

Counts are pinned so a recording that stops being picked up (a loader change, a renamed
folder) fails here instead of silently shrinking the contract suite.
"""

from __future__ import annotations

from collections import Counter

from contract_support import (
    CHAT_ERROR,
    CHAT_JSON,
    CHAT_SSE,
    EMBEDDINGS,
    MODELS,
    NOT_APPLICABLE,
    RESPONSES_JSON,
    RESPONSES_SSE,
    all_cases,
    files,
    files_of,
    not_applicable_to,
)
from recordings_loader import RECORDINGS, all_interactions, file_of

REPLAYED_BY_CORE = {
    CHAT_JSON,
    CHAT_SSE,
    CHAT_ERROR,
    RESPONSES_JSON,
    RESPONSES_SSE,
    MODELS,
    EMBEDDINGS,
}


def test_every_recording_file_is_read() -> None:
    on_disk = {
        str(p.relative_to(RECORDINGS))
        for p in RECORDINGS.rglob("*")
        if p.is_file() and p.suffix == ".yaml"
    } | {str(p.parent.relative_to(RECORDINGS)) for p in RECORDINGS.rglob("request.json")}
    assert set(files()) == on_disk
    assert files_of(all_cases()) == on_disk, "a recording file yielded no exchange"
    assert len(on_disk) == 148  # 95 VCR cassettes + 53 ai-sdk-provider fixture folders


def test_every_exchange_is_classified() -> None:
    found = all_cases()
    kinds = Counter(case.kind for case in found)
    assert kinds == {
        CHAT_JSON: 73,
        CHAT_SSE: 46,
        CHAT_ERROR: 16,
        RESPONSES_JSON: 12,
        RESPONSES_SSE: 15,
        MODELS: 6,
        EMBEDDINGS: 6,
        NOT_APPLICABLE: 3,
    }
    assert len({case.id for case in found}) == len(found) == 177
    for case in found:
        if case.kind == NOT_APPLICABLE:
            assert case.reason, case.id
            assert "openrouter.ai" not in case.interaction.url
        else:
            assert case.kind in REPLAYED_BY_CORE
    # the loader's default view (OpenRouter only) is exactly the applicable part
    assert {i.source for i in all_interactions()} == {
        c.id for c in found if c.kind != NOT_APPLICABLE
    }


def test_not_applicable_reasons_per_surface() -> None:
    core = not_applicable_to("core")
    assert len(core) == 3 and all("crewAI" in reason for reason in core.values())
    assert {file_of(c.interaction) for c in all_cases() if c.id in core} == {
        "crewAIInc__crewAI/lib/crewai/tests/cassettes/agents/test_agent_knowledege_with_crewai_knowledge.yaml"
    }
    for surface in ("langchain", "llama_index"):
        reasons = not_applicable_to(surface)
        assert len(reasons) == 177 - (73 + 46 + 16)
        assert all(reasons.values())
    assert len(not_applicable_to("quoted")) == 4
