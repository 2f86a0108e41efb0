"""langchain-openrouter-kit: ChatOpenRouter and OpenRouterEmbeddings over the openrouter-kit core."""

from clients._common import EMBED_MODEL, MODEL, PROMPT, run_bounded
from langchain_core.messages import HumanMessage
from langchain_openrouter_kit import ChatOpenRouter, OpenRouterEmbeddings

NAME = "langchain-openrouter-kit"
DISTRIBUTIONS = ("langchain-openrouter-kit", "openrouter-kit", "langchain-core")
EMBED_BASE64 = True

_llm: ChatOpenRouter | None = None
_embed_float: OpenRouterEmbeddings | None = None
_embed_base64: OpenRouterEmbeddings | None = None
_messages = [HumanMessage(content=PROMPT)]


def setup(base_url: str, api_key: str) -> None:
    global _llm, _embed_float, _embed_base64
    _llm = ChatOpenRouter(model=MODEL, base_url=base_url, api_key=api_key)
    common = dict(model=EMBED_MODEL, base_url=base_url, api_key=api_key)
    _embed_float = OpenRouterEmbeddings(**common)  # default: base64 on the wire, floats back
    _embed_base64 = OpenRouterEmbeddings(**common, encoding_format="base64")


def chat_once() -> str:
    return _llm.invoke(_messages).content


def stream_once() -> int:
    return sum(1 for chunk in _llm.stream(_messages) if chunk.content)


async def concurrent_chat(n: int, concurrency: int) -> int:
    async def call():
        return (await _llm.ainvoke(_messages)).content

    return await run_bounded(call, n, concurrency)


def embed(texts: list[str], base64: bool = False) -> list:
    return (_embed_base64 if base64 else _embed_float).embed_documents(texts)


def close() -> None:
    pass
