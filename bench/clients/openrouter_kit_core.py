"""openrouter-kit's core client, used as its docs suggest (one client, reused)."""

from clients._common import EMBED_MODEL, MESSAGES, MODEL, run_bounded
from openrouter_kit import AsyncOpenRouter, OpenRouter

NAME = "openrouter-kit"
DISTRIBUTIONS = ("openrouter-kit",)
EMBED_BASE64 = True

_client: OpenRouter | None = None
_aclient: AsyncOpenRouter | None = None


def setup(base_url: str, api_key: str) -> None:
    global _client, _aclient
    _client = OpenRouter(api_key=api_key, base_url=base_url)
    _aclient = AsyncOpenRouter(api_key=api_key, base_url=base_url)


def chat_once() -> str:
    return (
        _client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content
    )


def stream_once() -> int:
    chunks = 0
    with _client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                chunks += 1
    return chunks


async def concurrent_chat(n: int, concurrency: int) -> int:
    async def call():
        result = await _aclient.chat.completions.create(model=MODEL, messages=MESSAGES)
        return result.choices[0].message.content

    return await run_bounded(call, n, concurrency)


def embed(texts: list[str], base64: bool = False) -> list:
    if base64:
        # base64 named explicitly, vectors as lists of Python floats: what raw httpx returns
        return _client.embeddings.create(
            model=EMBED_MODEL, input=texts, encoding_format="base64"
        ).vectors
    # Float vectors the fastest way the docs give: base64 float32 on the wire (the default),
    # decoded straight into float32 arrays (array.array('f'), one per input; no Python floats).
    return _client.embeddings.create(model=EMBED_MODEL, input=texts, vector_type="array").vectors


def embed_json_floats(texts: list[str]) -> list:
    # JSON floats on the wire, as the anchors' adapters ask (not a bench column; for comparison).
    return _client.embeddings.create(
        model=EMBED_MODEL, input=texts, encoding_format="float"
    ).vectors


def close() -> None:
    import asyncio  # here: the fresh-interpreter RSS run is sync-only, as raw httpx's is

    _client.close()
    asyncio.run(_aclient.close())
