"""A LangGraph tool-calling agent loop, end to end on the offline emulator.

The emulator answers like OpenRouter (tool calls, tool results, usage, SSE), so this runs
the whole path: LangGraph -> ChatOpenRouter -> core client -> emulator transport -> back.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openrouter_kit import ChatOpenRouter
from langgraph.prebuilt import create_react_agent

# LangGraph 1.x points to langchain.agents.create_agent, which lives in the `langchain`
# package (not a dependency here); create_react_agent is the same loop.
pytestmark = pytest.mark.filterwarnings("ignore:create_react_agent has been moved")

calls: list[str] = []


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    calls.append(city)
    return f"It is 21 degrees and sunny in {city}."


def _agent(streaming: bool = False):  # type: ignore[no-untyped-def]
    llm = ChatOpenRouter(
        model="openai/gpt-4o-mini",
        base_url="emulator://",
        api_key="emulator-key",
        streaming=streaming,
    )
    return create_react_agent(llm, [get_weather])


def _check_run(messages: list) -> None:  # type: ignore[type-arg]
    ai_turns = [m for m in messages if isinstance(m, AIMessage)]
    tool_turns = [m for m in messages if isinstance(m, ToolMessage)]
    assert ai_turns[0].tool_calls and ai_turns[0].tool_calls[0]["name"] == "get_weather"
    assert ai_turns[0].usage_metadata and ai_turns[0].usage_metadata["total_tokens"] > 0
    assert tool_turns and "21 degrees" in tool_turns[0].content
    final = messages[-1]
    assert isinstance(final, AIMessage) and not final.tool_calls
    assert "21 degrees" in final.text  # the emulator answers from the tool result
    assert final.response_metadata["model_provider"] == "openrouter"


def test_react_agent_calls_the_tool_and_answers() -> None:
    calls.clear()
    result = _agent().invoke(
        {"messages": [HumanMessage("Use get_weather to find the weather in Paris.")]}
    )
    _check_run(result["messages"])
    assert len(calls) == 1


async def test_react_agent_async_streaming_model() -> None:
    calls.clear()
    result = await _agent(streaming=True).ainvoke(
        {"messages": [HumanMessage("Use get_weather to find the weather in Lisbon.")]}
    )
    _check_run(result["messages"])
    assert len(calls) == 1
