"""llama-index-openrouter-kit: the OpenRouter LLM and OpenRouterEmbedding over the openrouter-kit core."""

from clients._common import EMBED_MODEL, MODEL, PROMPT, run_bounded
from llama_index.core.llms import ChatMessage
from llama_index.embeddings.openrouter_kit import OpenRouterEmbedding
from llama_index.llms.openrouter_kit import OpenRouter

NAME = "llama-index-openrouter-kit"
DISTRIBUTIONS = ("llama-index-openrouter-kit", "openrouter-kit", "llama-index-core")
EMBED_BASE64 = True

_llm: OpenRouter | None = None
_embed_float: OpenRouterEmbedding | None = None
_embed_base64: OpenRouterEmbedding | None = None
_messages = [ChatMessage(role="user", content=PROMPT)]


def setup(base_url: str, api_key: str) -> None:
    global _llm, _embed_float, _embed_base64
    # api_base, as with llama-index-llms-openrouter: switching is a change of import.
    _llm = OpenRouter(model=MODEL, api_base=base_url, api_key=api_key)
    common = dict(model_name=EMBED_MODEL, base_url=base_url, api_key=api_key, embed_batch_size=256)
    _embed_float = OpenRouterEmbedding(**common)  # default: base64 on the wire, floats back
    _embed_base64 = OpenRouterEmbedding(**common, encoding_format="base64")


def chat_once() -> str:
    return _llm.chat(_messages).message.content


def stream_once() -> int:
    return sum(1 for response in _llm.stream_chat(_messages) if response.delta)


async def concurrent_chat(n: int, concurrency: int) -> int:
    async def call():
        return (await _llm.achat(_messages)).message.content

    return await run_bounded(call, n, concurrency)


def embed(texts: list[str], base64: bool = False) -> list:
    return (_embed_base64 if base64 else _embed_float).get_text_embedding_batch(texts)


def close() -> None:
    pass
