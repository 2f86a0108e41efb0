"""Ray embeddings: one request per row against `inputs_per_request=64`, on a local cluster.

    uv run python bench/ray_embeddings.py [--rows 2560]

Embeds the same rows twice per setting (the first pair also warms Ray up) through
`openrouter_kit.ray.Embeddings` against a served emulator on loopback, and prints the wall
time and the number of requests the emulator answered.
"""

from __future__ import annotations

import argparse
import time

import ray
from openrouter_kit.ray import Embeddings
from openrouter_kit_emulator.server import EmulatorServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2560)
    args = parser.parse_args()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    rows = [{"text": f"document {i} about bees and wax " * 4} for i in range(args.rows)]
    try:
        for per_request in (1, 64, 1, 64):
            with EmulatorServer() as server:
                options = {
                    "model": "openai/text-embedding-3-small",
                    "api_key": "sk-or-v1-bench",
                    "base_url": server.base_url,
                    "inputs_per_request": per_request,
                }
                start = time.perf_counter()
                out = (
                    ray.data.from_items(rows)
                    .map_batches(
                        Embeddings, fn_constructor_kwargs=options, concurrency=1, batch_size=256
                    )
                    .take_all()
                )
                wall = time.perf_counter() - start
                assert len(out) == args.rows and all(r["error"] is None for r in out)
                requests = len(server.emulator.account.generations)
                print(f"inputs_per_request={per_request}: {wall:.2f} s, {requests} requests")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
