"""LangChain v1 agents read the adapter's errors: ModelRetryMiddleware retries a 429 and sends
a 400 once (counted at the HTTP layer). Needs the `langchain` package (a dev dependency)."""

from __future__ import annotations

import langchain_core.exceptions as lc
import pytest
from langchain_core.messages import HumanMessage
from langchain_openrouter_kit import ChatOpenRouter
from lc_wire import Wire, json_response


def error_handler(status: int) -> object:
    return json_response({"error": {"code": status, "message": "nope"}}, status)


@pytest.mark.parametrize(("status", "sent"), [(400, 1), (429, 3)])
def test_agent_retry_middleware_retries_429_but_sends_400_once(status: int, sent: int) -> None:
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelRetryMiddleware

    wire = Wire(error_handler(status))
    llm = ChatOpenRouter(model="openai/gpt-4o-mini", **wire.clients())  # core retries off
    # the default retry_on: a ModelError retries when is_retryable, anything else always
    retry = ModelRetryMiddleware(max_retries=2, on_failure="error", initial_delay=0.0, jitter=False)
    agent = create_agent(llm, middleware=[retry])
    with pytest.raises(lc.ModelError):
        agent.invoke({"messages": [HumanMessage("hi")]})
    assert len(wire.requests) == sent
