"""Every status the spec lists maps to its own error class with OpenRouter's fields intact."""

from __future__ import annotations

import json

import httpx
import pytest
from core_support import make_client
from openrouter_kit import errors
from openrouter_kit.types import ChatCompletion

MESSAGES = [{"role": "user", "content": "Hi"}]

CLASSES = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    402: errors.PaymentRequiredError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    408: errors.RequestTimeoutError,
    409: errors.ConflictError,
    413: errors.PayloadTooLargeError,
    422: errors.UnprocessableEntityError,
    429: errors.RateLimitError,
    500: errors.InternalServerError,
    502: errors.BadGatewayError,
    503: errors.ServiceUnavailableError,
    524: errors.EdgeTimeoutError,
    529: errors.ProviderOverloadedError,
}


@pytest.mark.parametrize("status", sorted(CLASSES))
def test_status_maps_to_class_with_fields(status: int) -> None:
    body = {
        "error": {
            "code": status,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Google", "raw": "upstream said no"},
        },
        "user_id": "user_2x",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, json=body, headers={"x-generation-id": "gen-9-x", "cf-ray": "abc"}
        )

    client, seen = make_client(handler, max_retries=0)
    with pytest.raises(CLASSES[status]) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    error = info.value
    assert isinstance(error, errors.APIStatusError) and isinstance(error, errors.APIError)
    assert error.status_code == status
    assert error.code == status
    assert error.message == "Provider returned error"
    assert error.provider_name == "Google"
    assert error.raw == "upstream said no"
    assert error.metadata["provider_name"] == "Google"
    assert error.generation_id == "gen-9-x"
    assert error.headers["cf-ray"] == "abc"
    assert "Google" in str(error) and str(status) in str(error)
    assert len(seen.requests) == 1


def test_unknown_5xx_is_internal_server_error_and_plain_text_body() -> None:
    client, _ = make_client(lambda r: httpx.Response(599, text="<html>oops</html>"), max_retries=0)
    with pytest.raises(errors.InternalServerError, match="oops"):
        client.chat.completions.create(model="m/x", messages=MESSAGES)


def test_error_in_200_body_raises_matching_error_not_validation() -> None:
    body = {
        "error": {
            "code": 402,
            "message": "This request requires more credits",
            "metadata": {"limit_source": "openrouter_credits"},
        }
    }
    client, _ = make_client(lambda r: httpx.Response(200, json=body))
    with pytest.raises(errors.PaymentRequiredError) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert info.value.metadata["limit_source"] == "openrouter_credits"
    # the text names the status the body gives, like status_code (it said "Error code: 200")
    assert info.value.status_code == 402
    assert str(info.value).startswith("Error code: 402 - This request requires more credits")


def test_error_with_string_code_in_200_body() -> None:
    body = {
        "error": {"code": "invalid_prompt", "message": "Invalid Responses API request"},
        "metadata": {"raw": "x"},
    }
    client, _ = make_client(lambda r: httpx.Response(200, json=body))
    with pytest.raises(errors.APIError) as info:
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert info.value.code == "invalid_prompt"
    assert info.value.raw == "x"


def test_malformed_success_body_is_response_validation_error() -> None:
    client, _ = make_client(lambda r: httpx.Response(200, content=b"{not json"))
    with pytest.raises(errors.ResponseValidationError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
    client, _ = make_client(lambda r: httpx.Response(200, json={"choices": "nope"}))
    with pytest.raises(errors.ResponseValidationError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)


def test_unknown_fields_are_kept() -> None:
    body = {
        "id": "g",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "x", "brand_new": 1}}],
        "new_top": {"a": 1},
    }
    client, _ = make_client(lambda r: httpx.Response(200, json=body))
    result = client.chat.completions.create(model="m/x", messages=MESSAGES)
    assert isinstance(result, ChatCompletion)
    assert result.new_top == {"a": 1}  # type: ignore[attr-defined]
    assert result.choices[0].message.model_extra == {"brand_new": 1}
    assert json.loads(result.model_dump_json())["new_top"] == {"a": 1}


def test_connection_and_timeout_errors_are_typed() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    client, _ = make_client(refuse, max_retries=0)
    with pytest.raises(errors.APIConnectionError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    client, _ = make_client(slow, max_retries=0)
    with pytest.raises(errors.APITimeoutError):
        client.chat.completions.create(model="m/x", messages=MESSAGES)
