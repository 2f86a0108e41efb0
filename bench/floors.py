"""The framework floors: what LangChain and LlamaIndex cost to stream 2000 chunks with no I/O.

    python bench/floors.py [--rounds 9] [--markdown]

Measured in one process, interleaved round by round, against ../shared/bench/server.py:

* raw httpx and openrouter-kit's core consuming the bench's 2000-chunk stream (the I/O floor),
  the core both as typed chunks and as wire dicts (``wire_dicts()``, what the adapters read);
* LangChain's ``GenericFakeChatModel`` streaming 2000 chunks through ``.stream()``, and
  LlamaIndex's ``MockLLM`` streaming 2000 chunks through ``.stream_chat()``: no I/O at all, only
  the frameworks' own chunk objects, callbacks and instrumentation (the framework floors);
* our LangChain and LlamaIndex adapters streaming the bench's 2000 chunks.

Each adapter is reported as a ratio to raw httpx and to its framework floor, and beside the
sum "core (wire dicts) + framework floor", the least an adapter can cost when it builds the
framework's chunks from the core's stream. Needs the bench venv (langchain-core, llama-index-core).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Callable
from typing import Any

from profile_stream import SHARED, load_adapter, start_server

CHUNKS = 2000
TIMES = "\u00d7"  # the multiplication sign of the bench tables
WIRE = "openrouter-kit, wire dicts"


def langchain_floor() -> Callable[[], int]:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage

    # GenericFakeChatModel splits its message on whitespace, keeping the separators:
    # 1000 words and 1000 spaces are 2000 chunks.
    text = "tok " * (CHUNKS // 2)
    model = GenericFakeChatModel(messages=itertools.repeat(AIMessage(content=text)))
    messages = [HumanMessage(content="Say hello in one sentence.")]

    def stream() -> int:
        return sum(1 for chunk in model.stream(messages) if chunk.content)

    return stream


def llamaindex_floor() -> Callable[[], int]:
    from llama_index.core.llms import ChatMessage
    from llama_index.core.llms.mock import MockLLM

    # MockLLM streams its prompt one character at a time: pad the message so that the
    # formatted prompt is exactly 2000 characters, 2000 chunks.
    llm = MockLLM()
    empty = len(llm.messages_to_prompt([ChatMessage(role="user", content="")]))
    messages = [ChatMessage(role="user", content="x" * (CHUNKS - empty))]

    def stream() -> int:
        return sum(1 for response in llm.stream_chat(messages) if response.delta)

    return stream


def core_wire_dicts(adapter: Any) -> Callable[[], int]:
    """The core's stream read as wire dicts (``wire_dicts()``): what both adapters consume."""
    from clients._common import MESSAGES, MODEL

    client = adapter._client

    def stream() -> int:
        chunks = 0
        with client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True
        ).wire_dicts() as events:
            for event in events:
                choices = event["choices"]
                if choices and choices[0]["delta"].get("content"):
                    chunks += 1
        return chunks

    return stream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    proc, base_url = start_server(SHARED)
    try:
        cases: dict[str, Callable[[], int]] = {}
        for label, module in (
            ("httpx (raw)", "httpx_raw"),
            ("openrouter-kit", "openrouter_kit_core"),
            ("langchain-openrouter-kit", "lc_openrouter_kit"),
            ("llama-index-openrouter-kit", "llamaindex_openrouter_kit"),
        ):
            adapter: Any = load_adapter(module, SHARED)
            adapter.setup(base_url, "sk-or-v1-bench")
            cases[label] = adapter.stream_once
            if module == "openrouter_kit_core":
                cases[WIRE] = core_wire_dicts(adapter)
        cases["LangChain floor (GenericFakeChatModel)"] = langchain_floor()
        cases["LlamaIndex floor (MockLLM)"] = llamaindex_floor()
        counts = {label: stream() for label, stream in cases.items()}  # warm-up, and the check
        samples: dict[str, list[float]] = {label: [] for label in cases}
        ratios: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(args.rounds):
            round_times = {}
            for label, stream in cases.items():
                gc.collect()
                start = time.perf_counter()
                stream()
                round_times[label] = time.perf_counter() - start
                samples[label].append(round_times[label])
            for label in cases:
                ratios[label].append(round_times[label] / round_times["httpx (raw)"])
        median = {label: statistics.median(values) * 1000 for label, values in samples.items()}
        ratio = {label: statistics.median(values) for label, values in ratios.items()}
    finally:
        proc.terminate()
        proc.wait()

    floors = {
        "langchain-openrouter-kit": "LangChain floor (GenericFakeChatModel)",
        "llama-index-openrouter-kit": "LlamaIndex floor (MockLLM)",
    }
    rows = []
    for label in cases:
        floor = floors.get(label)
        vs_floor = f"{median[label] / median[floor]:.2f}{TIMES}" if floor else ""
        least = (
            f"{(median[WIRE] + median[floor]) / median['httpx (raw)']:.2f}{TIMES}" if floor else ""
        )
        rows.append(
            (
                label,
                counts[label],
                f"{median[label]:.1f}",
                f"{ratio[label]:.2f}{TIMES}",
                vs_floor,
                least,
            )
        )
    header = (
        "stream of 2000 chunks",
        "chunks",
        "ms",
        "vs raw httpx",
        "vs its framework floor",
        "core (wire dicts) + floor, vs raw httpx",
    )
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")
    else:
        for row in (header, *rows):
            print(f"{row[0]:40s} {row[1]!s:>6} {row[2]:>8} {row[3]:>13} {row[4]:>14} {row[5]:>14}")
    print(f"\n{args.rounds} interleaved rounds; medians; ratios are medians of per-round ratios.")


if __name__ == "__main__":
    main()
