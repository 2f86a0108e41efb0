"""Async views of the resources, for type checkers only (generated; do not edit).

Regenerate with `uv run python tools/gen_async_stubs.py`; tests/core/test_async_stubs.py fails
when this file is stale. AsyncOpenRouter's resource attributes are annotated with these classes.
"""

# ruff: noqa

from .._pagination import Paginator
from .._streaming import AsyncStream
from ..types.activity import ActivityList
from ..types.auth import AuthCode
from ..types.auth import AuthKey
from ..types.chat import ChatCompletion
from ..types.chat import ChatCompletionChunk
from ..types.common import Deleted
from ..types.credits import CoinbaseCharge
from ..types.credits import Credits as CreditsResponse
from ..types.embeddings import EmbeddingResponse
from ..types.embeddings import Float32EmbeddingResponse
from ..types.generations import GenerationResponse
from ..types.guardrails import AssignedCount
from ..types.guardrails import Guardrail
from ..types.guardrails import GuardrailList
from ..types.guardrails import GuardrailResponse
from ..types.guardrails import KeyAssignment
from ..types.guardrails import KeyAssignmentList
from ..types.guardrails import MemberAssignment
from ..types.guardrails import MemberAssignmentList
from ..types.guardrails import UnassignedCount
from ..types.keys import ApiKey
from ..types.keys import CreatedKey
from ..types.keys import CurrentKeyResponse
from ..types.keys import KeyList
from ..types.keys import KeyResponse
from ..types.messages import MessageStreamEvent
from ..types.models import ModelCount
from ..types.models import ModelEndpoints
from ..types.models import ModelList
from ..types.models import ZdrEndpoints
from ..types.organization import MemberList
from ..types.organization import OrganizationMember
from ..types.providers import ProviderList
from ..types.rerank import RerankResponse
from ..types.responses import Response
from ..types.responses import ResponseStreamEvent
from ._resource import RequestOptions
from ._resource import Resource
from .auth import AuthCodeParams
from .chat import ChatParams
from .chat import Message
from .embeddings import EmbeddingParams
from .guardrails import GuardrailParams
from .guardrails import GuardrailUpdateParams
from .keys import KeyParams
from .keys import KeyUpdateParams
from .messages import MessageParams
from .rerank import RerankParams
from .responses import ResponseParams
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Literal
from typing import overload
from typing_extensions import Unpack

class AsyncActivity(Resource):
    """Usage history (management key)."""
    async def list(
        self, *, date: str | None = None, **options: Unpack[RequestOptions]
    ) -> ActivityList:
        """Activity of the last 30 days grouped by day, model and endpoint; `date` ('YYYY-MM-DD') picks one day."""

class AsyncCredits(Resource):
    """Account credits (management key)."""
    async def get(self, **options: Unpack[RequestOptions]) -> CreditsResponse:
        """Total credits bought and used, in USD."""

    async def create_coinbase_charge(
        self,
        *,
        amount: float | None = None,
        sender: str | None = None,
        chain_id: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> CoinbaseCharge:
        """Deprecated by OpenRouter (it never succeeds now): a Coinbase Commerce charge for credits.

        The API document gives it no parameters; the earlier `amount`, `sender` and `chain_id`
        are still sent when given.
        """

class AsyncGenerations(Resource):
    """What OpenRouter recorded about a generation."""
    async def content(self, *args: str, **params: Any) -> Any: ...
    async def submit_feedback(self, *args: str, **params: Any) -> Any: ...
    async def get(self, id: str, **options: Unpack[RequestOptions]) -> GenerationResponse:
        """Cost, tokens, latency and provider of the generation `id` (e.g. a completion's `.id`)."""

class AsyncOrganization(Resource):
    """The organization (management key)."""
    async def list_members(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> MemberList:
        """One page of the organization's members."""

    def list_all_members(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[OrganizationMember]:
        """Every member, page by page (`for`, or `async for` with AsyncOpenRouter)."""

class AsyncAnalytics(Resource):
    """Analytics: the query metadata and queries over usage."""
    async def meta(self, *args: str, **params: Any) -> Any: ...
    async def query(self, *args: str, **params: Any) -> Any: ...

class AsyncAudio(Resource):
    """Audio: speech from text (binary audio) and transcriptions."""
    async def create_speech(self, *args: str, **params: Any) -> Any: ...
    async def create_transcription(self, *args: str, **params: Any) -> Any: ...

class AsyncAuth(Resource):
    """The OAuth PKCE flow: create an authorization code, exchange a code for a user's key."""
    async def create_code(self, *, callback_url: str, **params: Unpack[AuthCodeParams]) -> AuthCode:
        """Create an authorization code for `callback_url` (https on port 443 or 3000)."""

    async def exchange_code(
        self,
        *,
        code: str,
        code_verifier: str | None = None,
        code_challenge_method: Literal["S256", "plain"] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AuthKey:
        """Finish the flow: trade the `code` from the callback (and your verifier) for the user's key.

        The key is masked in repr and logs; read it with `.key.get_secret_value()`.
        """

class AsyncBenchmarks(Resource):
    """Benchmarks of models."""
    async def list(self, *args: str, **params: Any) -> Any: ...

class AsyncByok(Resource):
    """Bring-your-own-key provider keys (management key)."""
    async def list(self, *args: str, **params: Any) -> Any: ...
    def list_all(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def create(self, *args: str, **params: Any) -> Any: ...
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def update(self, *args: str, **params: Any) -> Any: ...
    async def delete(self, *args: str, **params: Any) -> Any: ...

class AsyncEndpoints(Resource):
    """Provider endpoints across models."""
    async def zdr(self, **options: Unpack[RequestOptions]) -> ZdrEndpoints:
        """The endpoints that keep zero data retention (what ZDR-only routing can use)."""

class AsyncProviders(Resource):
    """The upstream providers."""
    async def list(self, **options: Unpack[RequestOptions]) -> ProviderList:
        """Every provider with its name, slug and policy links."""

class AsyncChat(Resource):
    """The chat group: `chat.completions`."""

    completions: AsyncCompletions

class AsyncCompletions(Resource):
    """Chat completions: one call, or a stream of chunks."""
    @overload
    async def create(
        self,
        *,
        messages: Sequence[Message],
        stream: Literal[False] = False,
        **params: Unpack[ChatParams],
    ) -> ChatCompletion: ...
    @overload
    async def create(
        self, *, messages: Sequence[Message], stream: Literal[True], **params: Unpack[ChatParams]
    ) -> AsyncStream[ChatCompletionChunk]: ...

class AsyncClassifications(Resource):
    """Task classifications of requests."""
    async def tasks(self, *args: str, **params: Any) -> Any: ...

class AsyncDatasets(Resource):
    """Public datasets: app rankings, daily rankings, session cost."""
    async def app_rankings(self, *args: str, **params: Any) -> Any: ...
    async def rankings_daily(self, *args: str, **params: Any) -> Any: ...
    async def session_cost(self, *args: str, **params: Any) -> Any: ...

class AsyncEmbeddings(Resource):
    """Vector embeddings."""
    @overload
    async def create(
        self,
        *,
        model: str,
        input: str | Sequence[str],
        vector_type: Literal["list"] = "list",
        **params: Unpack[EmbeddingParams],
    ) -> EmbeddingResponse: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        input: str | Sequence[str],
        vector_type: Literal["array"],
        **params: Unpack[EmbeddingParams],
    ) -> Float32EmbeddingResponse: ...
    async def list_models(self, **options: Unpack[RequestOptions]) -> ModelList:
        """The embedding models, in the same shape as GET /models."""

class AsyncFiles(Resource):
    """Files: upload (multipart), list, metadata, content (binary), delete."""
    async def list(self, *args: str, **params: Any) -> Any: ...
    def list_all(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def create(self, *args: str, **params: Any) -> Any: ...
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def content(self, *args: str, **params: Any) -> Any: ...
    async def delete(self, *args: str, **params: Any) -> Any: ...

class AsyncGuardrails(Resource):
    """Guardrails: spending limits and model/provider rules for keys and members."""
    async def list(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> GuardrailList:
        """One page of guardrails (limit at most 100); `total_count` counts them all."""

    def list_all(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[Guardrail]:
        """Every guardrail, page by page (`for`, or `async for` with AsyncOpenRouter)."""

    async def create(self, *, name: str, **params: Unpack[GuardrailParams]) -> GuardrailResponse:
        """Create a guardrail; assign it to keys or members afterwards."""

    async def get(self, id: str, **options: Unpack[RequestOptions]) -> GuardrailResponse:
        """One guardrail by id."""

    async def update(self, id: str, **params: Unpack[GuardrailUpdateParams]) -> GuardrailResponse:
        """Change some settings of a guardrail; fields not passed stay as they are."""

    async def delete(self, id: str, **options: Unpack[RequestOptions]) -> Deleted:
        """Delete a guardrail and its assignments."""

    async def list_key_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeyAssignmentList:
        """One page of key assignments: the account's, or one guardrail's with `guardrail_id`."""

    async def list_member_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> MemberAssignmentList:
        """One page of member assignments: the account's, or one guardrail's with `guardrail_id`."""

    def list_all_key_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Paginator[KeyAssignment]:
        """Every key assignment (of the account, or of one guardrail), page by page."""

    def list_all_member_assignments(
        self,
        guardrail_id: str | None = None,
        *,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Paginator[MemberAssignment]:
        """Every member assignment (of the account, or of one guardrail), page by page."""

    async def assign_keys(
        self, id: str, *, key_hashes: Sequence[str], **options: Unpack[RequestOptions]
    ) -> AssignedCount:
        """Apply guardrail `id` to these keys (by hash)."""

    async def unassign_keys(
        self, id: str, *, key_hashes: Sequence[str], **options: Unpack[RequestOptions]
    ) -> UnassignedCount:
        """Remove guardrail `id` from these keys."""

    async def assign_members(
        self, id: str, *, member_user_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> AssignedCount:
        """Apply guardrail `id` to these organization members (and so to the keys they make)."""

    async def unassign_members(
        self, id: str, *, member_user_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> UnassignedCount:
        """Remove guardrail `id` from these members."""

class AsyncImages(Resource):
    """Image generation, image models and their endpoints."""
    async def generate(self, *args: str, **params: Any) -> Any: ...
    async def list_models(self, *args: str, **params: Any) -> Any: ...
    async def endpoints(self, *args: str, **params: Any) -> Any: ...

class AsyncKeys(Resource):
    """API keys: the current one, and managed ones (management key)."""
    async def current(self, **options: Unpack[RequestOptions]) -> CurrentKeyResponse:
        """The key making this call: label, limit, usage, and whether it is a management key."""

    async def list(
        self,
        *,
        include_disabled: bool | None = None,
        offset: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeyList:
        """One page (up to 100) of the account's keys; `offset` skips that many."""

    def list_all(
        self, *, include_disabled: bool | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[ApiKey]:
        """Every key, page by page (`for`, or `async for` with AsyncOpenRouter)."""

    async def create(self, *, name: str, **params: Unpack[KeyParams]) -> CreatedKey:
        """Create a key. The secret is in `.key` (masked; `.key.get_secret_value()`), shown only once."""

    async def get(self, hash: str, **options: Unpack[RequestOptions]) -> KeyResponse:
        """One key by its hash."""

    async def update(self, hash: str, **params: Unpack[KeyUpdateParams]) -> KeyResponse:
        """Change a key's name, disabled flag, limit or reset; `limit=None` removes the limit."""

    async def delete(self, hash: str, **options: Unpack[RequestOptions]) -> Deleted:
        """Delete a key; it stops working at once."""

class AsyncMessages(Resource):
    """The Anthropic-compatible Messages API: one call, or a stream of typed events."""
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        stream: Literal[False] = False,
        **params: Unpack[MessageParams],
    ) -> Message: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        stream: Literal[True],
        **params: Unpack[MessageParams],
    ) -> AsyncStream[MessageStreamEvent]: ...

class AsyncModels(Resource):
    """The model catalogue."""
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def list(
        self,
        *,
        category: str | None = None,
        supported_parameters: str | Sequence[str] | None = None,
        output_modalities: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ModelList:
        """All models, optionally filtered by category, supported parameters or output modalities."""

    async def count(
        self,
        *,
        output_modalities: str | Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ModelCount:
        """How many models there are (for the given output modalities)."""

    async def endpoints(self, model: str, **options: Unpack[RequestOptions]) -> ModelEndpoints:
        """Every provider endpoint serving `model` ('author/slug'), with prices, limits and health."""

    async def list_for_user(self, **options: Unpack[RequestOptions]) -> ModelList:
        """The models this key may use, after its provider preferences, privacy settings and guardrails."""

class AsyncObservability(Resource):
    """Observability destinations (management key)."""
    async def list_destinations(self, *args: str, **params: Any) -> Any: ...
    def list_all_destinations(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def create_destination(self, *args: str, **params: Any) -> Any: ...
    async def get_destination(self, *args: str, **params: Any) -> Any: ...
    async def update_destination(self, *args: str, **params: Any) -> Any: ...
    async def delete_destination(self, *args: str, **params: Any) -> Any: ...

class AsyncPresets(Resource):
    """Presets, their versions, and chat/messages/responses through a preset."""
    async def list(self, *args: str, **params: Any) -> Any: ...
    def list_all(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def list_versions(self, *args: str, **params: Any) -> Any: ...
    def list_all_versions(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def get_version(self, *args: str, **params: Any) -> Any: ...
    async def create_chat_completion(self, *args: str, **params: Any) -> Any: ...
    async def create_message(self, *args: str, **params: Any) -> Any: ...
    async def create_response(self, *args: str, **params: Any) -> Any: ...

class AsyncRerank(Resource):
    """Relevance reranking of documents against a query."""
    async def create(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str | Mapping[str, Any]],
        top_n: int | None = None,
        **params: Unpack[RerankParams],
    ) -> RerankResponse:
        """Score documents against the query; results are sorted by relevance, `index` points into `documents`."""

    async def list_models(self, **options: Unpack[RequestOptions]) -> ModelList:
        """The rerank models, in the same shape as GET /models."""

class AsyncResponses(Resource):
    """The Responses API: one call, or a stream of typed events."""
    @overload
    async def create(
        self, *, stream: Literal[False] = False, **params: Unpack[ResponseParams]
    ) -> Response: ...
    @overload
    async def create(
        self, *, stream: Literal[True], **params: Unpack[ResponseParams]
    ) -> AsyncStream[ResponseStreamEvent]: ...

class AsyncScim(Resource):
    """SCIM group mappings and groups (management key)."""
    async def list_group_mappings(self, *args: str, **params: Any) -> Any: ...
    def list_all_group_mappings(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def create_group_mapping(self, *args: str, **params: Any) -> Any: ...
    async def get_group_mapping(self, *args: str, **params: Any) -> Any: ...
    async def update_group_mapping(self, *args: str, **params: Any) -> Any: ...
    async def delete_group_mapping(self, *args: str, **params: Any) -> Any: ...
    async def list_groups(self, *args: str, **params: Any) -> Any: ...
    def list_all_groups(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...

class AsyncVideos(Resource):
    """Video generation as asynchronous jobs, their content (binary), video models."""
    async def create(self, *args: str, **params: Any) -> Any: ...
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def content(self, *args: str, **params: Any) -> Any: ...
    async def list_models(self, *args: str, **params: Any) -> Any: ...

class AsyncWorkspaces(Resource):
    """Workspaces, their budgets per interval and members (management key)."""
    async def list(self, *args: str, **params: Any) -> Any: ...
    def list_all(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def create(self, *args: str, **params: Any) -> Any: ...
    async def get(self, *args: str, **params: Any) -> Any: ...
    async def update(self, *args: str, **params: Any) -> Any: ...
    async def delete(self, *args: str, **params: Any) -> Any: ...
    async def list_budgets(self, *args: str, **params: Any) -> Any: ...
    async def get_budget(self, *args: str, **params: Any) -> Any: ...
    async def set_budget(self, *args: str, **params: Any) -> Any: ...
    async def delete_budget(self, *args: str, **params: Any) -> Any: ...
    async def list_members(self, *args: str, **params: Any) -> Any: ...
    def list_all_members(
        self, *args: str, max_items: int | None = None, **params: Any
    ) -> Paginator[Any]: ...
    async def add_members(self, *args: str, **params: Any) -> Any: ...
    async def remove_members(self, *args: str, **params: Any) -> Any: ...
