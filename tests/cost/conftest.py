"""Fixtures for the cost and budget tests: one emulator per test, a standard-key client and a
management-key client on it (usage.cost in every response comes from the emulator)."""

from emulator_accounts import admin, async_admin, async_user, emulator, transport, user  # noqa: F401
