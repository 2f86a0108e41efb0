"""Clients share one verified TLS context: loading the CA bundle costs ~0.8 MB per context,
and a sync and an async client (every framework adapter holds both) would each pay for it."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest
from openrouter_kit import AsyncOpenRouter, OpenRouter

KEY = "sk-or-v1-tls-test"


def ssl_context_of(http: httpx.Client | httpx.AsyncClient) -> ssl.SSLContext:
    pool: Any = http._transport._pool  # type: ignore[union-attr]  # httpcore's pool holds it
    context = pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


def test_sync_and_async_clients_share_one_verifying_context() -> None:
    sync_client = OpenRouter(api_key=KEY)
    async_client = AsyncOpenRouter(api_key=KEY)
    shared = ssl_context_of(sync_client._http)
    assert ssl_context_of(async_client._http) is shared
    assert ssl_context_of(OpenRouter(api_key=KEY)._http) is shared
    # still httpx's default: certificates and host names are checked
    assert shared.verify_mode is ssl.CERT_REQUIRED
    assert shared.check_hostname is True
    assert shared.cert_store_stats()["x509_ca"] > 50  # certifi's bundle


def test_each_event_loops_pool_reuses_the_context() -> None:
    client = AsyncOpenRouter(api_key=KEY)
    first = ssl_context_of(client._http)

    async def pool_context() -> ssl.SSLContext:
        return ssl_context_of(client._pool())

    contexts = [asyncio.run(pool_context()) for _ in range(2)]
    assert contexts[0] is first and contexts[1] is first


def test_ssl_cert_file_is_still_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundle = Path(certifi.where()).read_text()
    one_ca = bundle[bundle.index("-----BEGIN CERTIFICATE-----") :]
    one_ca = one_ca[: one_ca.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    cafile = tmp_path / "one-ca.pem"
    cafile.write_text(one_ca + "\n")
    default = ssl_context_of(OpenRouter(api_key=KEY)._http)
    monkeypatch.setenv("SSL_CERT_FILE", str(cafile))
    context = ssl_context_of(OpenRouter(api_key=KEY)._http)
    assert context is not default
    assert context.cert_store_stats()["x509_ca"] == 1


def test_a_callers_http_client_keeps_its_own_tls_settings() -> None:
    own = httpx.Client(verify=False)
    client = OpenRouter(api_key=KEY, http_client=own)
    assert client._http is own
    assert ssl_context_of(own).verify_mode is ssl.CERT_NONE
