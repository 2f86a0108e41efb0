"""Response bodies quoted in tests/recordings/_quoted-in-public-files/QUOTED.md, as replayable data.

QUOTED.md holds bodies that public source files say were captured from the live API. JSON
bodies are copied character for character (test_quoted_bodies_are_verbatim checks that each
appears in QUOTED.md); JavaScript and Python literals were turned into the JSON they denote.
Quotes that give only a message text, or a body cut off mid-string, cannot be replayed and
are listed in QUOTED_NOT_REPLAYABLE with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Quoted:
    id: str
    call: str  # chat | rerank | embeddings | credits | key
    status: int
    body: str
    verbatim: bool  # True: `body` appears as-is in QUOTED.md
    note: str = ""
    request: dict[str, Any] = field(default_factory=dict)


QUOTED: list[Quoted] = [
    Quoted(
        "Q1 rerank voyageai/rerank-2.5",
        "rerank",
        200,
        '{"model":"rerank-2.5","results":['
        '{"index":0,"relevance_score":0.58203125,"document":{"text":"Split-K works well for small M on MI300X"}},'
        '{"index":2,"relevance_score":0.310546875,"document":{"text":"ROCm 6.4 kernel tuning notes"}},'
        '{"index":1,"relevance_score":0.2294921875,"document":{"text":"The weather is sunny today"}}],'
        '"usage":{"total_tokens":48,"cost":0.0000024},"provider":"VoyageAI by MongoDB",'
        '"id":"gen-rerank-1788571637-test"}',
        verbatim=False,
        note="JavaScript object literal, written as JSON",
        request={
            "model": "voyageai/rerank-2.5",
            "query": "MI300X GEMM tuning",
            "documents": [
                "Split-K works well for small M on MI300X",
                "The weather is sunny today",
                "ROCm 6.4 kernel tuning notes",
            ],
            "top_n": 3,
        },
    ),
    Quoted(
        "Q2 chat qwen/qwen3.8-flash (trimmed by its author)",
        "chat",
        200,
        '{"id":"gen-1789482048-0NJ5G7yugqnf9KbMTAns","model":"qwen/qwen3.8-flash","provider":"Alibaba",'
        '"choices":[{"message":{"content":"pong"},"finish_reason":"stop"}],'
        '"usage":{"prompt_tokens":31,"completion_tokens":1,"total_tokens":32,"cost":5.12e-06,'
        '"is_byok":false,"prompt_tokens_details":{"cached_tokens":4,"cache_write_tokens":7},'
        '"completion_tokens_details":{"reasoning_tokens":2}}}',
        verbatim=False,
        note="Python dict literal, written as JSON",
    ),
    Quoted(
        "Q2 rerank cohere/rerank-4-fast (results emptied by its author)",
        "rerank",
        200,
        '{"id":"gen-rerank-1789482080-CJZy8TXbWbOXnJmxFkCd","model":"rerank-v4.0-fast",'
        '"results":[],"usage":{"search_units":1,"cost":0.002},"provider":"Cohere"}',
        verbatim=False,
        note="Python dict literal, written as JSON",
        request={"model": "cohere/rerank-4-fast", "query": "q", "documents": ["a"]},
    ),
    Quoted(
        "Q3 rerank unknown model 400",
        "rerank",
        400,
        '{"error":{"message":"Model qwen/definitely-not-a-model-xyz does not exist","code":400}}',
        verbatim=False,
        note="Python dict repr, written as JSON",
        request={"model": "qwen/definitely-not-a-model-xyz", "query": "q", "documents": ["a"]},
    ),
    Quoted(
        "Q4 embeddings qwen/qwen3-embedding-4b (DeepInfra)",
        "embeddings",
        200,
        '{"object":"list","data":[{"object":"embedding","embedding":[0.00013645895523950458,0.0018074032850563526,0.00838635116815567,0.0166570283472538],"index":0}],"model":"Qwen/Qwen3-Embedding-4B","usage":{"prompt_tokens":6,"total_tokens":6,"cost":1.2e-7},"provider":"DeepInfra","id":"gen-emb-1779328942-BSxYnh40JOckaI7e4lV8"}',
        verbatim=True,
        request={"model": "qwen/qwen3-embedding-4b", "input": "hello"},
    ),
    Quoted(
        "Q4 embeddings qwen/qwen3-embedding-8b (Nebius)",
        "embeddings",
        200,
        '{"id":"gen-emb-1773878349-NKlUVeOZ5coXtLgoUCe8","object":"list",\n'
        '"data":[{"object":"embedding","embedding":[0.0105806486681],"index":0}],\n'
        '"model":"Qwen/Qwen3-Embedding-8B","usage":{"prompt_tokens":10,"total_tokens":10,"cost":1e-7},"provider":"Nebius"}',
        verbatim=True,
        request={"model": "qwen/qwen3-embedding-8b", "input": "hello"},
    ),
    Quoted(
        "Q5 chat 429 upstream rate limit (Chutes)",
        "chat",
        429,
        '{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"openai/gpt-oss-20b:free is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations","provider_name":"Chutes"}},"user_id":"user_37C8CQywNKwcXbOKEIdZ5xnoENt"}',
        verbatim=True,
    ),
    Quoted(
        "Q5 chat 404 no tool-use endpoint",
        "chat",
        404,
        '{"error":{"message":"No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection","code":404}}',
        verbatim=True,
    ),
    Quoted(
        "Q6 chat 402 insufficient credits with previous_errors",
        "chat",
        402,
        '{"error":{"message":"This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 779. To increase, visit https://openrouter.ai/settings/credits and add more credits",'
        '"code":402,"metadata":{"limit_source":"openrouter_credits",'
        '"remedy_hint":"Add credits at https://openrouter.ai/settings/credits, or lower max_tokens / prompt size to fit your remaining balance.",'
        '"provider_name":null,"previous_errors":['
        '{"code":402,"message":"This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 734. To increase, visit https://openrouter.ai/settings/credits and add more credits"},'
        '{"code":402,"message":"... can only afford 1558. ..."},'
        '{"code":402,"message":"... can only afford 1558. ..."}]}}}',
        verbatim=False,
        note="JavaScript object literal, written as JSON (two messages abbreviated by its author)",
    ),
    Quoted(
        "Q6 chat 402 prompt tokens limit",
        "chat",
        402,
        '{"error":{"message":"Prompt tokens limit exceeded: 14250 > 3621. To increase, visit https://openrouter.ai/settings/credits and add more credits","code":402,"metadata":{"limit_source":"openrouter_credits"}}}',
        verbatim=True,
    ),
    Quoted(
        "Q6 chat 429 with X-RateLimit headers in metadata",
        "chat",
        429,
        '{"error":{"message":"Rate limit exceeded: limit_rpm/qwen/qwen3-coder-480b-a35b-07-25/a9bbd882-011f-4606-8f60-85f3cb642586. High demand for qwen/qwen3-coder:free on OpenRouter - limited to 8 requests per minute. Please retry shortly.","code":429,"metadata":{"headers":{"X-RateLimit-Limit":"8","X-RateLimit-Remaining":"0","X-RateLimit-Reset":"1783519380000"},"provider_name":null}}}',
        verbatim=False,
        note='the journal printed the inner error object; wrapped in {"error": ...} as the API sends it',
    ),
    Quoted(
        "Q6 chat 402 OpenRouter-style body with user_id",
        "chat",
        402,
        '{"error":{"message":"This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only afford 3324.","code":402,"metadata":{"limit_source":"openrouter_credits","remedy_hint":"Add credits at https://openrouter.ai/settings/credits, or lower max_tokens / prompt size to fit your remaining balance."}},"user_id":"user_abc123"}',
        verbatim=True,
    ),
    Quoted(
        "Q7 GET /key 401 bad bearer token",
        "key",
        401,
        '{"error":{"message":"User not found.","code":401}}',
        verbatim=True,
    ),
    Quoted(
        "Q8 GET /credits shape",
        "credits",
        200,
        '{"data":{"total_credits":610,"total_usage":321.725553332}}',
        verbatim=True,
    ),
]

QUOTED_NOT_REPLAYABLE: dict[str, str] = {
    "Q3 rerank empty documents 400": "the quoted body is cut off mid-string by its author",
    "Q6 400 'Reasoning is mandatory for this endpoint'": "only the message text is quoted, not the body",
    "Q8 GET /credits 403 'Only management keys can fetch credits'": "only the message text is quoted, not the body",
    "Q9 /responses 400 invalid_prompt": "the quoted body is cut off mid-string (a log excerpt)",
}
