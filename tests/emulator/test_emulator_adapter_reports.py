"""What adapter engineers reported, fixed in the emulator's deterministic "model":

1. ``tool_choice: auto`` calls the tool whose name/description the user turn clearly overlaps,
   and never after a tool result that answers (agent loops end);
2. ``json_object`` mode answers with the keys the prompt names;
3. streamed Anthropic reasoning_details end with the signature fragment, as real traffic does;
4. numbers in the user text fill numeric tool parameters in order ("6 and 7.");
5. after a tool result the answer comes from the result, never from the user's question.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from emulator_support import cassette, response_text, sse_payloads, validate
from openrouter_kit_emulator.answer import name_words, prompt_keys

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather at a location.",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}
MULTIPLY = {
    "type": "function",
    "function": {
        "name": "multiply",
        "description": "Multiply two integers.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    },
}
STOCK = {
    "type": "function",
    "function": {
        "name": "lookupStockPrice",
        "description": "Latest trading price of a company share on the stock exchange.",
        "parameters": {
            "type": "object",
            "properties": {"ticker": {"type": "string"}},
            "required": ["ticker"],
        },
    },
}
PAI = "pydantic__pydantic-ai/tests/models/cassettes/test_openrouter/"


def _ask(client: httpx.Client, **body: Any) -> dict[str, Any]:
    body.setdefault("model", "openai/gpt-4o-mini")
    r = client.post("/chat/completions", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _message(answer: dict[str, Any]) -> dict[str, Any]:
    return dict(answer["choices"][0]["message"])


def _calls(answer: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in _message(answer).get("tool_calls") or []
    ]


def _after_tool(
    client: httpx.Client, user: str, tools: list[dict[str, Any]], result: str, **body: Any
) -> dict[str, Any]:
    """Ask, run the (first) tool call with ``result``, and ask again with the result."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
    first = _ask(client, messages=messages, tools=tools, **body)
    call = _message(first)["tool_calls"][0]
    messages += [
        _message(first),
        {"role": "tool", "tool_call_id": call["id"], "content": result},
    ]
    return _ask(client, messages=messages, tools=tools, **body)


# 1. tool choice "auto" -------------------------------------------------------------------
def test_name_words_split_snake_and_camel_case_and_drop_generic_verbs() -> None:
    assert name_words("get_weather") == {"weather"}
    assert name_words("lookupStockPrice") == {"stock", "price"}
    assert name_words("fetchHTTPHeaders") == {"http", "header"}
    assert name_words("get") == frozenset()


def test_auto_calls_the_tool_whose_name_the_question_overlaps(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[{"role": "user", "content": "What is the weather in San Francisco, CA?"}],
        tools=[MULTIPLY, WEATHER],
    )
    assert answer["choices"][0]["finish_reason"] == "tool_calls"
    [(name, args)] = _calls(answer)
    assert name == "get_weather" and args == {"location": "San Francisco"}
    validate(WEATHER["function"]["parameters"], args)


def test_auto_matches_camel_case_names_and_description_words(client: httpx.Client) -> None:
    by_name = _ask(
        client,
        messages=[{"role": "user", "content": "What's the stock price of ACME?"}],
        tools=[WEATHER, STOCK],
    )
    assert [name for name, _ in _calls(by_name)] == ["lookupStockPrice"]
    # no name word, but two description words ("trading", "share")
    by_description = _ask(
        client,
        messages=[{"role": "user", "content": "How is the ACME share trading today?"}],
        tools=[WEATHER, STOCK],
    )
    assert [name for name, _ in _calls(by_description)] == ["lookupStockPrice"]


def test_a_tool_is_named_as_a_word_not_inside_one(client: httpx.Client) -> None:
    add = {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Sum two integers.",
            "parameters": {"type": "object", "properties": {}},
        },
    }
    inside = _ask(
        client, messages=[{"role": "user", "content": "What is my address?"}], tools=[add]
    )
    assert "tool_calls" not in _message(inside)
    named = _ask(client, messages=[{"role": "user", "content": "Please add 2 and 3."}], tools=[add])
    assert _calls(named) == [("add", {})]


def test_auto_does_not_call_on_a_weak_or_no_overlap(client: httpx.Client) -> None:
    for question in ("Tell me a joke", "Which company makes the best cheese?"):
        answer = _ask(
            client, messages=[{"role": "user", "content": question}], tools=[WEATHER, STOCK]
        )
        assert answer["choices"][0]["finish_reason"] == "stop", question
        assert "tool_calls" not in _message(answer)


def test_auto_picks_the_best_overlapping_tool_whatever_the_order(client: httpx.Client) -> None:
    forecast = {
        "type": "function",
        "function": {
            "name": "weather_forecast",
            "description": "Forecast for the next days.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    question = [{"role": "user", "content": "What's the forecast for the weather in Oslo?"}]
    for tools in ([WEATHER, forecast], [forecast, WEATHER]):
        answer = _ask(client, messages=question, tools=tools)
        assert _calls(answer) == [("weather_forecast", {"city": "Oslo"})]  # two name words win
    # a tie goes to the tool declared first
    tie = [{"role": "user", "content": "Is the weather nice in Oslo?"}]
    for tools in ([WEATHER, forecast], [forecast, WEATHER]):
        answer = _ask(client, messages=tie, tools=tools)
        assert _calls(answer)[0][0] == tools[0]["function"]["name"]


def test_agent_loop_ends_after_the_tool_result(client: httpx.Client) -> None:
    second = _after_tool(
        client, "What is the weather in San Francisco, CA?", [WEATHER], "It's sunny."
    )
    assert second["choices"][0]["finish_reason"] == "stop"
    assert "tool_calls" not in _message(second)
    assert _message(second)["content"] == "It's sunny."


def test_after_a_result_only_another_named_tool_is_called(client: httpx.Client) -> None:
    """Chained calls: a tool the user named and that has not run yet is still called."""
    user = "Use get_weather for Oslo, then use multiply on 6 and 7."
    messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
    for result in ("Rainy, 8 degrees.", "42"):
        answer = _ask(client, messages=messages, tools=[WEATHER, MULTIPLY])
        call = _message(answer)["tool_calls"][0]
        messages += [
            _message(answer),
            {"role": "tool", "tool_call_id": call["id"], "content": result},
        ]
    names = [m["tool_calls"][0]["function"]["name"] for m in messages if m.get("tool_calls")]
    assert names == ["get_weather", "multiply"]
    final = _ask(client, messages=messages, tools=[WEATHER, MULTIPLY])
    assert final["choices"][0]["finish_reason"] == "stop"


# 2. json_object mode -----------------------------------------------------------------------
def test_prompt_keys() -> None:
    assert prompt_keys("Return a JSON object with keys 'setup' and 'punchline'") == [
        "setup",
        "punchline",
    ]
    assert prompt_keys('Use the fields "title", `year` and “rating”.') == [
        "title",
        "year",
        "rating",
    ]
    assert prompt_keys("Reply in JSON with keys name, age and city.") == ["name", "age", "city"]
    assert prompt_keys("The user's 'mood' is irrelevant here.") == []  # no key/field wording


@pytest.mark.parametrize(
    "prompt",
    [
        "Tell me a joke about cats. Return the result as a JSON with 'setup' and 'punchline' "
        "keys. Return nothing other than JSON.",
        "Return a JSON object with keys 'setup' and 'punchline' for a joke about cats.",
    ],
)
def test_json_object_uses_the_keys_the_prompt_names(client: httpx.Client, prompt: str) -> None:
    answer = _ask(
        client,
        messages=[{"role": "user", "content": prompt}],
        response_format={"type": "json_object"},
    )
    data = json.loads(_message(answer)["content"])
    assert list(data) == ["setup", "punchline"]
    assert all(isinstance(v, str) and "cats" in v for v in data.values())


def test_json_object_keys_from_the_system_prompt_with_typed_values(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[
            {
                "role": "system",
                "content": "Answer in JSON with the fields 'name', 'age' and 'is_student'.",
            },
            {"role": "user", "content": "Ada Lovelace is 36."},
        ],
        response_format={"type": "json_object"},
    )
    assert json.loads(_message(answer)["content"]) == {
        "name": "Ada Lovelace",
        "age": 36,
        "is_student": True,
    }


def test_json_object_follows_a_written_out_example(client: httpx.Client) -> None:
    prompt = 'Describe Paris as JSON like {"city": "", "population": 0, "tags": []}'
    answer = _ask(
        client,
        messages=[{"role": "user", "content": prompt}],
        response_format={"type": "json_object"},
    )
    data = json.loads(_message(answer)["content"])
    assert list(data) == ["city", "population", "tags"]
    assert data["city"] == "Paris" and isinstance(data["population"], int)
    assert isinstance(data["tags"], list) and data["tags"]


def test_json_object_follows_a_schema_in_format_instructions(client: httpx.Client) -> None:
    """Output-parser instructions (LangChain's PydanticOutputParser): an example schema, then
    the real one; the answer has the real schema's properties, typed, and no schema words."""
    instructions = (
        "The output should be formatted as a JSON instance that conforms to the JSON schema "
        'below.\n\nAs an example, for the schema {"properties": {"foo": {"type": "array", '
        '"items": {"type": "string"}}}, "required": ["foo"]} the object {"foo": ["bar", "baz"]} '
        "is a well-formatted instance of the schema.\n\nHere is the output schema:\n```\n"
        + json.dumps(
            {
                "properties": {
                    "setup": {"description": "question to set up a joke", "type": "string"},
                    "punchline": {"description": "answer to resolve the joke", "type": "string"},
                    "rating": {"description": "from 1 to 10", "type": "integer"},
                },
                "required": ["setup", "punchline", "rating"],
            }
        )
        + "\n```"
    )
    answer = _ask(
        client,
        messages=[
            {"role": "user", "content": f"Tell me a joke about dogs, rated 7.\n{instructions}"}
        ],
        response_format={"type": "json_object"},
    )
    assert json.loads(_message(answer)["content"]) == {
        "setup": "A setup about dogs.",
        "punchline": "A punchline about dogs.",
        "rating": 7,
    }


def test_json_object_puts_the_extractive_answer_in_an_answer_key(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[
            {"role": "system", "content": "Mount Everest is 8849 metres high."},
            {
                "role": "user",
                "content": "How high is Mount Everest? Reply with keys 'answer' and 'unit'.",
            },
        ],
        response_format={"type": "json_object"},
    )
    data = json.loads(_message(answer)["content"])
    assert data["answer"] == "Mount Everest is 8849 metres high."
    assert set(data) == {"answer", "unit"}


def test_json_object_without_named_keys_keeps_the_answer_object(client: httpx.Client) -> None:
    answer = _ask(
        client,
        messages=[{"role": "user", "content": "What is 2 + 3?"}],
        response_format={"type": "json_object"},
    )
    assert json.loads(_message(answer)["content"]) == {"answer": "5"}


# 3. Anthropic reasoning stream ends with the signature ----------------------------------
def test_streamed_anthropic_reasoning_ends_with_the_signature(client: httpx.Client) -> None:
    real = sse_payloads(
        response_text(cassette(PAI + "test_openrouter_streaming_reasoning.yaml")[0])
    )
    real_details = [
        c["choices"][0]["delta"]["reasoning_details"][0]
        for c in real
        if c.get("choices") and c["choices"][0]["delta"].get("reasoning_details")
    ]
    real_signature = real_details[-1]
    assert set(real_signature) == {"type", "signature", "format", "index"}

    body = {
        "model": "anthropic/claude-sonnet-4.5",
        "messages": [{"role": "user", "content": "What is 2+2?"}],
        "reasoning": {"effort": "low"},
    }
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as r:
        chunks = sse_payloads(r.read().decode())
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    with_details = [d for d in deltas if d.get("reasoning_details")]
    *texts, last = with_details
    assert texts and all("signature" not in d["reasoning_details"][0] for d in texts)
    assert last["reasoning"] is None
    detail = last["reasoning_details"][0]
    assert set(detail) == set(real_signature)
    assert detail["format"] == "anthropic-claude-v1" and detail["signature"]
    # the signature closes the reasoning: text content only follows it
    assert deltas.index(last) < next(i for i, d in enumerate(deltas) if d.get("content"))
    # the same signature as the non-streamed answer, and the same reasoning text
    whole = _message(_ask(client, **body))
    assert whole["reasoning_details"][0]["signature"] == detail["signature"]
    assert "".join(d["reasoning"] for d in texts) == whole["reasoning"]


def test_non_anthropic_reasoning_streams_carry_no_signature(client: httpx.Client) -> None:
    body = {
        "model": "deepseek/deepseek-r1-0528",
        "messages": [{"role": "user", "content": "hi"}],
        "reasoning": {"effort": "low"},
        "stream": True,
    }
    with client.stream("POST", "/chat/completions", json=body) as r:
        chunks = sse_payloads(r.read().decode())
    details = [
        d
        for c in chunks
        if c["choices"]
        for d in c["choices"][0]["delta"].get("reasoning_details") or []
    ]
    assert details and all("signature" not in d for d in details)


# 4. numbers fill numeric parameters in order ----------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Please multiply 6 and 7.", {"a": 6, "b": 7}),
        ("Please multiply 6 and 7", {"a": 6, "b": 7}),
        ("Multiply -2.5 by 4.", {"a": -2, "b": 4}),  # integers round, the sign stays
        ("What is 12 times 3? Use multiply.", {"a": 12, "b": 3}),
    ],
)
def test_numbers_fill_numeric_params_in_order(
    client: httpx.Client, prompt: str, expected: dict[str, int]
) -> None:
    answer = _ask(client, messages=[{"role": "user", "content": prompt}], tools=[MULTIPLY])
    assert _calls(answer) == [("multiply", expected)]


# 5. the answer after a tool result comes from the result ---------------------------------
@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("42", "The result is 42."),
        ('{"result": 42}', "The result is 42."),
        ("6 * 7 = 42", "6 * 7 = 42"),
        ("", "The tool returned no result."),
    ],
)
def test_answer_after_a_tool_result_is_from_the_result(
    client: httpx.Client, result: str, expected: str
) -> None:
    second = _after_tool(client, "Please multiply 6 and 7.", [MULTIPLY], result)
    text = _message(second)["content"]
    assert text == expected
    assert "multiply 6 and 7" not in text.lower()  # never the user's own question


def test_parallel_tool_results_are_all_reported(client: httpx.Client) -> None:
    first_id, second_id = "call_first", "call_second"
    messages = [
        {"role": "user", "content": "Please multiply 6 and 7, and 2 and 3."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": i,
                    "type": "function",
                    "function": {"name": "multiply", "arguments": "{}"},
                }
                for i in (first_id, second_id)
            ],
        },
        {"role": "tool", "tool_call_id": first_id, "content": "42"},
        {"role": "tool", "tool_call_id": second_id, "content": "6"},
    ]
    answer = _ask(client, messages=messages, tools=[MULTIPLY])
    assert _message(answer)["content"] == "The results are 42 and 6."


def test_long_tool_output_is_quoted_by_its_best_sentence(client: httpx.Client) -> None:
    report = (
        "Oslo: rainy, 8 degrees. Rome: sunny and 24 degrees. "
        "Lisbon: windy, 17 degrees. Forecast provided by the test suite."
    )
    second = _after_tool(client, "What is the weather in Rome?", [WEATHER], report)
    assert _message(second)["content"] == "Rome: sunny and 24 degrees."


def test_the_same_conversation_gets_the_same_answer(client: httpx.Client) -> None:
    first = _after_tool(client, "What is the weather in Rome?", [WEATHER], "Sunny.")
    second = _after_tool(client, "What is the weather in Rome?", [WEATHER], "Sunny.")
    assert _message(first)["content"] == _message(second)["content"] == "Sunny."


def test_messages_and_responses_agent_loops_behave_the_same(client: httpx.Client) -> None:
    """/messages (tool_result inside a user turn) and /responses (function_call_output)."""
    tool = {"name": "multiply", "description": "Multiply two integers."}
    schema = MULTIPLY["function"]["parameters"]
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Please multiply 6 and 7."}]
    body = {"model": "anthropic/claude-sonnet-4.5", "max_tokens": 100}
    body["tools"] = [{**tool, "input_schema": schema}]
    first = client.post("/messages", json={**body, "messages": messages}).json()
    [use] = [b for b in first["content"] if b["type"] == "tool_use"]
    assert (use["name"], use["input"], first["stop_reason"]) == (
        "multiply",
        {"a": 6, "b": 7},
        "tool_use",
    )
    messages += [
        {"role": "assistant", "content": first["content"]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": use["id"], "content": "42"}],
        },
    ]
    second = client.post("/messages", json={**body, "messages": messages}).json()
    assert second["content"] == [{"type": "text", "text": "The result is 42.", "citations": None}]

    tools = [{"type": "function", **tool, "parameters": schema}]
    question = {"role": "user", "content": "Please multiply 6 and 7."}
    first = client.post(
        "/responses", json={"model": "openai/gpt-4o-mini", "input": [question], "tools": tools}
    ).json()
    [call] = [o for o in first["output"] if o["type"] == "function_call"]
    assert json.loads(call["arguments"]) == {"a": 6, "b": 7}
    output = {"type": "function_call_output", "call_id": call["call_id"], "output": "42"}
    second = client.post(
        "/responses",
        json={"model": "openai/gpt-4o-mini", "input": [question, call, output], "tools": tools},
    ).json()
    assert [o["type"] for o in second["output"]] == ["message"]
    assert second["output"][0]["content"][0]["text"] == "The result is 42."
