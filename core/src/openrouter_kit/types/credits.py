"""Types of GET /credits and the deprecated POST /credits/coinbase."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._base import OpenRouterModel
from .common import DataObject


class CreditsData(OpenRouterModel):
    __columns__ = "total_credits:$ total_usage:$ remaining:$"
    total_credits: float | None = None
    total_usage: float | None = None

    @property
    def remaining(self) -> float | None:
        """Credits left in USD (total_credits - total_usage)."""
        if self.total_credits is None or self.total_usage is None:
            return None
        return self.total_credits - self.total_usage


class Credits(DataObject[CreditsData]):
    """`data.total_credits` purchased and `data.total_usage` spent, in USD."""


class TransferIntent(OpenRouterModel):
    call_data: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class Web3Data(OpenRouterModel):
    transfer_intent: TransferIntent | None = None


class CoinbaseChargeData(OpenRouterModel):
    id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    web3_data: Web3Data | None = None


class CoinbaseCharge(DataObject[CoinbaseChargeData]):
    """The calldata to fulfil a crypto payment (deprecated endpoint)."""
