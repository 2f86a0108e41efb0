"""Build the emulator's model catalogue from real recorded ``GET /models`` traffic.

Run from the repository root::

    uv run python tests/emulator/extract_catalogue.py

It reads the two real /models recordings in ``tests/recordings`` (or
``$REAL_TRAFFIC``), keeps the chat/reasoning/vision/image models listed in ``CHAT_IDS``
unchanged (real ids, string prices, context lengths, architecture,
supported_parameters), and appends the embedding and rerank models, which the default
/models listing never contains, from the facts quoted in real-traffic/README.md and
QUOTED.md. Output: ``emulator/src/openrouter_kit_emulator/models.json``.
``tests/emulator/test_catalogue.py`` re-runs the extraction and checks the committed file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(os.environ.get("REAL_TRAFFIC", Path(__file__).resolve().parents[1] / "recordings"))
SOURCES = [
    # newest recording first: its entries win (they carry links, knowledge_cutoff, reasoning)
    ROOT / "simonw__llm-openrouter/tests/cassettes/test_llm_openrouter/test_llm_models.yaml",
    ROOT
    / "posit-dev__chatlas/tests/_vcr/test_provider_openrouter/test_openrouter_list_models.yaml",
]
OUT = Path(__file__).resolve().parents[2] / "emulator/src/openrouter_kit_emulator/models.json"

CHAT_IDS = [
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "openai/gpt-4.1-mini",
    "openai/gpt-3.5-turbo",
    "openai/gpt-5",
    "openai/gpt-5-mini",
    "openai/gpt-5-nano",
    "openai/o3-mini",
    "openai/gpt-oss-120b",
    "openai/gpt-oss-20b:free",
    "openai/gpt-5-image-mini",
    "anthropic/claude-sonnet-4",
    "anthropic/claude-sonnet-4.5",
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-3.5-haiku",
    "anthropic/claude-opus-4.5",
    "google/gemini-2.5-flash",
    "google/gemini-2.5-pro",
    "google/gemini-2.5-flash-lite",
    "google/gemini-3-pro-preview",
    "google/gemini-2.5-flash-image",
    "deepseek/deepseek-r1-0528",
    "deepseek/deepseek-chat-v3.1",
    "deepseek/deepseek-v3.2",
    "meta-llama/llama-3.3-70b-instruct",
    "meta-llama/llama-3.1-8b-instruct",
    "meta-llama/llama-3.2-11b-vision-instruct",
    "mistralai/mistral-small-3.2-24b-instruct",
    "mistralai/mistral-large-2512",
    "qwen/qwen3-235b-a22b-2507",
    "qwen/qwen3-coder",
    "qwen/qwen3-vl-8b-instruct",
    "x-ai/grok-4-fast",
    "x-ai/grok-3-mini",
    "moonshotai/kimi-k2-thinking",
    "z-ai/glm-4.6",
    "minimax/minimax-m2",
    "nvidia/nemotron-nano-9b-v2:free",
]


def _embedding(
    id_: str, name: str, prompt: str, ctx: int, dims: int, created: int
) -> dict[str, Any]:
    return {
        "id": id_,
        "canonical_slug": id_,
        "hugging_face_id": None,
        "name": name,
        "created": created,
        "description": f"{name} text embedding model ({dims} dimensions).",
        "context_length": ctx,
        "architecture": {
            "modality": "text->embeddings",
            "input_modalities": ["text"],
            "output_modalities": ["embeddings"],
            "tokenizer": "Other",
            "instruct_type": None,
        },
        "pricing": {"prompt": prompt, "completion": "0"},
        "top_provider": {
            "context_length": ctx,
            "max_completion_tokens": None,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": ["dimensions", "encoding_format", "input_type"],
        "default_parameters": {},
        "embedding_dimensions": dims,
    }


def _rerank(id_: str, name: str, provider: str, upstream: str, created: int) -> dict[str, Any]:
    # QUOTED.md: rerank models are listed with output_modalities=rerank and show
    # pricing {prompt:"0", completion:"0"} even when they are billed per search unit.
    return {
        "id": id_,
        "canonical_slug": id_,
        "hugging_face_id": None,
        "name": name,
        "created": created,
        "description": f"{name} reranker served by {provider}.",
        "context_length": 32000,
        "architecture": {
            "modality": "text->rerank",
            "input_modalities": ["text"],
            "output_modalities": ["rerank"],
            "tokenizer": "Other",
            "instruct_type": None,
        },
        "pricing": {"prompt": "0", "completion": "0"},
        "top_provider": {
            "context_length": 32000,
            "max_completion_tokens": None,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": ["top_n"],
        "default_parameters": {},
        "rerank_provider": provider,
        "upstream_model": upstream,
    }


EXTRA = [
    # README fact 17: text-embedding-3-small, 16 tokens cost 3.2e-07 -> 0.00000002 per token
    _embedding(
        "openai/text-embedding-3-small",
        "OpenAI: Text Embedding 3 Small",
        "0.00000002",
        8192,
        1536,
        1706140800,
    ),
    _embedding(
        "openai/text-embedding-3-large",
        "OpenAI: Text Embedding 3 Large",
        "0.00000013",
        8192,
        3072,
        1706140800,
    ),
    # QUOTED.md Q4: qwen3-embedding-8b, 10 tokens cost 1e-7; qwen3-embedding-4b, 6 tokens cost 1.2e-7
    _embedding(
        "qwen/qwen3-embedding-8b", "Qwen: Qwen3 Embedding 8B", "0.00000001", 32000, 4096, 1749600000
    ),
    _embedding(
        "qwen/qwen3-embedding-4b", "Qwen: Qwen3 Embedding 4B", "0.00000002", 32000, 2560, 1749600000
    ),
    # README "Rerank" section and QUOTED.md Q1-Q3
    _rerank("cohere/rerank-v3.5", "Cohere: Rerank v3.5", "Cohere", "rerank-v3.5", 1733270400),
    _rerank(
        "cohere/rerank-4-fast", "Cohere: Rerank 4 Fast", "Cohere", "rerank-v4.0-fast", 1780000000
    ),
    _rerank(
        "voyageai/rerank-2.5",
        "Voyage AI: Rerank 2.5",
        "VoyageAI by MongoDB",
        "rerank-2.5",
        1754000000,
    ),
    _rerank(
        "qwen/qwen3-reranker-8b",
        "Qwen: Qwen3 Reranker 8B",
        "Fireworks",
        "accounts/fireworks/models/qwen3-reranker-8b",
        1749600000,
    ),
]


def load_models() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in SOURCES:
        doc = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for interaction in doc["interactions"]:
            if not interaction["request"]["uri"].endswith("/models"):
                continue
            for model in json.loads(interaction["response"]["body"]["string"])["data"]:
                found.setdefault(model["id"], model)
    return found


def build() -> list[dict[str, Any]]:
    found = load_models()
    missing = [i for i in CHAT_IDS if i not in found]
    if missing:
        raise SystemExit(f"models not in the recordings: {missing}")
    out = []
    for model_id in CHAT_IDS:
        model = dict(found[model_id])
        model.pop("benchmarks", None)  # large and irrelevant offline
        model.setdefault(
            "links", {"details": f"/api/v1/models/{model['canonical_slug']}/endpoints"}
        )
        out.append(model)
    return out + EXTRA


def render() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT} ({len(build())} models)", file=sys.stderr)
