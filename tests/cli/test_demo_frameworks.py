"""`openrouter-kit demo`: the LangChain and LlamaIndex sections, offline on the emulator.

Each section is run on its own (with the model section it reads), so every call the emulator
booked belongs to it: the answers must be the emulator's real answers, and the costs printed
(by the framework's own cost tracker, and in the cost table) must equal what it booked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_support import booked_cost, generations, table_rows, usd
from openrouter_kit import cli
from openrouter_kit_emulator import Emulator, demo

pytest.importorskip("langchain_openrouter_kit")
pytest.importorskip("llama_index.llms.openrouter_kit")

CHAT = "meta-llama/llama-3.1-8b-instruct"
EMBED = "qwen/qwen3-embedding-8b"
RERANK = "cohere/rerank-v3.5"
LANGCHAIN = "LangChain: LCEL chain, tools, RAG and cost"
LLAMAINDEX = "LlamaIndex: RAG pipeline and cost"
WAGGLE = "Honeybees tell each other where to find flowers by dancing on the comb."


def _dollars(pattern: str, out: str) -> Decimal:
    match = re.search(pattern, out)
    assert match is not None, pattern
    return usd(match.group(1))


def _by_model(records: list[dict[str, Any]], model: str) -> list[dict[str, Any]]:
    return [r for r in records if r["model"] == model]


def test_sections_are_registered_lazily_with_their_requirements() -> None:
    sections = {s.name: s for s in demo.ordered_sections()}
    langchain, llamaindex = sections["langchain"], sections["llamaindex"]
    assert langchain.target == "openrouter_kit_emulator.demo.langchain_section:run"
    assert llamaindex.target == "openrouter_kit_emulator.demo.llamaindex_section:run"
    assert langchain.requires == {"langchain_openrouter_kit": "langchain-openrouter-kit"}
    assert llamaindex.requires == {"llama_index.llms.openrouter_kit": "llama-index-openrouter-kit"}
    assert langchain.after == llamaindex.after == ("model",)
    assert langchain.missing() == llamaindex.missing() == []
    names = [s.name for s in demo.ordered_sections()]
    assert names.index("answer") < names.index("langchain") < names.index("llamaindex")


def test_langchain_section(cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--only", "langchain"]) == 0
    out = capsys.readouterr().out
    assert f"[2/2] {LANGCHAIN}" in out

    # 1. the LCEL chain streams the note's sentence that answers the question
    assert "1. LCEL: prompt | ChatOpenRouter | StrOutputParser, streamed" in out
    assert (
        "\n    After a few mating flights early in life she can lay up to two thousand eggs a day"
        in out
    )
    # 2. bind_tools + agent loop: the emulator calls multiply(100, 12), then answers from 1200
    assert "tool call: multiply({'a': 100, 'b': 12}) -> 1200\n" in out
    assert "\n    The result is 1200.\n" in out
    # 3. embeddings + rerank find the waggle dance; the RAG chain quotes it
    assert "cohere/rerank-v3.5 kept 2 of the top 4 by cosine: The waggle dance (0." in out
    assert f"\n    {WAGGLE}\n" in out

    records = generations(cli_emulator)
    assert [r["model"] for r in records] == [CHAT, CHAT, CHAT, EMBED, EMBED, RERANK, CHAT]
    chats = _by_model(records, CHAT)
    # 4. get_openrouter_callback() adds up exactly what the emulator booked for the chat calls
    callback = _dollars(r"get_openrouter_callback\(\) saw 4 chat calls, \d+ tokens, (\$\S+)", out)
    assert callback == booked_cost(chats) > 0
    assert "(= their usage.cost)" in out
    assert _dollars(r"embeddings (\$\S+) \(2 calls\)", out) == booked_cost(
        _by_model(records, EMBED)
    )
    assert _dollars(r"rerank (\$\S+); section total", out) == booked_cost(
        _by_model(records, RERANK)
    )
    assert _dollars(r"section total (\$\S+)", out) == booked_cost(records)
    rows = {row[0]: row for row in table_rows(out, "SECTION")}
    assert rows[LANGCHAIN][1] == "7"
    # the LCEL chain streamed (one SSE call); the agent loop and the RAG chain did not
    assert rows[LANGCHAIN][2].startswith("/chat/completions (stream), /chat/completions x3")
    assert usd(rows[LANGCHAIN][3]) == booked_cost(records)
    assert usd(rows["total"][2]) == booked_cost(records)


def test_llamaindex_section(cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--only", "llamaindex"]) == 0
    out = capsys.readouterr().out
    assert f"[2/2] {LLAMAINDEX}" in out
    assert (
        f"VectorStoreIndex of 12 passages ({EMBED}) -> top 4 by similarity -> "
        f"OpenRouterRerank ({RERANK}, top 2) -> OpenRouter LLM ({CHAT})"
    ) in out
    # the answer, quoted by the emulator from the best source passage
    assert f"\n    {WAGGLE}\n" in out
    sources = re.findall(r"^ {4}\[(\d)\] (.+?) \(score (\d\.\d{3})\): ", out, re.M)
    assert [s[1] for s in sources] == ["The waggle dance", "Foraging"]
    assert float(sources[0][2]) > float(sources[1][2]) > 0

    records = generations(cli_emulator)
    # one batched embedding call for the index, one for the query, one rerank, one answer
    assert [r["model"] for r in records] == [EMBED, EMBED, RERANK, CHAT]
    tracked = _dollars(r"track_openrouter_cost\(\) saw 1 LLM call\(s\), \d+ tokens, (\$\S+)", out)
    assert tracked == booked_cost(_by_model(records, CHAT)) > 0
    assert "(= its usage.cost)" in out
    assert _dollars(r"embeddings (\$\S+) \(2 calls\)", out) == booked_cost(
        _by_model(records, EMBED)
    )
    assert _dollars(r"section total (\$\S+)", out) == booked_cost(records)
    rows = {row[0]: row for row in table_rows(out, "SECTION")}
    # the LLM reads its metadata from /models once per process: a call too, not billed
    models_lookups = 1 if "/models" in rows[LLAMAINDEX][2] else 0
    assert int(rows[LLAMAINDEX][1]) == len(records) + models_lookups
    assert usd(rows[LLAMAINDEX][3]) == booked_cost(records)
    assert usd(rows["total"][2]) == booked_cost(records)


def test_sections_are_skipped_with_a_hint_when_the_adapter_is_missing(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        if name.startswith(("langchain_openrouter_kit", "llama_index")):
            return None
        return real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert cli.main(["demo", "--only", "langchain,llamaindex"]) == 0
    out = capsys.readouterr().out
    assert (
        f"{LANGCHAIN}\n  skipped: needs langchain-openrouter-kit "
        "(pip install langchain-openrouter-kit)"
    ) in out
    assert (
        f"{LLAMAINDEX}\n  skipped: needs llama-index-openrouter-kit "
        "(pip install llama-index-openrouter-kit)"
    ) in out
    assert generations(cli_emulator) == []  # nothing billed


def test_the_whole_demo_runs_offline_with_both_sections(tmp_path: Path) -> None:
    """The README's promise, with the framework sections: a fresh machine, no key, exit 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_kit.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    count = len(demo.ordered_sections())
    assert f"[{count - 1}/{count}] {LANGCHAIN}" in out
    assert f"[{count}/{count}] {LLAMAINDEX}" in out
    assert "The result is 1200." in out and out.count(WAGGLE) >= 3
    rows = {row[0]: row for row in table_rows(out, "SECTION")}
    sections = [usd(row[3]) for name, row in rows.items() if name != "total" and "$" in row[3]]
    assert usd(rows["total"][2]) == sum(sections, Decimal(0)) > 0
    assert usd(rows[LANGCHAIN][3]) > 0 and usd(rows[LLAMAINDEX][3]) > 0
    took = re.search(r"demo finished in ([\d.]+) s", result.stderr)
    assert took is not None and float(took.group(1)) < 30  # seconds, even on a busy machine
