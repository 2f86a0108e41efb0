"""`openrouter_kit.ray` on a local Ray cluster (2 CPUs) against a served emulator on loopback.

Ray workers are processes of their own, so they reach the emulator over a real socket; the
spend is read back from the emulator's own books as well as from the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

ray = pytest.importorskip("ray", reason="Ray is the optional [ray] extra")

from openrouter_kit.ray import ChatCompletions, Embeddings, job_totals, release_job  # noqa: E402
from openrouter_kit_emulator.server import EmulatorServer  # noqa: E402

MODEL = "openai/gpt-4o-mini"


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    yield
    ray.shutdown()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as served:
        yield served


def spent(server: EmulatorServer) -> Decimal:
    return sum(
        (Decimal(str(g.data["total_cost"])) for g in server.emulator.account.generations.values()),
        Decimal(0),
    )


def test_200_rows_on_two_workers_all_answered(cluster: None, server: EmulatorServer) -> None:
    rows = [{"prompt": f"What is {i} + 1?", "row": i} for i in range(100)]
    rows += [
        {"messages": [{"role": "user", "content": f"What is {i} + 1?"}], "row": i}
        for i in range(100, 200)
    ]
    ds = ray.data.from_items(rows).map_batches(
        ChatCompletions,
        fn_constructor_kwargs={"model": MODEL, "api_key": "k", "base_url": server.base_url, "max_concurrency": 8, "max_tokens": 20},
        concurrency=2,
        batch_size=25,
    )  # fmt: skip
    out = sorted(ds.take_all(), key=lambda r: r["row"])
    assert len(out) == 200
    assert [r["row"] for r in out] == list(range(200)), "other columns pass through"
    assert all(r["error"] is None for r in out)
    assert [r["response"] for r in out[:3]] == ["1", "2", "3"]
    assert all(r["finish_reason"] == "stop" and r["prompt_tokens"] > 0 for r in out)
    assert len({r["generation_id"] for r in out}) == 200
    assert sum(Decimal(str(r["cost"])) for r in out) == spent(server)


def test_a_shared_budget_caps_the_spend_across_both_workers(
    cluster: None, server: EmulatorServer
) -> None:
    limit = Decimal("0.0002")
    rows = [{"prompt": f"What is {i} + 1?", "row": i} for i in range(200)]
    ds = ray.data.from_items(rows).map_batches(
        ChatCompletions,
        fn_constructor_kwargs={"model": MODEL, "api_key": "k", "base_url": server.base_url, "max_concurrency": 8, "max_tokens": 20, "budget_usd": str(limit), "job_name": "budget-test"},
        concurrency=2,
        batch_size=25,
    )  # fmt: skip
    out = ds.take_all()
    answered = [r for r in out if r["error"] is None]
    refused = [r for r in out if r["error"] is not None]
    assert len(out) == 200, "a refused row is still a row"
    assert answered and refused, "the budget let some through and stopped the rest"
    assert all(r["error"].startswith("budget:") for r in refused)
    assert spent(server) <= limit, f"the emulator billed {spent(server)} of {limit}"
    assert spent(server) == sum(Decimal(str(r["cost"])) for r in answered)
    assert spent(server) > limit / 2, "most of the budget was used"
    totals = job_totals("budget-test")  # the shared books agree with the server's
    assert totals == {"spent": spent(server), "reserved": 0}
    release_job("budget-test")
    with pytest.raises(ValueError):
        job_totals("budget-test")


def test_embeddings_column(cluster: None, server: EmulatorServer) -> None:
    ds = ray.data.from_items([{"text": f"bees make wax {i}"} for i in range(20)]).map_batches(
        Embeddings,
        fn_constructor_kwargs={"model": "openai/text-embedding-3-small", "api_key": "k", "base_url": server.base_url},
        concurrency=1,
        batch_size=10,
    )  # fmt: skip
    out = ds.take_all()
    assert len(out) == 20 and all(r["error"] is None for r in out)
    assert len({len(r["embedding"]) for r in out}) == 1 and len(out[0]["embedding"]) > 100
