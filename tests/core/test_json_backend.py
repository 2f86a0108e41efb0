"""Without orjson (the `fast` extra) the client parses with pydantic-core and behaves the same."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_client_works_without_orjson() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["orjson"] = None  # as if the extra were not installed
        import base64, array, httpx
        from openrouter_kit import OpenRouter, errors
        from openrouter_kit import _json
        assert _json._orjson is None
        vec = base64.b64encode(array.array("f", [0.5, -2.0]).tobytes()).decode()
        def handler(request):
            if request.url.path.endswith("/embeddings"):
                return httpx.Response(200, json={"data": [{"index": 0, "embedding": vec}], "usage": {"cost": 1e-7}})
            if b"call_1" in request.content:  # a nested model was encoded by the stdlib encoder
                sent = request.content.decode()
                assert '"tool_calls":[{"id":"call_1"' in sent, sent
                return httpx.Response(200, json={"choices": [{"index": 0, "message": {"content": "fine"}}]})
            return httpx.Response(200, content=b"{not json")
        client = OpenRouter(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
        assert client.embeddings.create(model="e/x", input="a").vectors == [[0.5, -2.0]]
        from openrouter_kit.types import FunctionCall, ToolCall
        calls = [ToolCall(id="call_1", function=FunctionCall(name="f", arguments="{}"))]
        reply = client.chat.completions.create(
            model="m/x",
            messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": calls}],
        )
        assert reply.text == "fine"
        try:
            client.chat.completions.create(model="m/x", messages=[{"role": "user", "content": "hi"}])
        except errors.ResponseValidationError:
            print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
