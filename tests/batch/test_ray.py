"""`openrouter_kit.ray` on a local Ray cluster (2 CPUs) against a served emulator on loopback.

Ray workers are processes of their own, so they reach the emulator over a real socket; the
spend is read back from the emulator's own books as well as from the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

ray = pytest.importorskip("ray", reason="Ray is the optional [ray] extra")

from openrouter_kit import OpenRouter  # noqa: E402
from openrouter_kit.ray import (  # noqa: E402
    ChatCompletions,
    Embeddings,
    _cost_shares,
    _shares,
    job_totals,
    release_job,
)
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


EMBED = "openai/text-embedding-3-small"


def embedding_job(server: EmulatorServer, **options: object) -> dict[str, object]:
    return {"model": EMBED, "api_key": "k", "base_url": server.base_url, **options}


def test_embeddings_go_several_rows_to_a_request(cluster: None, server: EmulatorServer) -> None:
    texts = [f"bees make wax {i} " * (1 + i % 3) for i in range(20)]
    rows = [{"text": text, "row": i} for i, text in enumerate(texts)]
    rows.append({"text": "", "row": 20})  # a bad row fails alone
    ds = ray.data.from_items(rows).map_batches(
        Embeddings,
        fn_constructor_kwargs=embedding_job(server, inputs_per_request=4),
        concurrency=1,
        batch_size=21,
    )
    out = sorted(ds.take_all(), key=lambda r: r["row"])
    assert len(out) == 21 and [r["row"] for r in out] == list(range(21))
    assert out[20]["embedding"] is None
    assert out[20]["error"] == "row: expected a non-empty string in column 'text'"
    answered = out[:20]
    assert all(r["error"] is None for r in answered)
    generations = list(server.emulator.account.generations.values())
    assert len(generations) == 5, "20 texts, 4 to a request"
    # the shares add up to exactly what the emulator billed and counted
    assert sum(Decimal(str(r["cost"])) for r in answered) == spent(server)
    assert sum(r["prompt_tokens"] for r in answered) == sum(
        g.data["tokens_prompt"] for g in generations
    )
    # each row has its own text's vector, as a request for that text alone returns it
    with OpenRouter(api_key="k", base_url=server.base_url) as client:
        alone = [client.embeddings.create(model=EMBED, input=text).vectors[0] for text in texts]
    assert len(alone) == len(answered)
    for row, vector in zip(answered, alone, strict=True):
        assert list(row["embedding"]) == pytest.approx(vector, rel=1e-6)  # Ray may keep float32


def test_embeddings_of_two_models_go_in_requests_of_their_own(
    cluster: None, server: EmulatorServer
) -> None:
    other = "openai/text-embedding-3-large"
    rows = [{"text": f"text {i}", "model": EMBED if i % 2 else other} for i in range(10)]
    ds = ray.data.from_items(rows).map_batches(
        Embeddings, fn_constructor_kwargs=embedding_job(server), concurrency=1, batch_size=10
    )
    out = ds.take_all()
    assert all(r["error"] is None for r in out)
    sizes = {r["model"]: len(r["embedding"]) for r in out}
    assert sizes[EMBED] != sizes[other], "each row was embedded by its own model"
    models = sorted(g.data["model"] for g in server.emulator.account.generations.values())
    assert models == sorted([EMBED, other])


def test_one_input_per_request_gives_each_row_its_own_figures(
    cluster: None, server: EmulatorServer
) -> None:
    rows = [{"text": f"bees make wax {i}"} for i in range(6)]
    ds = ray.data.from_items(rows).map_batches(
        Embeddings,
        fn_constructor_kwargs=embedding_job(server, inputs_per_request=1),
        concurrency=1,
        batch_size=6,
    )
    out = ds.take_all()
    billed = sorted(
        Decimal(str(g.data["total_cost"])) for g in server.emulator.account.generations.values()
    )
    assert sorted(Decimal(str(r["cost"])) for r in out) == billed and len(billed) == 6


def test_inputs_per_request_is_checked_before_anything_starts() -> None:
    with pytest.raises(ValueError, match="inputs_per_request: expected an integer >= 1, got 0"):
        Embeddings(EMBED, inputs_per_request=0)


@given(
    total=st.integers(min_value=0, max_value=10**7),
    texts=st.lists(st.text(min_size=0, max_size=50), min_size=1, max_size=40),
)
def test_token_shares_add_up_and_follow_text_length(total: int, texts: list[str]) -> None:
    shares = _shares(total, texts)
    assert sum(s for s in shares if s is not None) == total
    weights = [max(len(t), 1) for t in texts]
    for share, weight in zip(shares, weights, strict=True):
        assert share is not None and abs(share - total * weight / sum(weights)) < 1 + 1e-9


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    texts=st.lists(st.text(min_size=1, max_size=50), min_size=1, max_size=40),
)
def test_cost_shares_add_up_to_the_billed_cost(cents: int, texts: list[str]) -> None:
    total = Decimal(cents) * Decimal("1e-10")  # OpenRouter bills to ~1e-10 USD
    shares = _cost_shares(total, texts)
    assert all(share is not None and share >= 0 for share in shares)
    assert sum((Decimal(str(share)) for share in shares), Decimal(0)) == total


def test_a_cent_fraction_over_many_rows_leaves_no_share_negative() -> None:
    shares = _cost_shares(Decimal("1e-10"), ["x" * 50] * 39 + ["x"])
    assert min(s for s in shares if s is not None) >= 0
    assert sum((Decimal(str(s)) for s in shares), Decimal(0)) == Decimal("1e-10")
