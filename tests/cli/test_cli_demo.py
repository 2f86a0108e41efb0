"""`openrouter-kit demo`: the sections, their results, the cost table, and the section registry.

Costs are checked against what the emulator booked for every call (its generation records),
which is what `usage.cost` reported to the client.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_support import booked_cost, generations, table_rows, usd
from openrouter_kit import OpenRouter, cli
from openrouter_kit_emulator import Emulator, demo

FRAMEWORKS = "selector,langchain,llamaindex"
"""The selector, LangChain and LlamaIndex sections, tested in tests/selector and
test_demo_frameworks.py; skipped here so the core sections' counts stay exact."""
TITLES = [
    "Pick a model",
    "Stream a chat answer",
    "Embed the bundled corpus",
    "Retrieve by cosine similarity",
    "Rerank the retrieved passages",
    "Answer from the retrieved context",
]


@pytest.fixture
def registry() -> Iterator[dict[str, demo.Section]]:
    """The section registry, restored after the test (tests add sections to it)."""
    saved = dict(demo.SECTIONS)
    yield demo.SECTIONS
    demo.SECTIONS.clear()
    demo.SECTIONS.update(saved)


def cheapest_tool_model() -> str:
    """The model the demo should choose, worked out here from the catalogue on its own terms."""
    with OpenRouter(base_url="emulator://") as client:
        models = client.models.list(output_modalities="all").data
    best: tuple[Decimal, str] | None = None
    for m in models:
        p = m.pricing
        if (
            "tools" in m.supported_parameters
            and m.output_modalities == ["text"]
            and "text" in m.input_modalities
            and (m.context_length or 0) >= 32_000
            and not m.id.endswith(":free")
            and p is not None
            and p.prompt is not None
            and p.completion is not None
            and (p.prompt > 0 or p.completion > 0)
        ):
            key = (3 * p.prompt + p.completion, m.id)
            best = key if best is None or key < best else best
    assert best is not None
    return best[1]


def cost_rows(out: str) -> dict[str, list[str]]:
    return {row[0]: row for row in table_rows(out, "SECTION")}


def test_demo_runs_every_section_and_costs_add_up(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--skip", FRAMEWORKS]) == 0
    out, err = capsys.readouterr()
    assert "OPENROUTER_API_KEY is not set: using the in-process emulator" in err
    for number, title in enumerate(TITLES, 1):
        assert f"[{number}/6] {title}" in out

    # 1. the model choice, and why
    chosen = cheapest_tool_model()
    assert chosen == "meta-llama/llama-3.1-8b-instruct"
    assert f"-> chat model: {chosen}, the cheapest chat model that calls tools" in out
    assert "-> embedding model: qwen/qwen3-embedding-8b" in out
    assert "-> rerank model: cohere/rerank-v3.5" in out

    # 2. the streamed answer, quoted from the system prompt by the extractive emulator
    assert "  When a provider fails, OpenRouter falls back to another provider.\n" in out

    # 4. retrieval finds the waggle-dance passage first; 5. the reranker keeps it first
    retrieved = table_rows(out, "RANK  COSINE")
    assert len(retrieved) == 4 and retrieved[0][2] == "The waggle dance"
    reranked = table_rows(out, "RANK  SCORE")
    assert len(reranked) == 3 and reranked[0][3] == "The waggle dance"

    # 6. the answer quotes the best passage
    assert "Honeybees tell each other where to find flowers by dancing on the comb." in out

    # every billed call, in order: chat, embed corpus, embed question, rerank, answer
    records = generations(cli_emulator)
    assert [r["model"] for r in records] == [
        chosen,
        "qwen/qwen3-embedding-8b",
        "qwen/qwen3-embedding-8b",
        "cohere/rerank-v3.5",
        chosen,
    ]
    rows = cost_rows(out)
    assert rows["Pick a model"][1:] == ["1", "/models", "not billed"]
    per_section = dict(zip(TITLES[1:], records, strict=True))
    for title, record in per_section.items():
        assert rows[title][1] == "1"
        assert usd(rows[title][3]) == booked_cost([record]), title
    total = usd(rows["total"][2])
    assert rows["total"][1] == "6"
    assert total == booked_cost(records) > 0
    assert abs(float(total) - cli_emulator.account.total_usage) < 1e-12


def test_demo_list_shows_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--list"]) == 0
    rows = table_rows(capsys.readouterr().out, "SECTION")
    assert [r[0] for r in rows][:6] == ["model", "chat", "embed", "retrieve", "rerank", "answer"]


def test_only_runs_a_section_with_what_it_needs(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--only", "rerank"]) == 0
    out = capsys.readouterr().out
    assert "4 sections" in out
    assert "Pick a model" in out and "Rerank the retrieved passages" in out
    assert "Stream a chat answer" not in out and "Answer from the retrieved context" not in out
    assert [r["model"] for r in generations(cli_emulator)][-1] == "cohere/rerank-v3.5"


def test_skip_rerank_answers_from_the_retrieval_order(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(
            [
                "demo",
                "--skip",
                f"rerank,chat,{FRAMEWORKS}",
                "--question",
                "Why do bees fan their wings?",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Rerank the retrieved passages" not in out
    assert "> Why do bees fan their wings?" in out
    # the retrieved passages feed the answer directly
    top = table_rows(out, "RANK  COSINE")[0][2]
    assert f"(context: [1] {top}" in out
    assert len(generations(cli_emulator)) == 3  # embed corpus, embed question, answer


def test_unknown_section_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--only", "nope"]) == 2
    assert "unknown demo section(s): nope" in capsys.readouterr().err


def test_a_registered_section_runs_in_order_and_its_calls_are_costed(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], registry: dict[str, Any]
) -> None:
    seen: dict[str, Any] = {}

    def follow_up(ctx: demo.DemoContext) -> None:
        seen["reranked"] = [h.passage.title for h in ctx.reranked]
        assert ctx.chat_model is not None
        reply = ctx.client.chat.completions.create(
            model=ctx.chat_model,
            messages=[
                {
                    "role": "user",
                    "content": f"Context: {ctx.answer}\nQuestion: How do bees tell where flowers are?",
                }
            ],
        )
        ctx.record("/chat/completions", reply.usage)
        ctx.say(f"follow-up: {reply.text}")

    demo.register_section(
        "follow-up", "A later issue's section", follow_up, order=70, after=("answer",)
    )
    with pytest.raises(ValueError, match="already registered"):
        demo.register_section("follow-up", "again", follow_up, order=71)
    assert cli.main(["demo", "--skip", FRAMEWORKS]) == 0
    out = capsys.readouterr().out
    assert "[7/7] A later issue's section" in out
    assert seen["reranked"][0] == "The waggle dance"
    assert "follow-up: " in out
    rows = cost_rows(out)
    records = generations(cli_emulator)
    assert len(records) == 6
    assert usd(rows["A later issue's section"][3]) == booked_cost(records[-1:])
    assert usd(rows["total"][2]) == booked_cost(records)


def test_a_section_whose_package_is_missing_is_skipped(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], registry: dict[str, Any]
) -> None:
    registry["langchain-demo"] = demo.Section(
        "langchain-demo",
        "RAG with a framework",
        "not_installed_pkg.demo:run",  # never imported: the requirement check comes first
        order=70,
        requires={"not_installed_pkg": "not-installed-dist"},
    )
    assert cli.main(["demo", "--skip", "chat"]) == 0
    out = capsys.readouterr().out
    assert (
        "RAG with a framework\n  skipped: needs not-installed-dist (pip install not-installed-dist)"
        in out
    )
    assert "Cost of everything the demo did" in out


def test_a_failing_section_stops_the_demo_with_status_1(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], registry: dict[str, Any]
) -> None:
    def broken(ctx: demo.DemoContext) -> None:
        raise RuntimeError("boom")

    demo.register_section("broken", "Broken", broken, order=15)
    assert cli.main(["demo"]) == 1
    out, err = capsys.readouterr()
    assert "demo section 'broken' failed: RuntimeError: boom" in err
    assert "Stream a chat answer" not in out  # later sections do not run
    assert "Cost of everything the demo did" in out  # what was spent is still shown


def test_entry_points_register_sections(
    monkeypatch: pytest.MonkeyPatch, registry: dict[str, Any]
) -> None:
    class Entry:
        def load(self) -> Any:
            return lambda: demo.register_section("plugin", "From a plugin", "x.y:z", order=99)

    import importlib.metadata

    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [Entry()] if group == demo.ENTRY_POINT_GROUP else [],
    )
    monkeypatch.setattr(demo, "_entry_points_loaded", False)
    assert demo.ordered_sections()[-1].name == "plugin"


def test_a_broken_plugin_is_reported_not_fatal(
    monkeypatch: pytest.MonkeyPatch,
    registry: dict[str, Any],
    cli_emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Entry:
        name = "broken-plugin"

        def load(self) -> Any:
            raise ImportError("no module named broken_plugin")

    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [Entry()])
    monkeypatch.setattr(demo, "_entry_points_loaded", False)
    monkeypatch.setattr(demo, "PLUGIN_ERRORS", [])
    assert cli.main(["demo", "--only", "model"]) == 0
    err = capsys.readouterr().err
    assert (
        "demo plugin not loaded: broken-plugin: ImportError: no module named broken_plugin" in err
    )


def test_the_corpus_is_package_data() -> None:
    topic, question, passages = demo.load_corpus()
    assert topic == "honeybees" and question.endswith("?")
    assert len(passages) == 12 and all(p.title and len(p.text) > 80 for p in passages)


def test_python_m_demo_runs_offline_and_exits_0(tmp_path: Path) -> None:
    """The README's promise: the demo runs on a fresh machine without a key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_kit.cli", "demo", "--skip", FRAMEWORKS],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,  # not the checkout: the corpus must come from the installed package
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for number, title in enumerate(TITLES, 1):
        assert f"[{number}/6] {title}" in result.stdout
    assert "using the in-process emulator" in result.stderr
    total = re.search(r"^\s+total\s+6\s+(\$\S+)$", result.stdout, re.M)
    assert total is not None and usd(total.group(1)) > 0
    assert "Traceback" not in result.stderr


def test_model_flag_overrides_the_choice(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--only", "chat", "--model", "openai/gpt-4o-mini"]) == 0
    out = capsys.readouterr().out
    assert "-> chat model: openai/gpt-4o-mini, as asked (--model)." in out
    assert [r["model"] for r in generations(cli_emulator)] == ["openai/gpt-4o-mini"]
