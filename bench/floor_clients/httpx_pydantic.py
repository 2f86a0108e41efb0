"""The memory floor of any pydantic-typed client: raw httpx, each answer validated into a
one-class pydantic model. Not a bench column; `bench/_rss.py httpx_pydantic` measures it."""

import httpx
from clients._common import MESSAGES, MODEL
from pydantic import BaseModel, ConfigDict

NAME = "httpx + one pydantic model (floor)"
DISTRIBUTIONS = ("httpx", "pydantic")
EMBED_BASE64 = False


class Completion(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = None
    choices: list[dict] = []


_client: httpx.Client | None = None


def setup(base_url: str, api_key: str) -> None:
    global _client
    _client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=60
    )


def chat_once() -> str:
    response = _client.post("/chat/completions", json={"model": MODEL, "messages": MESSAGES})
    response.raise_for_status()
    return Completion.model_validate_json(response.content).choices[0]["message"]["content"]


def close() -> None:
    _client.close()
