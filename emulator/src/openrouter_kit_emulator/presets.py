"""Presets: named, versioned request configs.

``POST /presets/{slug}/chat/completions`` (``/messages``, ``/responses``) creates a preset, or
a new designated version, from an inference body, as the document says; ``@preset/slug``
model strings then run a generation with that config under the request.
"""

from __future__ import annotations

from typing import Any

from .backend import Ctx, Route, page, timestamp
from .ids import IdFactory
from .wire import ApiError, EmulatorResponse, bad_request, json_response

MODEL_PREFIX = "@preset/"
# inference-body fields a preset does not keep (the document: "silently ignored")
NOT_CONFIG = {"messages", "input", "prompt", "stream", "stream_options", "system", "instructions"}


class Presets:
    def __init__(self, ids: IdFactory, owner_id: str, workspace_id: str) -> None:
        self.ids = ids
        self.owner_id = owner_id
        self.workspace_id = workspace_id
        self.items: dict[str, dict[str, Any]] = {}  # by slug
        self.versions: dict[str, list[dict[str, Any]]] = {}

    def routes(self) -> list[Route]:
        return [
            ("GET", "/presets", self._list, "key"),
            ("GET", "/presets/{slug}", self._get, "key"),
            ("GET", "/presets/{slug}/versions", self._versions, "key"),
            ("GET", "/presets/{slug}/versions/{version}", self._version, "key"),
            ("POST", "/presets/{slug}/chat/completions", self._from_chat, "key"),
            ("POST", "/presets/{slug}/messages", self._from_messages, "key"),
            ("POST", "/presets/{slug}/responses", self._from_responses, "key"),
        ]

    def add(
        self,
        slug: str,
        config: dict[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        system_prompt: str | None = None,
    ) -> dict[str, Any]:
        """Create a preset, or add a version to it that becomes the designated one."""
        if not slug or "/" in slug:
            raise ValueError(f"preset slug must be a non-empty name without '/': {slug!r}")
        now = timestamp(self.ids)
        preset = self.items.get(slug)
        if preset is None:
            preset = {
                "id": self.ids.uuid(),
                "slug": slug,
                "name": name or slug,
                "description": description,
                "creator_user_id": self.owner_id,
                "workspace_id": self.workspace_id,
                "status": "active",
                "status_updated_at": None,
                "created_at": now,
            }
            self.items[slug] = preset
            self.versions[slug] = []
        version = {
            "id": self.ids.uuid(),
            "preset_id": preset["id"],
            "version": len(self.versions[slug]) + 1,
            "config": dict(config),
            "system_prompt": system_prompt,
            "creator_id": self.owner_id,
            "created_at": now,
            "updated_at": now,
        }
        self.versions[slug].append(version)
        preset.update(designated_version_id=version["id"], updated_at=now)
        return preset

    def find(self, slug: str) -> dict[str, Any]:
        preset = self.items.get(slug)
        if preset is None:
            raise ApiError(404, f"Preset {slug} not found", with_user=False)
        return preset

    def designated(self, slug: str) -> dict[str, Any]:
        preset = self.find(slug)
        return next(v for v in self.versions[slug] if v["id"] == preset["designated_version_id"])

    def apply(self, slug: str, body: dict[str, Any], api: str) -> dict[str, Any]:
        """The request body with the preset's config under it (request fields win).

        The preset's model replaces ``@preset/slug``; its system prompt goes where ``api``
        (``chat`` / ``messages`` / ``responses``) puts one, unless the request has its own.
        """
        version = self.designated(slug)
        merged = {**version["config"], **body}
        if not body.get("model") or str(body["model"]).startswith(MODEL_PREFIX):
            merged["model"] = version["config"].get("model")
        if not merged.get("model"):
            raise bad_request(f"Preset {slug} has no model and the request names none")
        system = version["system_prompt"]
        if system:
            if api == "chat":
                messages = list(merged.get("messages") or [])
                if not any(
                    m.get("role") in ("system", "developer")
                    for m in messages
                    if isinstance(m, dict)
                ):
                    merged["messages"] = [{"role": "system", "content": system}, *messages]
            elif api == "messages":
                merged.setdefault("system", system)
            else:
                merged.setdefault("instructions", system)
        return merged

    def _from_body(self, ctx: Ctx, system: Any) -> EmulatorResponse:
        slug = ctx.params["slug"]
        if not slug.replace("-", "").replace("_", "").isalnum():
            raise bad_request("slug must be URL-safe (letters, digits, - and _)")
        body = ctx.body()
        config = {k: v for k, v in body.items() if k not in NOT_CONFIG}
        text = system if isinstance(system, str) and system else None
        self.add(slug, config, system_prompt=text)
        return json_response(
            200, {"data": {**self.find(slug), "designated_version": self.designated(slug)}}
        )

    def _from_chat(self, ctx: Ctx) -> EmulatorResponse:
        messages = ctx.body().get("messages") or []
        system = next(
            (m.get("content") for m in messages
             if isinstance(m, dict) and m.get("role") in ("system", "developer")),
            None,
        )  # fmt: skip
        return self._from_body(ctx, system)

    def _from_messages(self, ctx: Ctx) -> EmulatorResponse:
        return self._from_body(ctx, ctx.body().get("system"))

    def _from_responses(self, ctx: Ctx) -> EmulatorResponse:
        return self._from_body(ctx, ctx.body().get("instructions"))

    def _public(self, preset: dict[str, Any]) -> dict[str, Any]:
        return dict(preset)

    def _list(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, page(ctx, [self._public(p) for p in self.items.values()]))

    def _get(self, ctx: Ctx) -> EmulatorResponse:
        slug = ctx.params["slug"]
        preset = {**self.find(slug), "designated_version": self.designated(slug)}
        return json_response(200, {"data": preset})

    def _versions(self, ctx: Ctx) -> EmulatorResponse:
        self.find(ctx.params["slug"])
        return json_response(200, page(ctx, self.versions[ctx.params["slug"]]))

    def _version(self, ctx: Ctx) -> EmulatorResponse:
        self.find(ctx.params["slug"])
        for version in self.versions[ctx.params["slug"]]:
            if (
                str(version["version"]) == ctx.params["version"]
                or version["id"] == ctx.params["version"]
            ):
                return json_response(200, {"data": version})
        raise ApiError(404, f"Version {ctx.params['version']} not found", with_user=False)
