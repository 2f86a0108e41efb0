"""Fixtures for the selector tests: one emulator per test, a standard-key client and a
management-key client on it (the emulator enforces guardrails, so requests prove selections)."""

from emulator_accounts import admin, async_admin, async_user, emulator, transport, user  # noqa: F401
