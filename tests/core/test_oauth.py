"""The PKCE helper (RFC 7636) and the auth URL, and masking of the keys the OAuth and key APIs return."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from core_support import make_client
from openrouter_kit.errors import InvalidRequestError
from openrouter_kit.oauth import AUTH_URL, auth_url, code_challenge, create_pkce, create_verifier
from openrouter_kit.types.auth import AuthKey
from openrouter_kit.types.keys import CreatedKey

# RFC 7636 appendix B: 32 random octets, their base64url verifier, and its S256 challenge.
RFC_OCTETS = bytes(
    [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
     22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
)  # fmt: skip
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
SECRET = "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"


def test_rfc7636_appendix_b_vector() -> None:
    assert base64.urlsafe_b64encode(RFC_OCTETS).rstrip(b"=").decode() == RFC_VERIFIER
    assert code_challenge(RFC_VERIFIER) == RFC_CHALLENGE
    pkce = create_pkce(RFC_VERIFIER)
    assert (pkce.verifier, pkce.challenge, pkce.method) == (RFC_VERIFIER, RFC_CHALLENGE, "S256")


def test_plain_challenge_is_the_verifier() -> None:
    assert code_challenge(RFC_VERIFIER, "plain") == RFC_VERIFIER


def test_fresh_verifiers_are_random_unreserved_and_match_their_challenge() -> None:
    seen = set()
    for length in (43, 64, 128):
        pkce = create_pkce(create_verifier(length))
        assert len(pkce.verifier) == length
        assert re.fullmatch(r"[A-Za-z0-9\-._~]+", pkce.verifier)
        digest = hashlib.sha256(pkce.verifier.encode()).digest()
        assert pkce.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        assert "=" not in pkce.challenge and len(pkce.challenge) == 43
        seen.add(pkce.verifier)
    assert len(seen) == 3
    assert create_pkce().verifier != create_pkce().verifier


def test_pkce_repr_hides_the_verifier() -> None:
    pkce = create_pkce(RFC_VERIFIER)
    assert RFC_VERIFIER not in repr(pkce) and RFC_CHALLENGE in repr(pkce)


@pytest.mark.parametrize("bad", ["short", "x" * 129, "has space" + "x" * 40, "ü" * 43])
def test_invalid_verifiers_are_refused(bad: str) -> None:
    with pytest.raises(InvalidRequestError, match="code_verifier"):
        code_challenge(bad)


@pytest.mark.parametrize("length", [42, 129])
def test_verifier_length_is_bounded(length: int) -> None:
    with pytest.raises(InvalidRequestError):
        create_verifier(length)


def test_auth_url_carries_callback_and_challenge() -> None:
    url = auth_url("https://app.example.com/cb?x=1&y=2", RFC_CHALLENGE)
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == AUTH_URL == "https://openrouter.ai/auth"
    )
    assert parse_qs(parts.query) == {
        "callback_url": ["https://app.example.com/cb?x=1&y=2"],
        "code_challenge": [RFC_CHALLENGE],
        "code_challenge_method": ["S256"],
    }
    assert url.startswith(
        "https://openrouter.ai/auth?callback_url=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1%26y%3D2"
        f"&code_challenge={RFC_CHALLENGE}&code_challenge_method=S256"
    )


def test_auth_url_without_pkce_and_with_a_bad_callback() -> None:
    assert (
        auth_url("https://a.example/cb")
        == "https://openrouter.ai/auth?callback_url=https%3A%2F%2Fa.example%2Fcb"
    )
    with pytest.raises(InvalidRequestError, match="callback_url"):
        auth_url("javascript:alert(1)")


# -- secrets returned by POST /keys and POST /auth/keys ------------------------------------


def _assert_masked(model: object, caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("test").warning("result: %s / %r", model, model)
    for text in (repr(model), str(model), f"{model}", caplog.text):
        assert SECRET not in text
        assert "sk-or-v1-4f1a" not in text
    assert "**********" in repr(model)


def test_exchange_code_key_is_masked_but_retrievable(caplog: pytest.LogCaptureFixture) -> None:
    client, seen = make_client(
        lambda request: httpx.Response(200, json={"key": SECRET, "user_id": "user_1"})
    )
    result = client.auth.exchange_code(
        code="abc", code_verifier=RFC_VERIFIER, code_challenge_method="S256"
    )
    assert seen.last_json() == {
        "code": "abc",
        "code_verifier": RFC_VERIFIER,
        "code_challenge_method": "S256",
    }
    assert isinstance(result, AuthKey)
    _assert_masked(result, caplog)
    assert SECRET not in result.model_dump_json() and SECRET not in json.dumps(result.to_dict())
    assert result.key is not None and result.key.get_secret_value() == SECRET


def test_created_key_is_masked_but_retrievable(caplog: pytest.LogCaptureFixture) -> None:
    body = {"data": {"hash": "h1", "name": "n", "label": "sk-or-v1-4f1...7f8"}, "key": SECRET}
    client, _ = make_client(lambda request: httpx.Response(201, json=body))
    result = client.keys.create(name="n")
    assert isinstance(result, CreatedKey)
    _assert_masked(result, caplog)
    assert result.key is not None and result.key.get_secret_value() == SECRET
    assert result.data is not None and result.data.hash == "h1"
