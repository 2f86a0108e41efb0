"""`openrouter-kit models`, `chat` and `key`, run in-process against the emulator.

The expected values come from the emulator itself (its catalogue through the public client,
its generation records), not from the CLI's own code paths.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from cli_support import booked_cost, generations, table_rows, usd
from openrouter_kit import OpenRouter, cli
from openrouter_kit_emulator import Emulator

EMULATOR_NOTICE = "OPENROUTER_API_KEY is not set: using the in-process emulator"


def catalogue() -> dict[str, Any]:
    with OpenRouter(base_url="emulator://") as client:
        return {m.id: m for m in client.models.list(output_modalities="all").data}


# the backend choice ---------------------------------------------------------------
def test_without_a_key_commands_use_the_emulator_and_say_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["models", "--search", "gpt-4o-mini"]) == 0
    out, err = capsys.readouterr()
    assert EMULATOR_NOTICE in err
    assert "openai/gpt-4o-mini" in out
    assert EMULATOR_NOTICE not in out  # notices never pollute results


def test_make_client_uses_the_real_api_when_a_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-test")
    with cli.make_client() as client:
        assert not client.uses_emulator
        assert client.base_url == "https://openrouter.ai/api/v1"
    with cli.make_client(offline=True) as client:  # --offline wins over the key
        assert client.uses_emulator
    monkeypatch.delenv("OPENROUTER_API_KEY")
    with cli.make_client() as client:
        assert client.uses_emulator


def test_offline_flag_is_announced(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-test")
    assert cli.main(["models", "--offline", "-n", "1"]) == 0
    assert "--offline: using the in-process emulator" in capsys.readouterr().err


# models ---------------------------------------------------------------------------
def test_models_table_shows_real_prices_and_capabilities(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models"]) == 0
    out = capsys.readouterr().out
    rows = {row[0]: row for row in table_rows(out, "MODEL")}
    models = catalogue()
    assert set(rows) == set(models)  # every model, chat, embeddings and rerank alike
    assert rows["openai/gpt-4o-mini"][:4] == ["openai/gpt-4o-mini", "128,000", "0.15", "0.60"]
    assert "tools" in rows["openai/gpt-4o-mini"][4] and "vision" in rows["openai/gpt-4o-mini"][4]
    assert rows["anthropic/claude-sonnet-4.5"][2:4] == ["3.00", "15.00"]
    assert rows["openai/gpt-oss-20b:free"][2:4] == ["free", "free"]
    # embeddings have no output price; rerankers are billed per search, not per token
    assert rows["openai/text-embedding-3-small"][1:5] == ["8,192", "0.02", "-", "embeddings"]
    assert rows["cohere/rerank-v3.5"][2:5] == ["-", "-", "rerank"]
    assert f"{len(models)} of {len(models)} models shown" in out
    assert "\x1b[" not in out  # not a terminal: no colors


def test_models_filters_and_sorts(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    models = catalogue()
    assert cli.main(["models", "--modality", "embeddings"]) == 0
    ids = [r[0] for r in table_rows(capsys.readouterr().out, "MODEL")]
    assert sorted(ids) == sorted(
        i for i in models if i.startswith(("openai/text-emb", "qwen/qwen3-emb"))
    )
    assert len(ids) == 4

    assert (
        cli.main(["models", "--supports", "tools", "--max-price", "0.05", "--sort", "price"]) == 0
    )
    rows = table_rows(capsys.readouterr().out, "MODEL")
    prices = [Decimal("0") if r[2] == "free" else Decimal(r[2]) for r in rows]
    assert prices == sorted(prices) and max(prices) <= Decimal("0.05")
    assert all("tools" in r[4] for r in rows)
    assert "meta-llama/llama-3.1-8b-instruct" in [r[0] for r in rows]
    assert "meta-llama/llama-3.2-11b-vision-instruct" not in [r[0] for r in rows]  # no tools

    assert cli.main(["models", "--sort", "context", "-n", "2", "--modality", "text"]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out, "MODEL")
    assert rows[0][:2] == ["x-ai/grok-4-fast", "2,000,000"]
    assert len(rows) == 2 and f"2 of {len(models)} models shown" in out

    assert cli.main(["models", "--search", "CLAUDE", "--supports", "vision"]) == 0
    ids = [r[0] for r in table_rows(capsys.readouterr().out, "MODEL")]
    assert ids and all(i.startswith("anthropic/claude") for i in ids)


def test_models_with_no_match_says_so(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models", "--search", "no-such-model"]) == 0
    out = capsys.readouterr().out
    assert "MODEL" not in out and out.startswith("0 of ")


def test_models_rejects_a_bad_price(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["models", "--max-price", "cheap"])
    assert exc.value.code == 2
    assert "not a number" in capsys.readouterr().err


# chat -----------------------------------------------------------------------------
def test_chat_streams_the_answer_and_prints_usage_and_cost(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = (
        "Context: The Eiffel Tower is 330 metres tall. It was finished in 1889.\n"
        "Question: How tall is the Eiffel Tower?"
    )
    assert cli.main(["chat", prompt, "--model", "anthropic/claude-haiku-4.5"]) == 0
    out, err = capsys.readouterr()
    assert out == "The Eiffel Tower is 330 metres tall.\n"  # the emulator quotes the context
    [record] = generations(cli_emulator)
    assert record["model"] == "anthropic/claude-haiku-4.5" and record["streamed"] is True
    usage_line = err.strip().splitlines()[-1]
    assert usage_line.startswith("model anthropic/claude-haiku-4.5 via ")
    assert (
        f"{record['tokens_prompt']} prompt + {record['tokens_completion']} completion tokens"
        in usage_line
    )
    cost = re.search(r"cost (\$\S+)", usage_line)
    assert cost is not None and usd(cost.group(1)) == booked_cost([record]) > 0


def test_chat_reads_the_prompt_from_stdin_and_passes_options(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("What is 6 * 7?"))
    assert cli.main(["chat", "-", "--system", "Be brief.", "--max-tokens", "50"]) == 0
    out = capsys.readouterr().out
    assert out == "42\n"
    [record] = generations(cli_emulator)
    assert record["model"] == cli.DEFAULT_CHAT_MODEL


def test_chat_reports_api_errors_without_a_traceback(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["chat", "hello", "--model", "no/such-model"]) == 1
    err = capsys.readouterr().err
    assert "openrouter-kit: error:" in err and "Traceback" not in err


def test_chat_refuses_an_empty_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["chat", "   "]) == 2
    assert "the prompt is empty" in capsys.readouterr().err


# key ------------------------------------------------------------------------------
def test_key_shows_limits_and_usage(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    # spend something first, so usage is not just zero
    assert cli.main(["chat", "Context: Bees dance. Question: What do bees do?"]) == 0
    capsys.readouterr()
    assert cli.main(["key"]) == 0
    rows = dict((r[0], r[1]) for r in table_rows(capsys.readouterr().out, "FIELD"))
    spent = booked_cost(generations(cli_emulator))
    assert spent > 0
    assert usd(rows["usage (all time)"]) == spent
    assert usd(rows["usage today"]) == spent
    assert rows["limit"] == "none"
    assert rows["management key"] == "no"
    assert rows["label"].startswith("sk-or-v1-") and "..." in rows["label"]  # masked, never whole
    assert rows["rate limit"] == "unlimited"


def test_key_shows_a_limit_and_its_reset(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    key = cli_emulator.default_key
    key.limit = 5.0
    key.limit_reset = "monthly"
    assert cli.main(["key"]) == 0
    rows = dict((r[0], r[1]) for r in table_rows(capsys.readouterr().out, "FIELD"))
    assert rows["limit"] == "$5.00 (resets monthly)"
    assert rows["limit remaining"] == "$5.00"


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("openrouter-kit ")
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    for command in ("emulator", "models", "chat", "key", "demo"):
        assert command in err


# --json, option placement, help, width ----------------------------------------------------
def test_models_json_is_the_models_as_the_api_returns_them(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models", "--modality", "embeddings", "--json"]) == 0
    out, err = capsys.readouterr()
    shown = json.loads(out)  # stdout is one JSON document, nothing else
    models = catalogue()
    assert sorted(m["id"] for m in shown) == sorted(
        i for i, m in models.items() if "embeddings" in m.output_modalities
    )
    first = shown[0]
    assert first == models[first["id"]].to_dict()
    assert EMULATOR_NOTICE in err and f"{len(shown)} of {len(models)} models shown" in err


def test_chat_json_holds_the_answer_and_its_usage(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = (
        "Context: The Eiffel Tower is 330 metres tall.\nQuestion: How tall is the Eiffel Tower?"
    )
    assert cli.main(["chat", prompt, "--json", "-m", "anthropic/claude-haiku-4.5"]) == 0
    out = capsys.readouterr().out
    answer = json.loads(out)
    [record] = generations(cli_emulator)
    assert answer["text"] == "The Eiffel Tower is 330 metres tall."
    assert answer["model"] == record["model"] and answer["finish_reason"] == "stop"
    assert answer["usage"]["prompt_tokens"] == record["tokens_prompt"]
    assert Decimal(repr(answer["usage"]["cost"])) == booked_cost([record]) > 0


def test_key_json(cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    cli_emulator.default_key.limit = 5.0
    assert cli.main(["--json", "key"]) == 0  # before the command's name works too
    key = json.loads(capsys.readouterr().out)
    assert key["limit"] == 5.0 and key["is_management_key"] is False
    assert key["label"].startswith("sk-or-v1-") and "..." in key["label"]


def test_demo_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--list", "--json"]) == 0
    sections = json.loads(capsys.readouterr().out)
    assert {"chat", "rerank"} <= {s["name"] for s in sections}
    assert cli.main(["demo", "--json"]) == 2  # the walkthrough itself is not data
    assert "--list only" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--offline", "models", "-n", "1"], ["models", "--offline", "-n", "1"]],
)
def test_offline_works_before_and_after_the_command(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-test")
    asked: list[bool] = []

    def make_client(offline: bool = False) -> OpenRouter:
        asked.append(offline)
        return OpenRouter(base_url="emulator://")

    monkeypatch.setattr(cli, "make_client", make_client)
    assert cli.main(argv) == 0
    assert asked == [True]
    assert "--offline: using the in-process emulator" in capsys.readouterr().err


def test_common_options_left_out_stay_off(monkeypatch: pytest.MonkeyPatch) -> None:
    args = cli.build_parser().parse_args(["models"])
    assert args.offline is False and args.json is False
    args = cli.build_parser().parse_args(["--json", "models", "--offline"])
    assert args.offline is True and args.json is True


@pytest.mark.parametrize("command", ["models", "chat", "key", "demo", "emulator"])
def test_help_shows_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n" in out and f"openrouter-kit {command}" in out.split("examples:")[1]
    if command != "emulator":
        assert "--json" in out and "--offline" in out


def test_tables_fit_the_terminal_width(
    cli_emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert cli.main(["models", "--search", "claude"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 60 for line in lines[:-1])  # the summary line is prose, not table
    rows = table_rows("\n".join(lines), "MODEL")
    assert any(r[0].endswith("…") for r in rows)  # the widest column was cut
    assert all(re.fullmatch(r"[\d.]+", r[2]) for r in rows)  # prices are never cut


def test_piped_json_run_is_clean(tmp_path: Any) -> None:
    """As a script runs it: stdout is one JSON document, stderr has notices but no progress."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    done = subprocess.run(
        [sys.executable, "-m", "openrouter_kit", "--json", "chat", "What is 6 * 7?"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout)["text"] == "42"
    assert "\r" not in done.stderr and "\x1b[" not in done.stderr and "waiting" not in done.stderr
    assert EMULATOR_NOTICE in done.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_batch_takes_the_common_options_too(
    where: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-not-a-real-key")  # --offline must win
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    body = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    lines = [
        {"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
        for i in range(3)
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    common = ["--offline", "--json"]
    command = ["batch", str(source), "-o", str(out)]
    argv = [*common, *command] if where == "before" else [*command, *common]
    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["succeeded"] == 3 and summary["failed"] == 0
    assert len(out.read_text().splitlines()) == 3
