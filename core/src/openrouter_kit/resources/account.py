"""Account endpoints: GET /generation, GET /activity, GET /credits, POST /credits/coinbase, GET /organization/members."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .._pagination import Paginator
from ..errors import InvalidRequestError
from ._resource import RequestOptions, Resource, page_query, split_options

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
        split_options("activity.list", dict(options), NO_FIELDS)
        return self._request("activity.list", query={"date": date}, **options)  # type: ignore[no-any-return]


class Credits(Resource):
    """Account credits (management key)."""

    def get(self, **options: Unpack[RequestOptions]) -> CreditsResponse:
        """Total credits bought and used, in USD."""
        split_options("credits.get", dict(options), NO_FIELDS)
        return self._request("credits.get", **options)  # type: ignore[no-any-return]

    def create_coinbase_charge(
        self, *, amount: float, sender: str, chain_id: int, **options: Unpack[RequestOptions]
    ) -> CoinbaseCharge:
        """Deprecated by OpenRouter: create a Coinbase Commerce charge to buy credits with crypto."""
        warnings.warn(
            "POST /credits/coinbase is deprecated by OpenRouter; buy credits at "
            "https://openrouter.ai/settings/credits instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        split_options("credits.create_coinbase_charge", dict(options), NO_FIELDS)
        if chain_id not in COINBASE_CHAINS:
            raise InvalidRequestError(
                "chain_id",
                f"expected one of {', '.join(map(str, COINBASE_CHAINS))}, got {chain_id!r}",
            )
        body = {"amount": amount, "sender": sender, "chain_id": chain_id}
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
