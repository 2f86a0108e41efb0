"""Cassettes: nothing secret in any of them, every endpoint has one, and recording scrubs.

- Every file under cassettes/ is scanned for anything that looks like a secret: an `sk-or-`
  key, a bearer token, an authorization, cookie or api-key header, or the `key` field of a
  POST /keys or POST /auth/keys answer (OpenRouter shows a new key once, in that field).
- Every one of the 39 endpoints of the endpoint table is called in at least one cassette,
  and every cassette belongs to a test that exists (no orphan recordings).
- Recording goes through the root conftest's scrubbers: a recording made here, with real
  secrets in the traffic, comes out without them.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openrouter_kit._endpoints import ENDPOINTS, GENERATED

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
TESTS = ROOT / "tests"

SK_OR = re.compile(r"sk-or-(?!REDACTED)[A-Za-z0-9_-]{12,}")
BEARER = re.compile(r"(?i)bearer\s+(?!REDACTED|\[REDACTED\]|<)[A-Za-z0-9._~+/=-]{8,}")
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization"}
)
SECRET_HEADER_LINE = re.compile(
    r"(?im)^\s*-?\s*['\"]?(authorization|cookie|set-cookie|x-api-key)['\"]?\s*:"
)
KEY_ISSUERS = {("POST", "/keys"), ("POST", "/auth/keys")}


def cassette_files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.is_file())


def _interactions(path: Path) -> list[dict[str, Any]]:
    if path.suffix not in (".yaml", ".yml"):
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data.get("interactions", [])) if isinstance(data, dict) else []


def _api_path(uri: str) -> str:
    return httpx.URL(uri).path.removeprefix("/api/v1")


def _body_text(body: Any) -> str:
    if isinstance(body, dict):
        body = body.get("string", "")
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body or ""


def secrets_in(path: Path) -> list[str]:
    """What in one cassette file looks like a secret (empty when clean)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [f"sk-or key {m.group()[:12]}..." for m in SK_OR.finditer(text)]
    found += [f"bearer token {m.group()[:14]}..." for m in BEARER.finditer(text)]
    found += [f"{m.group(1)} header" for m in SECRET_HEADER_LINE.finditer(text)]
    for n, interaction in enumerate(_interactions(path)):
        request, response = interaction.get("request", {}), interaction.get("response", {})
        for where, headers in (
            ("request", request.get("headers")),
            ("response", response.get("headers")),
        ):
            for name in headers or {}:
                if name.lower() in SECRET_HEADERS:
                    found.append(f"#{n} {where} header {name}")
        if (request.get("method", "").upper(), _api_path(request.get("uri", ""))) in KEY_ISSUERS:
            try:
                payload = json.loads(_body_text(response.get("body")) or "null")
            except ValueError:
                payload = None
            for holder in (payload, payload.get("data") if isinstance(payload, dict) else None):
                if isinstance(holder, dict) and holder.get("key") not in (None, "REDACTED"):
                    found.append(
                        f"#{n} the key field of {request['method']} {_api_path(request['uri'])}"
                    )
    return found


FILES = cassette_files()


def test_there_are_cassettes() -> None:
    assert len(FILES) >= 39


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CASSETTES)) for p in FILES])
def test_cassette_holds_no_secret(path: Path) -> None:
    assert secrets_in(path) == []


def test_the_scanner_finds_each_kind_of_secret(tmp_path: Path) -> None:
    """The scanner itself, on a cassette that leaks in every way it looks for."""
    leaky = {
        "interactions": [
            {
                "request": {
                    "method": "POST",
                    "uri": "https://openrouter.ai/api/v1/keys",
                    "headers": {"Authorization": ["Bearer abcdefgh12345678"]},
                    "body": "",
                },
                "response": {
                    "status": {"code": 201},
                    "headers": {"Set-Cookie": ["__cf_bm=xyz"]},
                    "body": {
                        "string": json.dumps(
                            {"data": {"hash": "h"}, "key": "sk-or-v1-" + "ab" * 32}
                        )
                    },
                },
            },
            {
                "request": {
                    "method": "POST",
                    "uri": "https://openrouter.ai/api/v1/auth/keys",
                    "body": "",
                },
                "response": {
                    "status": {"code": 200},
                    "body": {"string": '{"key": "opaque-secret"}'},
                },
            },
        ]
    }
    path = tmp_path / "leaky.yaml"
    path.write_text(yaml.safe_dump(leaky))
    found = " | ".join(secrets_in(path))
    for expected in (
        "sk-or key",
        "bearer token",
        "request header Authorization",
        "response header Set-Cookie",
        "the key field of POST /keys",
        "the key field of POST /auth/keys",
    ):
        assert expected in found
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        yaml.safe_dump(
            {
                "interactions": [
                    {
                        "request": {
                            "uri": "x",
                            "body": '{"label": "sk-or-v1-3f7...616", "key": "REDACTED"}',
                        },
                        "response": {},
                    }
                ]
            }
        )
    )
    assert secrets_in(clean) == []


# -- coverage -----------------------------------------------------------------------------


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$")


def endpoint_of(method: str, path: str) -> str | None:
    """The endpoint a request calls; the template with most literal segments wins."""
    matches = [
        (sum(not part.startswith("{") for part in e.path.split("/")), name)
        for name, e in ENDPOINTS.items()
        if e.method == method.upper() and _pattern(e.path).match(path)
    ]
    return max(matches)[1] if matches else None


def _covered() -> dict[str, list[str]]:
    covered: dict[str, list[str]] = {name: [] for name in ENDPOINTS}
    for path in FILES:
        for interaction in _interactions(path):
            request = interaction.get("request", {})
            uri = request.get("uri", "")
            if "openrouter" not in uri and "/api/v1/" not in uri:
                continue
            name = endpoint_of(request.get("method", "GET"), _api_path(uri))
            if name is not None:
                covered[name].append(str(path.relative_to(CASSETTES)))
    return covered


COVERED = _covered()


# The 39 hand-written endpoints have recorded cassettes; the operations added from the OpenAPI
# document are checked against the document's own examples (tests/contract/test_spec_drift.py).
RECORDED = sorted(set(ENDPOINTS) - GENERATED)


def test_the_hand_written_endpoints_are_the_39() -> None:
    assert len(RECORDED) == 39


@pytest.mark.parametrize("name", RECORDED)
def test_endpoint_has_a_cassette(name: str) -> None:
    endpoint = ENDPOINTS[name]
    assert COVERED[name], f"no cassette calls {endpoint.method} {endpoint.path} ({name})"


def test_every_cassette_belongs_to_an_existing_test() -> None:
    orphans = []
    for path in FILES:
        relative = path.relative_to(CASSETTES)
        module = TESTS / relative.parent.with_suffix(".py")
        test_name = relative.stem.split("[", 1)[0]
        owner, _, method = test_name.rpartition(".")
        # Class.test_x: the class is in the module (the method may come from a base suite)
        wanted = rf"class {re.escape(owner)}\b" if owner else rf"def {re.escape(method)}\("
        if not module.exists():
            orphans.append(f"{relative}: no module {module.relative_to(ROOT)}")
        elif not re.search(wanted, module.read_text(encoding="utf-8")):
            orphans.append(f"{relative}: no test {test_name} in {module.relative_to(ROOT)}")
    assert orphans == []


# -- recording scrubs ---------------------------------------------------------------------


def _root_conftest() -> Any:
    spec = importlib.util.spec_from_file_location("_root_conftest_for_scrub", ROOT / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recording_scrubs_keys_and_credentials(tmp_path: Path) -> None:
    """Record real-looking traffic with the root conftest's vcr config: no secret is written."""
    import vcr

    conftest = _root_conftest()
    fixture = conftest.vcr_config
    config = (getattr(fixture, "__wrapped__", None) or fixture.__pytest_wrapped__.obj)()
    secret = "sk-or-v1-" + "0123456789abcdef" * 4

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/keys"):
            return httpx.Response(200, json={"key": secret, "user_id": "user_1"})
        return httpx.Response(
            201,
            json={"data": {"hash": "abc", "label": "sk-or-v1-012...def"}, "key": secret},
            headers={"set-cookie": "__cf_bm=cookie-value; path=/"},
        )

    recorder = vcr.VCR(**config, record_mode="all")
    cassette = tmp_path / "recorded.yaml"
    with (
        recorder.use_cassette(str(cassette)),
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
    ):
        for path in ("/keys", "/auth/keys"):
            http.post(
                "https://openrouter.ai/api/v1" + path,
                headers={"Authorization": f"Bearer {secret}", "Cookie": "session=abc"},
                json={"name": "k", "note": f"my key is {secret}"},
            )
    assert cassette.exists()
    assert secrets_in(cassette) == []
    assert secret not in cassette.read_text()
