"""Account endpoints: GET /generation, GET /activity, GET /credits, POST /credits/coinbase, GET /organization/members."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .._pagination import Paginator
from ..errors import InvalidRequestError
from ._operations import operation
from ._resource import RequestOptions, Resource, page_query, split_options, split_query

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.activity import ActivityList
    from ..types.credits import CoinbaseCharge
    from ..types.credits import Credits as CreditsResponse
    from ..types.generations import GenerationResponse
    from ..types.organization import MemberList, OrganizationMember

NO_FIELDS: frozenset[str] = frozenset()
COINBASE_CHAINS = (1, 137, 8453)


class Generations(Resource):
    """What OpenRouter recorded about a generation."""

    content = operation("generations.content")
    """GET /generation/content: the stored prompt and completion of a generation."""
    submit_feedback = operation("generations.submit_feedback")
    """POST /generation/feedback: rate a generation."""

    def get(self, id: str, **options: Unpack[RequestOptions]) -> GenerationResponse:
        """Cost, tokens, latency and provider of the generation `id` (e.g. a completion's `.id`)."""
        split_options("generations.get", dict(options), NO_FIELDS)
        if not isinstance(id, str) or not id:
            raise InvalidRequestError("id", f"expected a non-empty string, got {id!r}")
        return self._request("generations.get", query={"id": id}, **options)  # type: ignore[no-any-return]


class Activity(Resource):
    """Usage history (management key)."""

    def list(self, *, date: str | None = None, **options: Unpack[RequestOptions]) -> ActivityList:
        """Activity of the last 30 days grouped by day, model and endpoint; `date` ('YYYY-MM-DD') picks one day."""
        query, found = split_query("activity.list", options, {"date": date})
        return self._request("activity.list", query=query, **found)  # type: ignore[no-any-return]


class Credits(Resource):
    """Account credits (management key)."""

    def get(self, **options: Unpack[RequestOptions]) -> CreditsResponse:
        """Total credits bought and used, in USD."""
        split_options("credits.get", dict(options), NO_FIELDS)
        return self._request("credits.get", **options)  # type: ignore[no-any-return]

    def create_coinbase_charge(
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
        warnings.warn(
            "POST /credits/coinbase is deprecated by OpenRouter; buy credits at "
            "https://openrouter.ai/settings/credits instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        split_options("credits.create_coinbase_charge", dict(options), NO_FIELDS)
        if chain_id is not None and chain_id not in COINBASE_CHAINS:
            raise InvalidRequestError(
                "chain_id",
                f"expected one of {', '.join(map(str, COINBASE_CHAINS))}, got {chain_id!r}",
            )
        given = {"amount": amount, "sender": sender, "chain_id": chain_id}
        body = {k: v for k, v in given.items() if v is not None} or None
        return self._request("credits.create_coinbase_charge", body=body, **options)  # type: ignore[no-any-return]


class Organization(Resource):
    """The organization (management key)."""

    def list_members(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> MemberList:
        """One page of the organization's members."""
        split_options("organization.list_members", dict(options), NO_FIELDS)
        return self._request(  # type: ignore[no-any-return]
            "organization.list_members", query=page_query(offset, limit), **options
        )

    def list_all_members(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Paginator[OrganizationMember]:
        """Every member, page by page (`for`, or `async for` with AsyncOpenRouter)."""
        split_options("organization.list_all_members", dict(options), NO_FIELDS)
        page_query(None, limit)

        def fetch(offset: int) -> Any:
            return self.list_members(offset=offset, limit=limit, **options)

        return Paginator(fetch, limit=limit)
