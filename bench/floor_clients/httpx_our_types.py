"""Raw httpx, each answer validated into openrouter-kit's own `ChatCompletion`: between the
pydantic floor and the client, it splits our memory into the answer types and the rest
(`bench/_rss.py httpx_pydantic httpx_our_types openrouter_kit_core`). Not a bench column."""

import httpx
from clients._common import MESSAGES, MODEL
from openrouter_kit.types.chat import ChatCompletion

NAME = "httpx + openrouter-kit's chat types (floor)"
DISTRIBUTIONS = ("httpx", "openrouter-kit")
EMBED_BASE64 = False

_client: httpx.Client | None = None


def setup(base_url: str, api_key: str) -> None:
    global _client
    _client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=60
    )


def chat_once() -> str:
    response = _client.post("/chat/completions", json={"model": MODEL, "messages": MESSAGES})
    response.raise_for_status()
    return ChatCompletion.model_validate_json(response.content).choices[0].message.content


def close() -> None:
    _client.close()
