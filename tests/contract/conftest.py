"""The contract suite's bookkeeping: a ledger of replayed recordings, printed at the end of the run.

Replay tests carry `@pytest.mark.contract_replay("<surface>")` and a `case` parameter (a
contract_support.Case). Their outcomes are collected here per surface (core client,
ChatOpenRouter, LlamaIndex OpenRouter, quoted bodies), and `pytest_terminal_summary` prints
how many recordings passed, failed or were skipped, and which cannot apply and why, so the
CI log states what real traffic the client has been proven on.

Also registers the deterministic hypothesis profile the fuzz tests use.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

FUZZ_PROFILE = "openrouter-kit-fuzz"
settings.register_profile(
    FUZZ_PROFILE,
    derandomize=True,  # the same examples on every run and machine
    max_examples=150,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SURFACES = {
    "core": "core client (OpenRouter)",
    "langchain": "ChatOpenRouter (LangChain)",
    "llama_index": "OpenRouter LLM (LlamaIndex)",
    "quoted": "quoted bodies (QUOTED.md)",
}

_LEDGER: dict[str, dict[str, str]] = defaultdict(dict)

# Other counted checks: (module, test function or None for all) -> label in the summary.
COUNTED = {
    ("test_bad_input.py", "test_bad_input_sync"): "bad input rows, sync client",
    ("test_bad_input.py", "test_bad_input_async"): "bad input rows, async client",
    ("test_faults.py", "test_fault_sync"): "fault rows, sync client",
    ("test_faults.py", "test_fault_async"): "fault rows, async client",
    (
        "test_faults.py",
        "test_stall_mid_stream_after_content_times_out_with_partial",
    ): "stall after content on a real socket (sync, async)",
    (
        "test_faults.py",
        "test_fault_on_responses_and_messages_streams",
    ): "faults on /responses and /messages streams",
    ("test_fuzz_sse.py", None): "fuzz properties: SSE decoder and split streams",
    ("test_fuzz_parsers.py", None): "fuzz properties: parsers on broken real payloads",
    ("test_cassettes.py", "test_cassette_holds_no_secret"): "cassette files free of secrets",
    ("test_cassettes.py", "test_endpoint_has_a_cassette"): "endpoints with a cassette (of 39)",
}
_COUNTS: dict[str, dict[str, str]] = defaultdict(dict)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "contract_replay(surface): a replay of one recording through one surface (counted in the summary)",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    label = COUNTED.get((item.path.name, getattr(item, "originalname", item.name))) or COUNTED.get(
        (item.path.name, None)
    )
    if label is not None:
        counts = _COUNTS[label]
        if report.failed:
            counts[item.nodeid] = "failed"
        elif report.skipped:
            counts[item.nodeid] = "skipped"
        elif report.when == "call" and counts.get(item.nodeid) not in ("failed", "skipped"):
            counts[item.nodeid] = "passed"
    marker = item.get_closest_marker("contract_replay")
    callspec = getattr(item, "callspec", None)
    if marker is None or callspec is None or "case" not in callspec.params:
        return report
    surface = marker.args[0]
    case_id = getattr(callspec.params["case"], "id", str(callspec.params["case"]))
    ledger = _LEDGER[surface]
    if report.failed:
        ledger[case_id] = "failed"
    elif report.skipped:
        ledger[case_id] = "skipped"
    elif report.when == "call" and ledger.get(case_id) not in ("failed", "skipped"):
        ledger[case_id] = "passed"
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _LEDGER and not _COUNTS:
        return
    write = terminalreporter.write_line
    if _COUNTS:
        terminalreporter.section("openrouter-kit contract: faults, bad input, fuzzing, cassettes")
        for label in dict.fromkeys(COUNTED.values()):
            outcomes = Counter(_COUNTS.get(label, {}).values())
            if outcomes:
                write(
                    f"{label}: {outcomes['passed']} passed, {outcomes['failed']} failed, "
                    f"{outcomes['skipped']} skipped"
                )
    if not _LEDGER:
        return
    from contract_support import not_applicable_to

    terminalreporter.section("openrouter-kit contract: real recorded traffic")
    for surface, title in SURFACES.items():
        outcomes = Counter(_LEDGER.get(surface, {}).values())
        if not outcomes:
            continue
        skipped_na = not_applicable_to(surface)
        write(
            f"{title}: {outcomes['passed']} passed, {outcomes['failed']} failed, "
            f"{outcomes['skipped']} skipped, {len(skipped_na)} not applicable"
        )
        for reason, count in Counter(skipped_na.values()).most_common():
            write(f"    not applicable x{count}: {reason}")
