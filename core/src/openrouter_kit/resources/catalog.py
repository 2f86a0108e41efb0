"""Catalogue endpoints outside `models`: GET /endpoints/zdr and GET /providers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._resource import RequestOptions, Resource, split_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..types.models import ZdrEndpoints
    from ..types.providers import ProviderList

NO_FIELDS: frozenset[str] = frozenset()


class Endpoints(Resource):
    """Provider endpoints across models."""

    def zdr(self, **options: Unpack[RequestOptions]) -> ZdrEndpoints:
        """The endpoints that keep zero data retention (what ZDR-only routing can use)."""
        split_options("endpoints.zdr", dict(options), NO_FIELDS)
        return self._request("endpoints.zdr", **options)  # type: ignore[no-any-return]


class Providers(Resource):
    """The upstream providers."""

    def list(self, **options: Unpack[RequestOptions]) -> ProviderList:
        """Every provider with its name, slug and policy links."""
        split_options("providers.list", dict(options), NO_FIELDS)
        return self._request("providers.list", **options)  # type: ignore[no-any-return]
