"""Behaviour of the stateful API groups: workspaces, files, presets, videos, audio, images."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

import httpx
import pytest
from openrouter_kit_emulator import Emulator, EmulatorTransport


def test_workspace_budgets_upsert_per_interval_and_members(admin: httpx.Client) -> None:
    ws = admin.post("/workspaces", json={"name": "Prod", "slug": "prod"}).json()["data"]
    assert admin.post("/workspaces", json={"name": "Again", "slug": "prod"}).status_code == 409
    first = admin.put("/workspaces/prod/budgets/monthly", json={"limit_usd": 50}).json()["data"]
    again = admin.put(f"/workspaces/{ws['id']}/budgets/monthly", json={"limit_usd": 80}).json()
    assert again["data"]["id"] == first["id"] and again["data"]["limit_usd"] == 80
    admin.put("/workspaces/prod/budgets/daily", json={"limit_usd": 5})
    budgets = admin.get("/workspaces/prod/budgets").json()["data"]
    assert [(b["reset_interval"], b["limit_usd"]) for b in budgets] == [
        ("daily", 5),
        ("monthly", 80),
    ]
    assert admin.put("/workspaces/prod/budgets/yearly", json={"limit_usd": 1}).status_code == 400
    assert admin.delete("/workspaces/prod/budgets/daily").json() == {"deleted": True}
    assert admin.get("/workspaces/prod/budgets/daily").status_code == 404

    user = admin.get("/organization/members").json()["data"][1]["id"]
    added = admin.post("/workspaces/prod/members/add", json={"user_ids": [user]}).json()
    assert added["added_count"] == 1
    assert [m["user_id"] for m in admin.get("/workspaces/prod/members").json()["data"]] == [user]
    removed = admin.post("/workspaces/prod/members/remove", json={"user_ids": [user]}).json()
    assert removed == {"removed_count": 1}
    assert admin.get("/workspaces/prod/members").json()["total_count"] == 0
    assert admin.delete("/workspaces/prod").json() == {"deleted": True}
    assert admin.get("/workspaces/prod").status_code == 404


def test_byok_secret_never_comes_back(admin: httpx.Client) -> None:
    created = admin.post("/byok", json={"provider": "openai", "key": "sk-live-abcdef123456"})
    data = created.json()["data"]
    assert "sk-live-abcdef123456" not in created.text and data["label"] == "sk-l...3456"
    patched = admin.patch(f"/byok/{data['id']}", json={"disabled": True}).json()["data"]
    assert patched["disabled"] is True
    assert admin.get("/byok").json()["total_count"] == 1
    admin.delete(f"/byok/{data['id']}")
    assert admin.get(f"/byok/{data['id']}").status_code == 404


def test_files_upload_page_with_cursor_download_delete(client: httpx.Client) -> None:
    ids = []
    for n in range(3):
        files = {"file": (f"f{n}.txt", f"content {n}".encode(), "text/plain")}
        ids.append(client.post("/files", files=files).json()["id"])
    page = client.get("/files", params={"limit": 2}).json()
    assert [f["id"] for f in page["data"]] == ids[:2] and page["has_more"] is True
    rest = client.get("/files", params={"limit": 2, "cursor": page["cursor"]}).json()
    assert [f["id"] for f in rest["data"]] == ids[2:] and rest["has_more"] is False
    assert rest["cursor"] is None
    after = client.get("/files", params={"after": ids[0]}).json()
    assert [f["id"] for f in after["data"]] == ids[1:]
    assert client.get("/files", params={"before_id": ids[2]}).status_code == 400
    content = client.get(f"/files/{ids[1]}/content")
    assert content.content == b"content 1"
    assert content.headers["content-type"] == "application/octet-stream"
    assert client.get(f"/files/{ids[1]}").json()["size_bytes"] == 9
    assert client.delete(f"/files/{ids[1]}").json()["type"] == "file_deleted"
    assert client.get(f"/files/{ids[1]}/content").status_code == 404


def test_preset_config_applies_through_preset_model_string(
    emulator: Emulator, client: httpx.Client
) -> None:
    body = {
        "model": "anthropic/claude-sonnet-4.5",
        "max_tokens": 3,
        "messages": [{"role": "system", "content": "Say yes."}, {"role": "user", "content": "x"}],
    }
    preset = client.post("/presets/short/chat/completions", json=body).json()["data"]
    version = preset["designated_version"]
    assert version["config"] == {"model": "anthropic/claude-sonnet-4.5", "max_tokens": 3}
    assert version["system_prompt"] == "Say yes." and version["version"] == 1
    question = "Tell me a long story about the sea and the ships on it, please."
    answer = client.post(
        "/chat/completions",
        json={"model": "@preset/short", "messages": [{"role": "user", "content": question}]},
    ).json()
    assert answer["model"] == "anthropic/claude-sonnet-4.5"
    assert answer["choices"][0]["finish_reason"] == "length"  # the preset's max_tokens
    generation = client.get("/generation", params={"id": answer["id"]}).json()["data"]
    assert generation["preset_id"] == preset["id"]
    client.post("/presets/short/chat/completions", json={**body, "max_tokens": 500})
    versions = client.get("/presets/short/versions").json()["data"]
    assert [v["version"] for v in versions] == [1, 2]
    assert client.get("/presets/short/versions/1").json()["data"]["config"]["max_tokens"] == 3
    unknown = {"model": "@preset/nope", "messages": [{"role": "user", "content": "x"}]}
    assert client.post("/chat/completions", json=unknown).status_code == 404


def test_video_job_moves_on_the_emulator_clock() -> None:
    now = [1767225600.0]
    emulator = Emulator(clock=lambda: now[0])

    with httpx.Client(
        transport=EmulatorTransport(emulator),
        base_url="http://e/api/v1",
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    ) as c:
        job = c.post("/videos", json={"model": "google/veo-3.1", "prompt": "sea"}).json()
        assert job["status"] == "pending"
        assert c.get(f"/videos/{job['id']}/content").status_code == 409
        now[0] += 10
        assert c.get(f"/videos/{job['id']}").json()["status"] == "in_progress"
        now[0] += 60
        done = c.get(f"/videos/{job['id']}").json()
        assert done["status"] == "completed" and done["usage"]["cost"] > 0
        video = c.get(f"/videos/{job['id']}/content")
        assert video.headers["content-type"] == "video/mp4" and video.content[4:8] == b"ftyp"


def test_speech_wav_round_trips_through_transcription(client: httpx.Client) -> None:
    body = {"model": "openai/gpt-4o-mini-tts", "input": "Hello there", "response_format": "wav"}
    wav = client.post("/audio/speech", json=body).content
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert struct.unpack("<I", wav[4:8])[0] == len(wav) - 8
    pcm = client.post("/audio/speech", json={**body, "response_format": "pcm"})
    assert pcm.headers["content-type"] == "audio/pcm" and len(pcm.content) % 2 == 0
    files = {"file": ("hello.wav", wav, "audio/wav")}
    text = client.post("/audio/transcriptions", files=files, data={"model": "openai/whisper-1"})
    assert text.json()["text"] == "Hello there"
    assert text.json()["usage"]["seconds"] > 0
    encoded = {"data": base64.b64encode(wav).decode(), "format": "wav"}
    as_json = client.post(
        "/audio/transcriptions", json={"model": "openai/whisper-1", "input_audio": encoded}
    )
    assert as_json.json()["text"] == "Hello there"


def test_images_are_real_pngs(client: httpx.Client) -> None:
    body = {"model": "google/gemini-2.5-flash-image", "prompt": "a red panda", "n": 2}
    data = client.post("/images", json=body).json()["data"]
    assert len(data) == 2 and data[0] != data[1]
    png = base64.b64decode(data[0]["b64_json"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    idat_len = struct.unpack(">I", png[33:37])[0]
    raw = zlib.decompress(png[41 : 41 + idat_len])
    assert len(raw) == height * (1 + 3 * width)


def _chat(client: httpx.Client, **body: object) -> httpx.Response:
    return client.post(
        "/chat/completions", json={"messages": [{"role": "user", "content": "Hi"}], **body}
    )


def test_model_variants_route_like_their_provider_sort(client: httpx.Client) -> None:
    floor = _chat(client, model="openai/gpt-4o-mini:floor")
    assert floor.status_code == 200 and floor.json()["model"] == "openai/gpt-4o-mini"
    cheapest = _chat(client, model="openai/gpt-4o-mini", provider={"sort": "price"})
    assert floor.json()["provider"] == cheapest.json()["provider"]
    nitro = _chat(client, model="openai/gpt-4o:nitro").json()["provider"]
    fastest = _chat(client, model="openai/gpt-4o", provider={"sort": "throughput"})
    plain = _chat(client, model="openai/gpt-4o").json()["provider"]
    assert nitro == fastest.json()["provider"] == "Azure" != plain
    for variant in ("exacto", "online"):
        assert _chat(client, model=f"openai/gpt-4o-mini:{variant}").status_code == 200
    assert (
        _chat(client, model="openai/gpt-oss-20b:free").json()["model"] == "openai/gpt-oss-20b:free"
    )
    assert _chat(client, model="openai/gpt-4o-mini:free").status_code == 400  # no such entry


def test_auto_router_picks_a_real_model(client: httpx.Client) -> None:
    auto = _chat(client, model="openrouter/auto").json()
    assert auto["model"] != "openrouter/auto"
    plugins = [{"id": "auto-router", "allowed_models": ["anthropic/*"]}]
    chosen = _chat(client, model="openrouter/auto", plugins=plugins).json()
    assert chosen["model"].startswith("anthropic/")


def test_max_price_is_enforced(client: httpx.Client) -> None:
    ok = _chat(client, model="openai/gpt-4o-mini", provider={"max_price": {"prompt": "1"}})
    assert ok.status_code == 200
    refused = _chat(client, model="openai/gpt-4o-mini", provider={"max_price": {"prompt": "0.01"}})
    assert refused.status_code == 404 and "max_price" in refused.json()["error"]["message"]


def test_logprobs_citations_and_encrypted_reasoning(client: httpx.Client) -> None:
    plain = _chat(client, model="openai/gpt-4o-mini").json()["choices"][0]
    assert plain["logprobs"] is None and "annotations" not in plain["message"]
    asked = _chat(client, model="openai/gpt-4o-mini", logprobs=True, top_logprobs=2).json()
    tokens = asked["choices"][0]["logprobs"]["content"]
    text = asked["choices"][0]["message"]["content"]
    assert tokens and "".join(t["token"] for t in tokens) == text.rstrip()
    assert all(t["logprob"] <= 0 and len(t["top_logprobs"]) == 2 for t in tokens)
    online = _chat(client, model="openai/gpt-4o-mini:online").json()["choices"][0]["message"]
    [first, *_] = online["annotations"]
    assert first["type"] == "url_citation" and first["url_citation"]["url"].startswith("https://")
    reasoning = _chat(client, model="openai/gpt-5-mini", reasoning={"effort": "low"}).json()[
        "choices"
    ][0]["message"]["reasoning_details"]
    assert [d["type"] for d in reasoning] == ["reasoning.text", "reasoning.encrypted"]


def _streamed(client: httpx.Client, **body: object) -> list[dict[str, Any]]:
    """The chunks of a streamed chat answer, read off the SSE wire."""
    response = _chat(client, stream=True, **body)
    assert response.status_code == 200
    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    return [json.loads(event) for event in events[:-1]]


def _deltas(chunks: list[dict[str, Any]], key: str) -> list[Any]:
    return [
        item
        for chunk in chunks
        for choice in chunk["choices"]
        for item in (choice["delta"].get(key) or [])
    ]


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini:online", "anthropic/claude-sonnet-4"])
def test_streams_carry_logprobs_and_citations_like_the_full_answer(
    client: httpx.Client, model: str
) -> None:
    asked = {"model": model, "logprobs": True, "top_logprobs": 2}
    full = _chat(client, **asked).json()["choices"][0]
    chunks = _streamed(client, **asked)
    streamed = [
        token
        for chunk in chunks
        for choice in chunk["choices"]
        for token in ((choice.get("logprobs") or {}).get("content") or [])
    ]
    assert streamed and streamed == full["logprobs"]["content"]
    assert _deltas(chunks, "annotations") == full["message"].get("annotations", [])
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == full["message"]["content"]


def test_streams_add_nothing_that_was_not_asked_for(client: httpx.Client) -> None:
    chunks = _streamed(client, model="openai/gpt-4o-mini")
    assert all(c["choices"][0]["logprobs"] is None for c in chunks if c["choices"])
    assert _deltas(chunks, "annotations") == []


def test_a_stream_ends_its_openai_reasoning_with_the_encrypted_detail(
    client: httpx.Client,
) -> None:
    asked = {"model": "openai/gpt-5-mini", "reasoning": {"effort": "low"}}
    full = _chat(client, **asked).json()["choices"][0]["message"]["reasoning_details"]
    details = _deltas(_streamed(client, **asked), "reasoning_details")
    assert [d for d in details if d["type"] == "reasoning.encrypted"] == full[1:]
    assert details[-1] == full[-1] and full[-1]["index"] == 1


def test_a_repeated_prompt_is_read_from_the_implicit_cache(client: httpx.Client) -> None:
    body = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi there"}]}
    first = client.post("/chat/completions", json=body).json()["usage"]
    second = client.post("/chat/completions", json=body).json()["usage"]
    assert first["prompt_tokens_details"]["cached_tokens"] == 0
    assert second["prompt_tokens_details"]["cached_tokens"] == second["prompt_tokens"] > 0
    assert second["cost"] < first["cost"]
    other = {**body, "messages": [{"role": "user", "content": "Something else"}]}
    assert (
        client.post("/chat/completions", json=other).json()["usage"]["prompt_tokens_details"][
            "cached_tokens"
        ]
        == 0
    )
