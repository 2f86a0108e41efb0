"""Cassette-backed tests of the OAuth PKCE endpoints: POST /auth/keys/code and POST /auth/keys.

The verifier is RFC 7636 appendix B's, so requests are the same on every run (cassettes match on
the body). The key returned is a SecretStr (and is scrubbed from the cassette).
"""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import (  # noqa: F401 (fixtures)
    Kit,
    admin_fixture,
    http_fixture,
    kit_fixture,
    management_key_fixture,
    mode_fixture,
)
from openrouter_kit.errors import APIStatusError
from openrouter_kit.oauth import create_pkce
from openrouter_kit.types.auth import AuthCode, AuthKey
from pydantic import SecretStr

pytestmark = pytest.mark.vcr

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
# RFC 7636 appendix B. (The brief quoted "...CgoEPGRJ2Q9Ri7H6i6jJz7o"; SHA-256 and the RFC say this.)
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
CALLBACK = "https://app.example.com/oauth/callback"


async def test_auth_create_code_and_exchange_code(kit: Kit) -> None:
    pkce = create_pkce(VERIFIER)
    assert pkce.challenge == CHALLENGE
    code = await kit.run(
        kit.client.auth.create_code(
            callback_url=CALLBACK,
            code_challenge=pkce.challenge,
            code_challenge_method="S256",
            key_label="ci app",
            limit=5,
        )
    )
    assert kit.sent() == (
        "POST",
        "/auth/keys/code",
        {},
        {
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
            "key_label": "ci app",
            "limit": 5,
            "callback_url": CALLBACK,
        },
    )
    assert isinstance(code, AuthCode)
    assert code.data.id and isinstance(code.data.created_at, dt.datetime)

    result = await kit.run(
        kit.client.auth.exchange_code(
            code=code.data.id, code_verifier=pkce.verifier, code_challenge_method="S256"
        )
    )
    assert kit.sent() == (
        "POST",
        "/auth/keys",
        {},
        {"code": code.data.id, "code_verifier": VERIFIER, "code_challenge_method": "S256"},
    )
    assert isinstance(result, AuthKey) and isinstance(result.key, SecretStr)
    secret = result.key.get_secret_value()
    assert secret and secret not in repr(result) and secret not in str(result)
    assert result.user_id


async def test_auth_exchange_code_with_a_wrong_verifier_is_refused(kit: Kit) -> None:
    code = await kit.run(
        kit.client.auth.create_code(
            callback_url=CALLBACK, code_challenge=CHALLENGE, code_challenge_method="S256"
        )
    )
    with pytest.raises(APIStatusError) as caught:
        await kit.run(
            kit.client.auth.exchange_code(
                code=code.data.id, code_verifier="x" * 43, code_challenge_method="S256"
            )
        )
    assert caught.value.status_code in (400, 403)
