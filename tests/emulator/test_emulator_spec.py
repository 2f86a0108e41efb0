"""Every operation of the vendored OpenAPI document, served by the in-process emulator.

Each operation is sent its documented example request (or a minimal valid one) with raw
httpx through ``EmulatorTransport``; the answer must carry the documented 2xx status and a
body valid against the documented response schema (binary answers: the documented media
type and real bytes). Path parameters point at resources created first, as a user would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from emulator_support import BASE_URL
from openrouter_kit_emulator import Emulator, EmulatorTransport
from spec_document import operations, request_example, success, validator

OPS = operations()
INFERENCE_PATHS = (
    "/chat/completions",
    "/responses",
    "/messages",
    "/embeddings",
    "/rerank",
    "/images",
    "/audio/",
    "/videos",
    "/presets/{slug}/",
    "/generation",
    "/auth/keys/code",
    "/credits/coinbase",
    "/models/user",
)
DEPRECATED = {"createCoinbaseCharge"}  # "will never return a 200" (the document)
# Request bodies the document gives no example for.
MINIMAL_BODIES: dict[str, Any] = {
    "createEmbeddings": {"model": "openai/text-embedding-3-small", "input": "hello world"},
    "createRerank": {
        "model": "cohere/rerank-v3.5",
        "query": "capital of France",
        "documents": ["Paris is the capital of France.", "Berlin is in Germany."],
    },
}
CATALOGUED = {
    "sendChatCompletionRequest": "openai/gpt-4o-mini",
    "createResponses": "openai/gpt-4o-mini",
    "createMessages": "anthropic/claude-sonnet-4.5",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1767225600.0

    def __call__(self) -> float:
        return self.now


class Session:
    """A fresh emulator, a standard and a management client, and a way to make resources."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.emulator = Emulator(clock=self.clock)
        transport = EmulatorTransport(self.emulator)
        self.user = httpx.Client(
            transport=transport,
            base_url=BASE_URL,
            headers={"Authorization": f"Bearer {self.emulator.api_key}"},
        )
        self.admin = httpx.Client(
            transport=transport,
            base_url=BASE_URL,
            headers={"Authorization": f"Bearer {self.emulator.management_key}"},
        )

    def ok(self, response: httpx.Response) -> Any:
        assert response.is_success, (
            f"{response.request.url}: {response.status_code} {response.text}"
        )
        return response.json()

    def key_hash(self) -> str:
        created = self.ok(self.admin.post("/keys", json={"name": "spec"}))
        return str(created["data"]["hash"])

    def guardrail(self) -> str:
        created = self.ok(self.admin.post("/guardrails", json={"name": "spec guardrail"}))
        return str(created["data"]["id"])

    def workspace(self) -> str:
        created = self.ok(self.admin.post("/workspaces", json={"name": "Spec", "slug": "spec"}))
        return str(created["data"]["id"])

    def byok(self) -> str:
        body = {"provider": "openai", "key": "sk-test-123", "name": "spec"}
        return str(self.ok(self.admin.post("/byok", json=body))["data"]["id"])

    def destination(self) -> str:
        body = request_example(OPS["createObservabilityDestination"][2])
        return str(self.ok(self.admin.post("/observability/destinations", json=body))["data"]["id"])

    def scim_mapping(self) -> str:
        group = self.ok(self.admin.get("/scim/groups"))["data"][0]["id"]
        body = {"scim_group_id": group, "workspace_id": self.workspace(), "role": "member"}
        return str(self.ok(self.admin.post("/scim/group-mappings", json=body))["data"]["id"])

    def file(self) -> str:
        files = {"file": ("notes.jsonl", b'{"a": 1}\n', "application/jsonl")}
        uploaded = self.ok(self.user.post("/files", files=files, data={"purpose": "batch"}))
        return str(uploaded["id"])

    def preset(self) -> str:
        self.emulator.add_preset(
            "support-bot",
            {"model": "openai/gpt-4o-mini", "temperature": 0.2},
            name="Support bot",
            system_prompt="Be brief.",
        )
        return "support-bot"

    def generation(self) -> str:
        body = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
        return str(self.ok(self.user.post("/chat/completions", json=body))["id"])

    def video(self, finished: bool) -> str:
        body = request_example(OPS["createVideos"][2])
        job = str(self.ok(self.user.post("/videos", json=body))["id"])
        if finished:
            self.clock.now += 600
        return job


Setup = Callable[[Session], dict[str, str]]
PATH_SETUP: dict[str, Setup] = {
    "/keys/{hash}": lambda s: {"hash": s.key_hash()},
    "/guardrails/{id}": lambda s: {"id": s.guardrail()},
    "/workspaces/{id}": lambda s: {"id": s.workspace(), "interval": "monthly"},
    "/byok/{id}": lambda s: {"id": s.byok()},
    "/observability/destinations/{id}": lambda s: {"id": s.destination()},
    "/scim/group-mappings/{id}": lambda s: {"id": s.scim_mapping()},
    "/files/{file_id}": lambda s: {"file_id": s.file()},
    "/presets/{slug}": lambda s: {"slug": s.preset(), "version": "1"},
    "/model/{author}/{slug}": lambda s: {"author": "openai", "slug": "gpt-4o-mini"},
    "/models/{author}/{slug}": lambda s: {"author": "openai", "slug": "gpt-4o-mini"},
    "/images/models/{author}/{slug}": lambda s: {
        "author": "google",
        "slug": "gemini-2.5-flash-image",
    },
    "/videos/{jobId}/content": lambda s: {"jobId": s.video(finished=True)},
    "/videos/{jobId}": lambda s: {"jobId": s.video(finished=False)},
}


def _path_params(session: Session, template: str) -> dict[str, str]:
    for prefix, setup in PATH_SETUP.items():
        if template.startswith(prefix):
            return setup(session)
    assert "{" not in template, f"no setup for the path parameters of {template}"
    return {}


def _query(session: Session, op: dict[str, Any]) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for param in op.get("parameters") or []:
        if param["in"] != "query" or not param.get("required"):
            continue
        if param["name"] == "id":
            query["id"] = session.generation()
        else:
            value = param.get("example", param.get("schema", {}).get("example"))
            query[param["name"]] = str(value).lower() if isinstance(value, bool) else value
    return query


def _request(session: Session, op_id: str) -> httpx.Response:
    method, template, op = OPS[op_id]
    params = _path_params(session, template)
    path = template.format(**params)
    inference = template == "/key" or template.startswith(INFERENCE_PATHS)
    client = session.user if inference else session.admin
    if template.startswith("/workspaces/{id}/members/remove"):
        members = session.ok(session.admin.get("/organization/members"))["data"]
        user_ids = [members[0]["id"]]
        session.ok(session.admin.post(path.replace("/remove", "/add"), json={"user_ids": user_ids}))
        return client.request(method, path, json={"user_ids": user_ids})
    if template == "/workspaces/{id}/budgets/{interval}" and method != "PUT":
        session.ok(session.admin.put(path, json={"limit_usd": 50}))
    if op_id == "exchangeAuthCodeForAPIKey":
        code = session.ok(
            session.user.post("/auth/keys/code", json={"callback_url": "https://example.com/cb"})
        )["data"]["id"]
        return client.post(path, json={"code": code})
    if op_id == "uploadFile":
        files = {"file": ("data.jsonl", b'{"x": 1}\n', "application/jsonl")}
        return client.post(path, files=files, data={"purpose": "batch"})
    body = copy.deepcopy(MINIMAL_BODIES.get(op_id, request_example(op)))
    if op_id == "createScimGroupMapping":
        group = session.ok(session.admin.get("/scim/groups"))["data"][0]["id"]
        body = {"scim_group_id": group, "workspace_id": session.workspace(), "role": "member"}
    if op_id == "updateScimGroupMapping":
        body = {"role": "admin"}
    if op_id == "submitGenerationFeedback" and isinstance(body, dict):
        body["generation_id"] = session.generation()
    if op_id in ("bulkAssignKeysToGuardrail", "bulkUnassignKeysFromGuardrail"):
        body = {"key_hashes": [session.key_hash()]}
    if op_id in ("bulkAssignMembersToGuardrail", "bulkUnassignMembersFromGuardrail"):
        members = session.ok(session.admin.get("/organization/members"))["data"]
        body = {"member_user_ids": [members[0]["id"]]}
    if op_id == "bulkAddWorkspaceMembers":
        members = session.ok(session.admin.get("/organization/members"))["data"]
        body = {"user_ids": [members[0]["id"]]}
    if isinstance(body, dict) and template.startswith("/presets/"):
        body.pop("model", None)  # the preset's model applies
    elif (
        isinstance(body, dict)
        and op_id in CATALOGUED
        and not session.emulator.catalogue.get(str(body.get("model")))
    ):
        body["model"] = CATALOGUED[op_id]  # the example names a model the catalogue lacks
    if isinstance(body, dict) and body.get("stream") is True:
        body["stream"] = False  # the JSON answer is validated here; SSE has its own tests
    kwargs: dict[str, Any] = {"params": _query(session, op)}
    if body is not None:
        kwargs["json"] = body
    return client.request(method, path, **kwargs)


@pytest.fixture
def session() -> Iterator[Session]:
    s = Session()
    yield s
    s.user.close()
    s.admin.close()


def _check_binary(media: str, response: httpx.Response) -> None:
    data = response.content
    assert data, "empty binary answer"
    if media.startswith("audio/"):
        assert (data[:4] == b"RIFF" and data[8:12] == b"WAVE") or response.headers[
            "content-type"
        ].startswith("audio/pcm")
    if media == "video/mp4":
        assert data[4:8] == b"ftyp"


@pytest.mark.parametrize("op_id", sorted(OPS))
def test_operation_answers_on_schema(session: Session, op_id: str) -> None:
    method, template, op = OPS[op_id]
    response = _request(session, op_id)
    if op_id in DEPRECATED:
        assert response.status_code >= 400, "the document says this never succeeds"
        return
    status, content = success(op)
    assert response.status_code == status, (
        f"{method} {template}: {response.status_code} {response.text[:500]}"
    )
    if "application/json" not in content:
        media = next(iter(content))
        assert response.headers["content-type"].split(";")[0].split("/")[0] == media.split("/")[0]
        _check_binary(media, response)
        return
    body = response.json()
    errors = sorted(
        validator(content["application/json"]["schema"]).iter_errors(body), key=lambda e: e.path
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:8])


def test_rerank_models_stays_routed(session: Session) -> None:
    """The snapshot's GET /rerank/models (not in the document) keeps answering."""
    data = session.ok(session.user.get("/rerank/models"))["data"]
    assert data and all("id" in m for m in data)


def test_every_documented_operation_is_routed(session: Session) -> None:
    """No operation of the document falls through to 404 Not Found / 405."""
    for op_id, (method, template, _op) in OPS.items():
        path = template.replace("{", "x").replace("}", "")
        response = session.admin.request(method, path)
        assert response.status_code not in (405,), (op_id, response.text)
        assert response.json().get("error", {}).get("message") != "Not Found", op_id


def test_enriched_chat_answer_stays_on_schema(session: Session) -> None:
    """Variants, logprobs, url_citation annotations and encrypted reasoning validate too."""
    _method, _path, op = OPS["sendChatCompletionRequest"]
    schema = success(op)[1]["application/json"]["schema"]
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    for extra in (
        {"model": "openai/gpt-4o-mini:online", "logprobs": True, "top_logprobs": 3},
        {"model": "openai/gpt-5-mini:nitro", "reasoning": {"effort": "low"}},
        {"model": "openrouter/auto", "provider": {"max_price": {"prompt": "5"}}},
    ):
        answer = session.ok(
            session.user.post("/chat/completions", json={"messages": messages, **extra})
        )
        errors = [e.message[:200] for e in validator(schema).iter_errors(answer)]
        assert not errors, (extra, errors[:5])


def test_enriched_chat_stream_stays_on_schema(session: Session) -> None:
    """Each chunk of a stream with logprobs, citations or encrypted reasoning validates too."""
    check = validator({"$ref": "#/components/schemas/ChatStreamChunk"})
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    for extra in (
        {"model": "openai/gpt-4o-mini:online", "logprobs": True, "top_logprobs": 3},
        {"model": "openai/gpt-5-mini", "reasoning": {"effort": "low"}},
    ):
        response = session.user.post(
            "/chat/completions", json={"messages": messages, "stream": True, **extra}
        )
        assert response.status_code == 200
        events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
        chunks = [json.loads(event) for event in events if event != "[DONE]"]
        assert len(chunks) > 3
        for chunk in chunks:
            errors = [e.message[:200] for e in check.iter_errors(chunk)]
            assert not errors, (extra, chunk, errors[:5])
