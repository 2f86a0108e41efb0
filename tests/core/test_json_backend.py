"""One JSON engine each way, whatever is installed: the standard library's encoder and
pydantic-core's parser. An optional orjson used to refuse bodies the standard library sends
(integer dict keys, the token ids of `logit_bias`), so the same call failed on some machines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from core_support import make_client as make_recording_client
from openrouter_kit import OpenRouter, _json
from openrouter_kit.errors import InvalidRequestError


def make_client() -> tuple[OpenRouter, Any]:
    return make_recording_client(
        lambda r: httpx.Response(200, json={"choices": [{"message": {"content": "ok"}}]})
    )


def test_integer_token_ids_in_logit_bias_go_out_as_json_keys() -> None:
    client, seen = make_client()
    client.chat.completions.create(
        model="m/x", messages=[{"role": "user", "content": "hi"}], logit_bias={50256: -100}
    )
    assert b'"logit_bias":{"50256":-100}' in seen.last.content


@pytest.mark.parametrize(
    ("value", "field"),
    [({"when": object()}, "when"), ({"blob": b"raw bytes"}, "blob"), ({"ids": {1, 2}}, "ids")],
)
def test_values_json_has_no_form_for_are_refused_before_sending(
    value: dict[str, Any], field: str
) -> None:
    client, seen = make_client()
    with pytest.raises(InvalidRequestError) as caught:
        client.chat.completions.create(
            model="m/x", messages=[{"role": "user", "content": "hi"}], extra_body=value
        )
    assert caught.value.field == field
    assert seen.requests == []


def test_loads_is_strict_json() -> None:
    assert _json.loads(b'{"a":[1,2.5,"\\u00e9",null,true]}') == {"a": [1, 2.5, "é", None, True]}
    for bad in (b"{not json", b'{"a":NaN}', b'{"a":Infinity}', b""):
        with pytest.raises(ValueError):
            _json.loads(bad)


def test_orjson_installed_or_not_changes_nothing() -> None:
    code = textwrap.dedent(
        """
        import sys
        import httpx
        from openrouter_kit import OpenRouter
        sent = []
        def handler(request):
            sent.append(request.content)
            return httpx.Response(200, json={"choices": [{"message": {"content": "fine"}}]})
        client = OpenRouter(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
        reply = client.chat.completions.create(
            model="m/x", messages=[{"role": "user", "content": "hé"}], logit_bias={1: 2}
        )
        assert reply.text == "fine"
        assert sys.modules.get("orjson") is None  # never imported
        print(sent[0].decode())
        """
    )
    outputs = []
    for prelude in ("", "import sys; sys.modules['orjson'] = None\n"):
        result = subprocess.run(
            [sys.executable, "-c", prelude + code], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert '"content":"hé"' in outputs[0] and '"logit_bias":{"1":2}' in outputs[0]
