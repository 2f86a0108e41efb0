"""The ``Emulator``: a pure request -> response handler answering all 39 OpenRouter endpoints.

Holds the catalogue, one in-memory account (seeded with ``api_key`` and
``management_key``) and the fault queue. Free of httpx and ASGI; see ``transport`` and
``asgi`` for the two faces.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlparse

from . import chat, embeddings, enrich, messages, rerank, responses, sse
from .backend import Route
from .behaviours import Behaviours
from .billing import Usage, generation_record
from .catalogue import Catalogue, Model, default_catalogue
from .faults import HEADER as FAULT_HEADER
from .faults import Fault, parse_header
from .files import Files
from .generation import Job, run
from .ids import IdFactory
from .insights import Insights
from .integrations import Integrations
from .media import Media
from .presets import MODEL_PREFIX, Presets
from .routing import check_guardrails, check_spend, preferences, resolve_model, route
from .state import GUARDRAIL_FIELDS, Account, ApiKey, Guardrail, iso
from .wire import (
    SSE_TYPE,
    ApiError,
    ConnectionDropped,
    EmulatorRequest,
    EmulatorResponse,
    bad_request,
    headers_with,
    json_response,
    raw_json_response,
)
from .workspaces import Workspaces

API_PREFIX = "/api/v1"
DEFAULT_MODEL = "openai/gpt-4o-mini"
ACTIVITY_DAYS = 30  # GET /activity?date= reaches this many days back (spec)
PROMPT_CACHE_SIZE = 1_000  # prompts the implicit cache remembers
PAGE_MAX = 100  # the largest `limit` of the guardrail lists (spec: "max 100")

Handler = Callable[["_Ctx"], EmulatorResponse]


class _Ctx:
    """Everything one endpoint handler needs: request, path params, caller key, JSON body."""

    def __init__(self, request: EmulatorRequest, params: dict[str, str], key: ApiKey | None):
        self.request = request
        self.params = params
        self.key = key
        self._body: Any = None
        self._parsed = False

    def body(self) -> dict[str, Any]:
        if not self._parsed:
            self._parsed = True
            raw = self.request.body
            if not raw.strip():
                self._body = {}
            else:
                try:
                    self._body = json.loads(raw)
                except ValueError:
                    raise ApiError(400, "Invalid JSON in request body", with_user=False) from None
            if not isinstance(self._body, dict):
                raise ApiError(400, "Request body must be a JSON object", with_user=False)
        return dict(self._body)

    def query_int(self, name: str, default: int, maximum: int | None = None) -> int:
        raw = self.request.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"{name} must be an integer") from None
        if value < 0:
            raise bad_request(f"{name} must be non-negative")
        return min(value, maximum) if maximum is not None else value


class Emulator:
    """An offline, deterministic OpenRouter.

    ``seed`` fixes ids and generated keys; ``clock`` (unix seconds) fixes timestamps;
    ``credits`` is the account balance in USD; ``keepalives`` is the number of
    ``: OPENROUTER PROCESSING`` comments that open each stream; ``faults`` pre-loads the
    fault queue (see ``faults.Fault``). Seeded secrets: ``api_key`` (standard) and
    ``management_key``; any other non-empty bearer key acts as ``api_key``.
    """

    def __init__(
        self,
        *,
        faults: Iterable[Fault] = (),
        seed: int = 0,
        clock: Callable[[], float] | None = None,
        credits: float = 100.0,
        keepalives: int = 1,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.ids = IdFactory(seed, clock)
        self.catalogue = catalogue or default_catalogue()
        self.account = Account(self.ids, credits)
        self.keepalives = keepalives
        self.default_key, self.api_key = self.account.create_key("Default")
        self.management_key_record, self.management_key = self.account.create_key(
            "Management", management=True
        )
        # one backend per newer API group (moto style); handler.py only routes to them
        self.workspaces = Workspaces(
            self.ids, self.account.owner.id, [m.id for m in self.account.members]
        )
        default_workspace = self.workspaces.add_default()
        self.account.default_workspace_id = default_workspace
        for seeded in self.account.keys.values():
            seeded.workspace_id = default_workspace
        self.integrations = Integrations(self.ids, self.account.organization_id, default_workspace)
        self.presets = Presets(self.ids, self.account.owner.id, default_workspace)
        self.files = Files(self.ids)
        self.media = Media(self.ids, self.catalogue)
        self.insights = Insights(self.account)
        self._cached_prompts: dict[str, None] = {}  # prompt digests, oldest first
        self.faults: list[Fault] = list(faults)
        self.behaviours = Behaviours(seed)  # per-model latency, failure rate, scripted answers
        self._fault_lock = threading.Lock()
        self._header_counts: dict[str, int] = {}
        self._routes = self._build_routes()

    def __repr__(self) -> str:  # never show secrets
        return f"<Emulator models={len(self.catalogue.models)} keys={len(self.account.keys)}>"

    def add_preset(
        self,
        slug: str,
        config: dict[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        system_prompt: str | None = None,
    ) -> dict[str, Any]:
        """Create a preset (or a new designated version of it); the API cannot create them."""
        with self.account.lock:
            return self.presets.add(
                slug, config, name=name, description=description, system_prompt=system_prompt
            )

    @property
    def state(self) -> Account:
        """The in-memory account (keys, credits, guardrails, generations, activity)."""
        return self.account

    # faults ------------------------------------------------------------------------
    def inject(self, *faults: Fault) -> None:
        """Queue faults; each matching request consumes one use (see ``Fault.times``)."""
        with self._fault_lock:
            self.faults.extend(faults)

    def clear_faults(self) -> None:
        with self._fault_lock:
            self.faults.clear()
            self._header_counts.clear()

    def _take_fault(self, request: EmulatorRequest, path: str) -> Fault | None:
        header = request.header(FAULT_HEADER)
        if header:
            try:
                fault = parse_header(header)
            except ValueError as exc:
                raise ApiError(
                    400, f"Invalid {FAULT_HEADER} header: {exc}", with_user=False
                ) from exc
            if fault.times is None:
                return fault
            with self._fault_lock:
                used = self._header_counts.get(header, 0)
                self._header_counts[header] = used + 1
            return fault if used < fault.times else None
        with self._fault_lock:
            for index, fault in enumerate(self.faults):
                if fault.matches(path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del self.faults[index]
                    return fault
        return self.behaviours.fault_for(path, request.body)

    # entry point -------------------------------------------------------------------
    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request. Never raises for API-level problems: they become error bodies."""
        path = _normalise(request.path)
        if request.method.upper() == "OPTIONS":  # CORS preflight, as browsers send it
            return EmulatorResponse(
                204,
                headers_with(
                    "text/plain",
                    [
                        ("access-control-allow-methods", "GET, POST, PATCH, DELETE, OPTIONS"),
                        ("access-control-allow-headers", "*"),
                    ],
                ),
            )
        user_id: str | None = None
        try:
            fault = self._take_fault(request, path)
            if fault is not None and fault.status is not None:
                return self._fault_status(fault, request)
            handler, params, auth = self._match(request.method.upper(), path)
            key = self._authenticate(request, auth)
            if key is not None:
                user_id = key.creator_user_id or self.account.owner.id
            response = handler(_Ctx(request, params, key))
        except ApiError as exc:
            return exc.response(user_id)
        except Exception as exc:  # a bug in the emulator: answer like the real 500, visibly
            error = ApiError(
                500, f"Internal Server Error ({type(exc).__name__}: {exc})", with_user=False
            )
            return error.response(None)
        if fault is not None:
            response = _apply(fault, response)
        return response

    # auth --------------------------------------------------------------------------
    def _authenticate(self, request: EmulatorRequest, auth: str) -> ApiKey | None:
        if auth == "none":
            return None
        header = request.header("authorization") or ""
        token = header[7:].strip() if header.lower().startswith("bearer ") else header.strip()
        if not token:
            if auth == "optional":
                return None
            raise ApiError(401, "No auth credentials found", with_user=False)
        key = self.account.key_for_secret(token)
        if key is None:
            if token in self.account.deleted_secrets:
                raise ApiError(401, "User not found.", with_user=False)
            key = self.default_key  # any dummy key works, as the standard key
        if key.disabled:
            raise ApiError(401, "User not found.", with_user=False)
        key.roll(self.ids.now())
        expiry = utc_timestamp(key.expires_at) if key.expires_at else None
        if expiry is not None and expiry <= self.ids.now():
            raise ApiError(401, "API key has expired", with_user=False)
        if auth.startswith("management") and not key.is_management:
            action = auth.partition(":")[2] or "use this endpoint"
            raise ApiError(403, f"Only management keys can {action}", user_id=key.creator_user_id)
        if auth == "inference" and key.is_management:
            raise ApiError(
                403,
                "Management keys cannot be used for inference. Use a standard API key.",
                user_id=key.creator_user_id,
            )
        return key

    # routing table -----------------------------------------------------------------
    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler, str]]:
        table: list[tuple[str, str, Handler, str]] = [
            ("POST", "/chat/completions", self._chat, "inference"),
            ("POST", "/responses", self._responses, "inference"),
            ("POST", "/messages", self._messages, "inference"),
            ("POST", "/embeddings", self._embeddings, "inference"),
            ("GET", "/embeddings/models", self._embedding_models, "optional"),
            ("POST", "/rerank", self._rerank, "inference"),
            ("GET", "/rerank/models", self._rerank_models, "optional"),
            ("GET", "/models", self._models, "optional"),
            ("GET", "/models/count", self._models_count, "optional"),
            ("GET", "/models/user", self._models_user, "key"),
            ("GET", "/models/{author}/{slug}/endpoints", self._model_endpoints, "optional"),
            ("GET", "/endpoints/zdr", self._zdr, "optional"),
            ("GET", "/providers", self._providers, "optional"),
            ("GET", "/generation", self._generation, "key"),
            ("GET", "/activity", self._activity, "management:fetch activity"),
            ("GET", "/credits", self._credits, "management:fetch credits for an account"),
            ("POST", "/credits/coinbase", self._coinbase, "key"),
            ("GET", "/key", self._current_key, "key"),
            ("GET", "/keys", self._keys_list, "management:list API keys"),
            ("POST", "/keys", self._keys_create, "management:create API keys"),
            ("GET", "/keys/{hash}", self._keys_get, "management:fetch API keys"),
            ("PATCH", "/keys/{hash}", self._keys_update, "management:update API keys"),
            ("DELETE", "/keys/{hash}", self._keys_delete, "management:delete API keys"),
            ("GET", "/organization/members", self._members, "management:list organization members"),
            ("GET", "/guardrails", self._guardrails_list, "management:manage guardrails"),
            ("POST", "/guardrails", self._guardrails_create, "management:manage guardrails"),
            ("GET", "/guardrails/assignments/keys", self._all_key_assignments, "management:manage guardrails"),
            ("GET", "/guardrails/assignments/members", self._all_member_assignments, "management:manage guardrails"),
            ("GET", "/guardrails/{id}", self._guardrails_get, "management:manage guardrails"),
            ("PATCH", "/guardrails/{id}", self._guardrails_update, "management:manage guardrails"),
            ("DELETE", "/guardrails/{id}", self._guardrails_delete, "management:manage guardrails"),
            ("GET", "/guardrails/{id}/assignments/keys", self._key_assignments, "management:manage guardrails"),
            ("GET", "/guardrails/{id}/assignments/members", self._member_assignments, "management:manage guardrails"),
            ("POST", "/guardrails/{id}/assignments/keys", self._assign_keys, "management:manage guardrails"),
            ("POST", "/guardrails/{id}/assignments/keys/remove", self._unassign_keys, "management:manage guardrails"),
            ("POST", "/guardrails/{id}/assignments/members", self._assign_members, "management:manage guardrails"),
            ("POST", "/guardrails/{id}/assignments/members/remove", self._unassign_members, "management:manage guardrails"),
            ("POST", "/auth/keys/code", self._auth_code, "key"),
            ("POST", "/auth/keys", self._auth_exchange, "none"),
            ("GET", "/model/{author}/{slug}", self._model, "optional"),
        ]  # fmt: skip
        backends = (
            self.workspaces, self.integrations, self.presets, self.files, self.media,
            self.insights,
        )  # fmt: skip
        for backend in backends:
            table.extend(self._locked(route) for route in backend.routes())
        out = []
        for method, template, handler, auth in table:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
            out.append((method, re.compile(f"^{pattern}$"), handler, auth))
        return out

    def _locked(self, route: Route) -> tuple[str, str, Handler, str]:
        """A backend route whose handler runs under the account lock (the ASGI face is concurrent)."""
        method, template, handler, auth = route

        def locked(ctx: _Ctx) -> EmulatorResponse:
            with self.account.lock:
                return handler(ctx)

        return method, template, locked, auth

    def _match(self, method: str, path: str) -> tuple[Handler, dict[str, str], str]:
        allowed = False
        for route_method, pattern, handler, auth in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            if route_method == method:
                return handler, match.groupdict(), auth
            allowed = True
        if allowed:
            raise ApiError(405, f"Method {method} not allowed for {path}", with_user=False)
        raise ApiError(404, "Not Found", with_user=False)

    # generation APIs ---------------------------------------------------------------
    def _prepare(self, ctx: _Ctx, kind: str = "chat") -> tuple[dict[str, Any], Model, Any]:
        body = self._with_preset(ctx, ctx.body())
        model = resolve_model(self.catalogue, body, DEFAULT_MODEL)
        guardrails = self.account.guardrails_for(ctx.key) if ctx.key else []
        check_spend(self.account, ctx.key)
        check_guardrails(model, guardrails, self.ids.now())
        if model.kind != kind:
            raise bad_request(f"{model.id} is not a {kind} model")
        needs: tuple[str, ...] = ()
        if body.get("tools") and kind == "chat":
            needs = ("tools",)
        endpoint = route(model, preferences(body), guardrails, needs=needs)
        reasoning = body.get("reasoning")
        if (
            model.reasoning_mandatory
            and isinstance(reasoning, dict)
            and (reasoning.get("enabled") is False or reasoning.get("effort") == "none")
        ):
            raise bad_request("Reasoning is mandatory for this endpoint and cannot be disabled.")
        return body, model, endpoint

    def _prompt_cache(self, body: dict[str, Any], job: Job) -> None:
        """Implicit prompt caching: the same prompt again, on an endpoint that caches, reads
        it from the cache (cached token counters, cache-read price)."""
        if not job.endpoint.data.get("supports_implicit_caching"):
            return
        prompt = {k: body.get(k) for k in ("messages", "input", "system", "instructions", "tools")}
        digest = hashlib.sha256(
            f"{job.model.id}|{json.dumps(prompt, sort_keys=True, default=str)}".encode()
        ).hexdigest()
        with self.account.lock:
            if digest in self._cached_prompts:
                job.usage.read_from_cache(job.endpoint)
            else:
                self._cached_prompts[digest] = None
                if len(self._cached_prompts) > PROMPT_CACHE_SIZE:
                    del self._cached_prompts[next(iter(self._cached_prompts))]

    def _with_preset(self, ctx: _Ctx, body: dict[str, Any]) -> dict[str, Any]:
        """Apply an ``@preset/slug`` model string: the preset's config under the request."""
        model = body.get("model")
        if not (isinstance(model, str) and model.startswith(MODEL_PREFIX)):
            return body
        path = ctx.request.path.rstrip("/")
        api = "messages" if path.endswith("/messages") else "chat"
        if path.endswith("/responses"):
            api = "responses"
        with self.account.lock:
            return self.presets.apply(model[len(MODEL_PREFIX) :], body, api)

    def _preset_id(self, ctx: _Ctx) -> str | None:
        model = ctx.body().get("model")
        if isinstance(model, str) and model.startswith(MODEL_PREFIX):
            preset = self.presets.items.get(model[len(MODEL_PREFIX) :])
            return str(preset["id"]) if preset else None
        return None

    def _model(self, ctx: _Ctx) -> EmulatorResponse:
        name = f"{ctx.params['author']}/{ctx.params['slug']}"
        model = self.catalogue.get(name)
        if model is None:
            raise ApiError(404, f"Model {name} not found", with_user=False)
        return json_response(200, {"data": model.public})

    def _record(self, ctx: _Ctx, job: Job, streamed: bool, api_type: str) -> None:
        record = generation_record(
            gen_id=job.gen_id,
            created=job.created,
            model=job.model.id,
            endpoint=job.endpoint,
            usage=job.usage,
            streamed=streamed,
            finish_reason=job.answer.finish,
            native_finish_reason=job.native_finish,
            api_type=api_type,
            user_agent=ctx.request.header("user-agent"),
            referer=ctx.request.header("http-referer"),
            preset_id=self._preset_id(ctx),
            workspace_id=ctx.key.workspace_id if ctx.key else None,
        )
        self.account.record(ctx.key, record)
        with self.account.lock:
            self.insights.remember(job.gen_id, ctx.body(), job.answer.text, job.answer.reasoning)

    def _gen_headers(self, job_id: str, provider: str) -> list[tuple[str, str]]:
        return [("x-generation-id", job_id), ("x-provider-name", provider)]

    def _scripted(self, model: Model) -> str | None:
        return self.behaviours.answer_for(model.id)

    def _stream_response(self, job: Job, stream: Iterator[bytes]) -> EmulatorResponse:
        extra = [
            ("cache-control", "no-cache"),
            *self._gen_headers(job.gen_id, job.endpoint.provider),
        ]
        return EmulatorResponse(200, headers_with(SSE_TYPE, extra), stream=stream)

    def _chat(self, ctx: _Ctx) -> EmulatorResponse:
        body, model, endpoint = self._prepare(ctx)
        conv, show = chat.parse(body, model)
        job = run(
            conv, model, endpoint, self.ids, show_reasoning=show, scripted=self._scripted(model)
        )
        self._prompt_cache(body, job)
        streamed = bool(body.get("stream"))
        self._record(ctx, job, streamed, "completions")
        if streamed:
            return self._stream_response(
                job, chat.stream(job, self.keepalives, body, _last_user_text(body))
            )
        answer = enrich.apply(chat.render(job), body, _last_user_text(body))
        return json_response(200, answer, self._gen_headers(job.gen_id, endpoint.provider))

    def _responses(self, ctx: _Ctx) -> EmulatorResponse:
        body, model, endpoint = self._prepare(ctx)
        conv, show = responses.parse(body, model)
        job = run(
            conv, model, endpoint, self.ids, show_reasoning=show, scripted=self._scripted(model)
        )
        self._prompt_cache(body, job)
        streamed = bool(body.get("stream"))
        self._record(ctx, job, streamed, "responses")
        if streamed:
            return self._stream_response(
                job, responses.stream(job, body, self.ids, self.keepalives)
            )
        payload = responses.render(job, body, self.ids)
        return json_response(200, payload, self._gen_headers(job.gen_id, endpoint.provider))

    def _messages(self, ctx: _Ctx) -> EmulatorResponse:
        body, model, endpoint = self._prepare(ctx)
        conv, show = messages.parse(body, model)
        job = run(
            conv,
            model,
            endpoint,
            self.ids,
            call_id=self.ids.tool_use_id,
            show_reasoning=show,
            scripted=self._scripted(model),
        )
        self._prompt_cache(body, job)
        streamed = bool(body.get("stream"))
        self._record(ctx, job, streamed, "messages")
        if streamed:
            return self._stream_response(job, messages.stream(job, self.keepalives))
        return json_response(
            200, messages.render(job), self._gen_headers(job.gen_id, endpoint.provider)
        )

    def _book(
        self,
        ctx: _Ctx,
        gen_id: str,
        model: Model,
        endpoint: Any,
        tokens: int,
        cost: float,
        api: str,
    ) -> None:
        usage = Usage(tokens, 0, 0, cost, 0.0)
        record = generation_record(
            gen_id=gen_id,
            created=self.ids.now(),
            model=model.id,
            endpoint=endpoint,
            usage=usage,
            streamed=False,
            finish_reason=None,
            native_finish_reason=None,
            api_type=api,
            user_agent=ctx.request.header("user-agent"),
            referer=ctx.request.header("http-referer"),
            preset_id=self._preset_id(ctx),
            workspace_id=ctx.key.workspace_id if ctx.key else None,
        )
        self.account.record(ctx.key, record)

    def _embeddings(self, ctx: _Ctx) -> EmulatorResponse:
        body, model, endpoint = self._prepare(ctx, "embeddings")
        payload, tokens = embeddings.build(body, model)
        cost = float(f"{tokens * endpoint.prompt_price:.12g}")
        gen_id = self.ids.generation("emb")
        payload["usage"] = {"prompt_tokens": tokens, "total_tokens": tokens, "cost": cost}
        payload["provider"] = endpoint.provider
        payload["id"] = gen_id
        self._book(ctx, gen_id, model, endpoint, tokens, cost, "embeddings")
        return json_response(200, payload, self._gen_headers(gen_id, endpoint.provider))

    def _rerank(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        name = body.get("model")
        model = self.catalogue.get(name) if isinstance(name, str) else None
        if model is None or model.kind != "rerank":
            raise ApiError(400, f"Model {name} does not exist", with_user=False)
        body, model, endpoint = self._prepare(ctx, "rerank")
        payload, tokens, cost = rerank.build(body, model)
        gen_id = self.ids.generation("rerank")
        payload["id"] = gen_id
        self._book(ctx, gen_id, model, endpoint, tokens, cost, "rerank")
        return json_response(200, payload, self._gen_headers(gen_id, endpoint.provider))

    # catalogue ---------------------------------------------------------------------
    def _models(self, ctx: _Ctx) -> EmulatorResponse:
        q = ctx.request.query
        self._check_modalities(q.get("output_modalities"))
        body = self.catalogue.listing_bytes(
            q.get("output_modalities"), q.get("supported_parameters")
        )
        return raw_json_response(200, body)

    def _check_modalities(self, value: str | None) -> None:
        valid = {"text", "image", "audio", "embeddings", "rerank", "all"}
        for item in (value or "").split(","):
            if item.strip() and item.strip() not in valid:
                raise ApiError(
                    400, f"Invalid output_modalities value: {item.strip()}", with_user=False
                )

    def _models_count(self, ctx: _Ctx) -> EmulatorResponse:
        value = ctx.request.query.get("output_modalities")
        self._check_modalities(value)
        return json_response(200, {"data": {"count": len(self.catalogue.filter(value))}})

    def _models_user(self, ctx: _Ctx) -> EmulatorResponse:
        assert ctx.key is not None
        guardrails = self.account.guardrails_for(ctx.key)
        out = []
        for model in self.catalogue.filter("all"):
            try:
                check_guardrails(model, [g for g in guardrails if g.allowed_models])
                route(model, None, guardrails)
            except ApiError:
                continue
            out.append(model.public)
        if not out:
            raise ApiError(404, "No eligible endpoints found")
        return json_response(200, {"data": out, "total_count": len(out), "links": {"next": None}})

    def _model_endpoints(self, ctx: _Ctx) -> EmulatorResponse:
        name = f"{ctx.params['author']}/{ctx.params['slug']}"
        model = self.catalogue.get(name)
        if model is None:
            raise ApiError(404, f"Model {name} not found", with_user=False)
        return json_response(200, self.catalogue.endpoints_payload(model))

    def _zdr(self, ctx: _Ctx) -> EmulatorResponse:
        return json_response(200, self.catalogue.zdr_payload)

    def _providers(self, ctx: _Ctx) -> EmulatorResponse:
        return json_response(200, self.catalogue.providers_payload)

    def _embedding_models(self, ctx: _Ctx) -> EmulatorResponse:
        return raw_json_response(200, self.catalogue.kind_bytes("embeddings"))

    def _rerank_models(self, ctx: _Ctx) -> EmulatorResponse:
        return raw_json_response(200, self.catalogue.kind_bytes("rerank"))

    # account -----------------------------------------------------------------------
    def _generation(self, ctx: _Ctx) -> EmulatorResponse:
        gen_id = ctx.request.query.get("id")
        if not gen_id:
            raise bad_request("id: Required")
        record = self.account.generations.get(gen_id)
        if record is None:
            raise ApiError(404, f"Generation {gen_id} not found")
        return json_response(200, {"data": record.data})

    def _activity(self, ctx: _Ctx) -> EmulatorResponse:
        date = ctx.request.query.get("date")
        if date is not None:
            self._check_activity_date(date)
        with self.account.lock:
            rows = [
                dict(r) for r in self.account.activity.values() if date is None or r["date"] == date
            ]
        rows.sort(key=lambda r: (r["date"], r["model"]), reverse=True)
        for row in rows:
            row["usage"] = float(f"{row['usage']:.12g}")
        return json_response(200, {"data": rows})

    def _check_activity_date(self, date: str) -> None:
        """``date``: a real UTC calendar day (YYYY-MM-DD) within the last 30 days (spec)."""
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                raise ValueError(date)
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise bad_request("Invalid date format. Use YYYY-MM-DD") from None
        today = dt.datetime.fromtimestamp(self.ids.now(), dt.timezone.utc).date()
        if not today - dt.timedelta(days=ACTIVITY_DAYS) <= day <= today:
            raise bad_request(
                f"Invalid date range: date must be within the last {ACTIVITY_DAYS} days (UTC)"
            )

    def _credits(self, ctx: _Ctx) -> EmulatorResponse:
        usage = float(f"{self.account.total_usage:.12g}")
        return json_response(
            200, {"data": {"total_credits": self.account.total_credits, "total_usage": usage}}
        )

    def _coinbase(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        amount, sender, chain = body.get("amount"), body.get("sender"), body.get("chain_id")
        if not isinstance(amount, (int, float)) or amount <= 0:
            raise bad_request("amount: must be a positive number")
        if not isinstance(sender, str) or not sender:
            raise bad_request("sender: Required")
        if chain not in (1, 137, 8453):
            raise bad_request("chain_id: must be one of 1, 137, 8453")
        now = self.ids.now()
        return json_response(
            200,
            {
                "data": {
                    "id": self.ids.uuid(),
                    "created_at": iso(now),
                    "expires_at": iso(now + 3600),
                    "web3_data": {
                        "transfer_intent": {
                            "call_data": {
                                "deadline": iso(now + 3600),
                                "fee_amount": "0",
                                "id": "0x" + self.ids.hex(64),
                                "operator": "0x" + self.ids.hex(40),
                                "prefix": "0x" + self.ids.hex(8),
                                "recipient": "0x" + self.ids.hex(40),
                                "recipient_amount": str(amount),
                                "recipient_currency": "0x" + self.ids.hex(40),
                                "refund_destination": sender,
                                "signature": "0x" + self.ids.hex(130),
                            },
                            "metadata": {
                                "chain_id": chain,
                                "contract_address": "0x" + self.ids.hex(40),
                                "sender": sender,
                            },
                        }
                    },
                }
            },
        )

    def _current_key(self, ctx: _Ctx) -> EmulatorResponse:
        assert ctx.key is not None
        return json_response(200, {"data": ctx.key.current()})

    # keys --------------------------------------------------------------------------
    def _get_key(self, ctx: _Ctx) -> ApiKey:
        key = self.account.keys.get(ctx.params["hash"])
        if key is None or key.is_management:
            raise ApiError(404, "API key not found")
        return key

    def _keys_list(self, ctx: _Ctx) -> EmulatorResponse:
        include_disabled = (ctx.request.query.get("include_disabled") or "").lower() == "true"
        offset = ctx.query_int("offset", 0)
        now = self.ids.now()
        for k in self.account.keys.values():
            k.roll(now)
        keys = [
            k for k in self.account.keys.values()
            if not k.is_management and (include_disabled or not k.disabled)
        ]  # fmt: skip
        return json_response(200, {"data": [k.public() for k in keys[offset : offset + 100]]})

    def _key_fields(self, body: dict[str, Any], creating: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "limit" in body:
            limit = body["limit"]
            if limit is not None and (not isinstance(limit, (int, float)) or limit < 0):
                raise bad_request("limit: must be a non-negative number")
            out["limit"] = float(limit) if limit is not None else None
        if "limit_reset" in body:
            if body["limit_reset"] not in (None, "daily", "weekly", "monthly"):
                raise bad_request("limit_reset: must be one of daily, weekly, monthly")
            out["limit_reset"] = body["limit_reset"]
        if "include_byok_in_limit" in body:
            out["include_byok_in_limit"] = bool(body["include_byok_in_limit"])
        if "expires_at" in body and (not creating or body["expires_at"] is not None):
            expires = body["expires_at"]
            if expires is not None:
                when = utc_timestamp(expires)
                if when is None:
                    raise bad_request("expires_at: must be a UTC ISO 8601 timestamp")
                if when <= self.ids.now():
                    raise bad_request("expires_at: must be in the future")
            out["expires_at"] = expires
        if not creating:
            if "disabled" in body:
                out["disabled"] = bool(body["disabled"])
            if "name" in body:
                if not isinstance(body["name"], str) or not body["name"]:
                    raise bad_request("name: must be a non-empty string")
                out["name"] = body["name"]
        return out

    def _keys_create(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise bad_request("name: Required")
        fields = self._key_fields(body, creating=True)
        assert ctx.key is not None
        key, secret = self.account.create_key(name, creator=ctx.key.creator_user_id, **fields)
        return json_response(201, {"data": key.public(), "key": secret})

    def _keys_get(self, ctx: _Ctx) -> EmulatorResponse:
        key = self._get_key(ctx)
        key.roll(self.ids.now())
        return json_response(200, {"data": key.public()})

    def _keys_update(self, ctx: _Ctx) -> EmulatorResponse:
        key = self._get_key(ctx)
        fields = self._key_fields(ctx.body(), creating=False)
        with self.account.lock:
            for attr, value in fields.items():
                setattr(key, attr, value)
            key.updated_at = self.ids.now()
        return json_response(200, {"data": key.public()})

    def _keys_delete(self, ctx: _Ctx) -> EmulatorResponse:
        self.account.delete_key(self._get_key(ctx))
        return json_response(200, {"deleted": True})

    def _members(self, ctx: _Ctx) -> EmulatorResponse:
        offset = ctx.query_int("offset", 0)
        limit = ctx.query_int("limit", 50, 100)
        members = self.account.members
        return json_response(
            200,
            {
                "data": [m.public() for m in members[offset : offset + limit]],
                "total_count": len(members),
            },
        )

    # guardrails --------------------------------------------------------------------
    def _get_guardrail(self, ctx: _Ctx) -> Guardrail:
        g = self.account.guardrails.get(ctx.params["id"])
        if g is None:
            raise ApiError(404, "Guardrail not found")
        return g

    def _page(self, ctx: _Ctx, items: list[Any]) -> EmulatorResponse:
        """One page of a guardrails list: ``offset`` >= 0, ``limit`` 1..100 (spec: "max 100"),
        out-of-range values are refused, not capped."""
        offset = ctx.query_int("offset", 0)
        limit = ctx.query_int("limit", 50)
        if not 1 <= limit <= PAGE_MAX:
            raise bad_request(f"limit: must be between 1 and {PAGE_MAX}")
        return json_response(
            200, {"data": items[offset : offset + limit], "total_count": len(items)}
        )

    def _guardrail_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in GUARDRAIL_FIELDS:
            if name not in body:
                continue
            value = body[name]
            if name in ("allowed_providers", "ignored_providers", "allowed_models"):
                if value is not None and (
                    not isinstance(value, list) or not all(isinstance(v, str) for v in value)
                ):
                    raise bad_request(f"{name}: must be an array of strings")
                if name == "allowed_models" and value:
                    unknown = [v for v in value if self.catalogue.get(v) is None]
                    if unknown:
                        raise bad_request(f"allowed_models: unknown model(s): {', '.join(unknown)}")
            elif name == "limit_usd":
                if value is not None and (not isinstance(value, (int, float)) or value < 0):
                    raise bad_request("limit_usd: must be a non-negative number")
                value = float(value) if value is not None else None
            elif name == "reset_interval":
                if value not in (None, "daily", "weekly", "monthly"):
                    raise bad_request("reset_interval: must be one of daily, weekly, monthly")
            elif name == "enforce_zdr":
                value = None if value is None else bool(value)
            elif name == "include_byok_in_budgets":
                value = bool(value)
            elif name == "name" and (not isinstance(value, str) or not value):
                raise bad_request("name: must be a non-empty string")
            out[name] = value
        return out

    def _guardrails_list(self, ctx: _Ctx) -> EmulatorResponse:
        return self._page(ctx, [g.public() for g in self.account.guardrails.values()])

    def _guardrails_create(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        if not isinstance(body.get("name"), str) or not body["name"]:
            raise bad_request("name: Required")
        fields = self._guardrail_fields(body)
        with self.account.lock:
            g = Guardrail(
                id=self.ids.uuid(),
                name=fields.pop("name"),
                created_at=self.ids.now(),
                workspace_id=str(body.get("workspace_id") or self.account.default_workspace_id),
                **fields,
            )
            self.account.guardrails[g.id] = g
        return json_response(201, {"data": g.public()})

    def _guardrails_get(self, ctx: _Ctx) -> EmulatorResponse:
        return json_response(200, {"data": self._get_guardrail(ctx).public()})

    def _guardrails_update(self, ctx: _Ctx) -> EmulatorResponse:
        g = self._get_guardrail(ctx)
        fields = self._guardrail_fields(ctx.body())
        with self.account.lock:
            for attr, value in fields.items():
                setattr(g, attr, value)
            g.updated_at = self.ids.now()
        return json_response(200, {"data": g.public()})

    def _guardrails_delete(self, ctx: _Ctx) -> EmulatorResponse:
        g = self._get_guardrail(ctx)
        with self.account.lock:
            del self.account.guardrails[g.id]
            self.account.key_assignments = [
                a for a in self.account.key_assignments if a.guardrail_id != g.id
            ]
            self.account.member_assignments = [
                a for a in self.account.member_assignments if a.guardrail_id != g.id
            ]
        return json_response(200, {"deleted": True})

    def _all_key_assignments(self, ctx: _Ctx) -> EmulatorResponse:
        acc = self.account
        return self._page(ctx, [acc.key_assignment_public(a) for a in acc.key_assignments])

    def _all_member_assignments(self, ctx: _Ctx) -> EmulatorResponse:
        acc = self.account
        return self._page(ctx, [acc.member_assignment_public(a) for a in acc.member_assignments])

    def _key_assignments(self, ctx: _Ctx) -> EmulatorResponse:
        g, acc = self._get_guardrail(ctx), self.account
        rows = [acc.key_assignment_public(a) for a in acc.key_assignments if a.guardrail_id == g.id]
        return self._page(ctx, rows)

    def _member_assignments(self, ctx: _Ctx) -> EmulatorResponse:
        g, acc = self._get_guardrail(ctx), self.account
        rows = [
            acc.member_assignment_public(a)
            for a in acc.member_assignments
            if a.guardrail_id == g.id
        ]
        return self._page(ctx, rows)

    def _targets(self, ctx: _Ctx, field: str) -> list[str]:
        values = ctx.body().get(field)
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise bad_request(f"{field}: must be a non-empty array of strings")
        return list(values)

    def _assign_keys(self, ctx: _Ctx) -> EmulatorResponse:
        return self._assign(ctx, "key_hashes", set(self.account.keys), "key hash(es)", False)

    def _unassign_keys(self, ctx: _Ctx) -> EmulatorResponse:
        return self._unassign(ctx, "key_hashes", members=False)

    def _assign_members(self, ctx: _Ctx) -> EmulatorResponse:
        known = {m.id for m in self.account.members}
        return self._assign(ctx, "member_user_ids", known, "member user id(s)", True)

    def _unassign_members(self, ctx: _Ctx) -> EmulatorResponse:
        return self._unassign(ctx, "member_user_ids", members=True)

    def _assign(
        self, ctx: _Ctx, field: str, known: set[str], what: str, members: bool
    ) -> EmulatorResponse:
        g = self._get_guardrail(ctx)
        targets = self._targets(ctx, field)
        unknown = [t for t in targets if t not in known]
        if unknown:
            raise bad_request(f"Unknown {what}: {', '.join(unknown)}")
        assert ctx.key is not None
        count = self.account.assign(g, targets, members=members, by=ctx.key.creator_user_id or "")
        return json_response(200, {"assigned_count": count})

    def _unassign(self, ctx: _Ctx, field: str, *, members: bool) -> EmulatorResponse:
        g = self._get_guardrail(ctx)
        count = self.account.unassign(g, self._targets(ctx, field), members=members)
        return json_response(200, {"unassigned_count": count})

    # OAuth PKCE --------------------------------------------------------------------
    def _auth_code(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        callback = body.get("callback_url")
        if not isinstance(callback, str) or not _callback_ok(callback):
            raise bad_request(
                "callback_url: only https URLs on ports 443 and 3000 (or http://localhost) are allowed"
            )
        method = body.get("code_challenge_method")
        challenge = body.get("code_challenge")
        if method is not None and method not in ("S256", "plain"):
            raise bad_request("code_challenge_method: must be S256 or plain")
        if method is not None and not challenge:
            raise bad_request("code_challenge: required when code_challenge_method is set")
        code = self.ids.hex(32)
        now = self.ids.now()
        from .state import AuthCode

        with self.account.lock:
            self.account.auth_codes[code] = AuthCode(
                code=code,
                callback_url=callback,
                challenge=challenge if isinstance(challenge, str) else None,
                method=(method or "plain") if challenge else None,
                limit=body.get("limit"),
                key_label=body.get("key_label"),
                expires_at=body.get("expires_at"),
                created_at=now,
            )
        return json_response(200, {"data": {"id": code, "app_id": 1, "created_at": iso(now)}})

    def _auth_exchange(self, ctx: _Ctx) -> EmulatorResponse:
        body = ctx.body()
        code = body.get("code")
        if not isinstance(code, str) or not code:
            raise bad_request("code: Required")
        with self.account.lock:
            entry = self.account.auth_codes.get(code)
            if entry is None or entry.used:
                raise ApiError(400, "Invalid code", with_user=False)
            if entry.challenge is not None:
                verifier = body.get("code_verifier")
                if not isinstance(verifier, str) or not verifier:
                    raise ApiError(400, "code_verifier: Required for this code", with_user=False)
                method = body.get("code_challenge_method") or entry.method
                if method == "S256":
                    digest = hashlib.sha256(verifier.encode()).digest()
                    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                else:
                    computed = verifier
                if computed != entry.challenge:
                    raise ApiError(403, "Invalid code_verifier", with_user=False)
            entry.used = True
        fields: dict[str, Any] = {}
        if isinstance(entry.limit, (int, float)):
            fields["limit"] = float(entry.limit)
        if isinstance(entry.expires_at, str):
            fields["expires_at"] = entry.expires_at
        _, secret = self.account.create_key(entry.key_label or "OAuth key", **fields)
        return json_response(200, {"key": secret, "user_id": self.account.owner.id})

    # faults ------------------------------------------------------------------------
    def _fault_status(self, fault: Fault, request: EmulatorRequest) -> EmulatorResponse:
        status = int(fault.status or 500)
        model = None
        try:
            parsed = json.loads(request.body) if request.body else {}
            model = parsed.get("model") if isinstance(parsed, dict) else None
        except ValueError:
            pass
        provider = None
        if isinstance(model, str) and (found := self.catalogue.get(model)) and found.endpoints:
            provider = found.endpoints[0].provider
        metadata: dict[str, Any] | None = None
        if status == 429:
            metadata = {
                "raw": f"{model or 'The model'} is temporarily rate-limited upstream. Please retry "
                "shortly, or add your own key to accumulate your rate limits: "
                "https://openrouter.ai/settings/integrations",
                "provider_name": provider,
            }
        elif status in (502, 529):
            metadata = {
                "raw": "Overloaded" if status == 529 else "Bad Gateway",
                "provider_name": provider,
            }
        extra = []
        if fault.retry_after is not None:
            ra = fault.retry_after
            extra.append(("retry-after", str(int(ra)) if float(ra).is_integer() else str(ra)))
        err = ApiError(status, fault.error_message, metadata, headers=extra)
        response = err.response(self.account.owner.id)
        response.first_byte_delay = fault.first_byte_delay
        if fault.malformed:
            response.body = response.body[: len(response.body) // 2]
        return response


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            return str(content or "")
    return ""


def _normalise(path: str) -> str:
    if "://" in path:
        path = urlparse(path).path
    path = path.split("?", 1)[0]
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX) :]
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


_UTC_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|\+00:?00)"
)


def utc_timestamp(value: Any) -> float | None:
    """Unix seconds of an ISO 8601 UTC timestamp (``Z`` or ``+00:00``), ``None`` if it is not
    one: OpenRouter rejects other time zones (spec: "Must be UTC")."""
    match = _UTC_TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        when = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
            tzinfo=dt.timezone.utc,
        )  # fmt: skip
    except ValueError:
        return None
    return when.timestamp() + (float(f"0.{fraction}") if fraction else 0.0)


def _callback_ok(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "https":
        return parsed.port in (None, 443, 3000) and bool(parsed.hostname)
    return parsed.scheme == "http" and parsed.hostname in ("localhost", "127.0.0.1")


def _apply(fault: Fault, response: EmulatorResponse) -> EmulatorResponse:
    """Decorate a normal answer with delays, an in-band error, a drop or a broken body."""
    response.first_byte_delay = fault.first_byte_delay
    response.chunk_delay = fault.chunk_delay
    if response.stream is not None:
        response.stream = _faulty_stream(response.stream, fault)
        return response
    body = response.body
    if fault.malformed:
        response.body = body[: max(1, len(body) // 2)]
    elif fault.error_after is not None:
        response.status = 200
        response.body = json.dumps(
            {"error": {"code": fault.error_code, "message": fault.error_message}},
            separators=(",", ":"),
        ).encode()
    elif fault.drop_after is not None:
        response.stream = _dropping(body)
        response.body = b""
    return response


def _dropping(body: bytes) -> Iterator[bytes]:
    yield body[: len(body) // 2]
    raise ConnectionDropped("emulated connection drop")


def _faulty_stream(stream: Iterator[bytes], fault: Fault) -> Iterator[bytes]:
    sent = 0
    seen: list[dict[str, Any]] = []  # the data events already sent, parsed
    for chunk in stream:
        is_data = chunk.startswith((b"data: ", b"event: ")) and chunk != sse.DONE
        if is_data:
            if fault.malformed:
                yield chunk[: max(8, len(chunk) // 2)] + b"\n\n"
                yield sse.DONE
                return
            if fault.drop_after is not None and sent >= fault.drop_after:
                raise ConnectionDropped("emulated connection drop")
            if fault.error_after is not None:
                current = _payload(chunk)
                if sent >= fault.error_after:
                    yield from _in_band_error(fault, chunk, current, seen, [chunk, *stream])
                    return
                if current is not None:
                    seen.append(current)
            sent += 1
        yield chunk


def _payload(chunk: bytes) -> dict[str, Any] | None:
    """The JSON object of one SSE event (``None`` for anything else)."""
    try:
        parsed = json.loads(chunk.split(b"data: ", 1)[1])
    except (IndexError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _in_band_error(
    fault: Fault,
    chunk: bytes,
    current: dict[str, Any] | None,
    seen: list[dict[str, Any]],
    rest: list[bytes],
) -> Iterator[bytes]:
    """The error a stream reports in place of ``chunk`` and everything after it (``rest``),
    in the wire format of that stream."""
    if chunk.startswith(b"event: "):  # Anthropic Messages: an ``error`` event, no [DONE]
        yield sse.named(
            "error",
            {"type": "error", "error": {"type": "api_error", "message": fault.error_message}},
        )
        return
    if str((current or {}).get("type") or "").startswith("response."):  # Responses API
        unsent = [p for p in map(_payload, rest) if p is not None]
        for event in responses.failure_events(seen, unsent, fault.error_code, fault.error_message):
            yield sse.data(event)
    else:
        last = seen[-1] if seen else current
        yield _error_chunk(last, fault, _final_usage(rest))
    yield sse.DONE


def _final_usage(rest: list[bytes]) -> dict[str, Any] | None:
    """The ``usage`` the unsent rest of a chat stream would have carried (real error chunks
    include it, see real-traffic test_openrouter_stream_error.yaml)."""
    for chunk in reversed(rest):
        if chunk.startswith(b"data: {") and b'"usage"' in chunk:
            try:
                usage = json.loads(chunk[6:]).get("usage")
            except ValueError:
                return None
            return usage if isinstance(usage, dict) else None
    return None


def _error_chunk(last: dict[str, Any] | None, fault: Fault, usage: dict[str, Any] | None) -> bytes:
    """A chat stream's error chunk: top-level ``error`` beside ``choices`` with
    ``finish_reason: null`` and the usage (real-traffic test_openrouter_stream_error.yaml)."""
    error = {"code": fault.error_code, "message": fault.error_message}
    if last is not None and last.get("object") == "chat.completion.chunk":
        return sse.data(
            {
                "id": last.get("id"),
                "provider": last.get("provider"),
                "error": error,
                "model": last.get("model"),
                "object": "chat.completion.chunk",
                "created": last.get("created"),
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None,
                        "native_finish_reason": None,
                        "logprobs": None,
                    }
                ],
                **({"usage": usage} if usage is not None else {}),
            }
        )
    return sse.data({"error": error})  # OpenRouter's generic in-band error event
