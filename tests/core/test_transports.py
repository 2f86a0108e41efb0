"""`base_url="emulator://"` finds the emulator through an entry point; without it, the error says what to install."""

from __future__ import annotations

import importlib.util

import httpx
import pytest
from openrouter_kit import OpenRouter, _transports, cli


def test_the_emulator_scheme_is_served_by_the_emulator_distribution() -> None:
    from openrouter_kit_emulator import EmulatorTransport

    transport = _transports.for_scheme("emulator")
    assert isinstance(transport, EmulatorTransport)
    with OpenRouter(base_url="emulator://") as client:
        assert client.models.count().data.count > 0


def test_an_unknown_scheme_names_what_is_missing() -> None:
    with pytest.raises(ImportError, match="'nowhere://'"):
        _transports.for_scheme("nowhere")


def test_without_the_emulator_the_client_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_transports, "ENTRY_POINT_GROUP", "openrouter_kit.no-such-group")
    with pytest.raises(ImportError, match=r'pip install "openrouter-kit\[emulator\]"'):
        OpenRouter(base_url="emulator://")
    # a caller's own client still works: the plug-in is needed only to create one
    OpenRouter(base_url="emulator://", http_client=httpx.Client()).close()


@pytest.mark.parametrize("command", ["emulator", "demo"])
def test_cli_commands_that_need_the_emulator_say_so(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "openrouter_kit_emulator" else real_find_spec(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert cli.main([command]) == 2
    err = capsys.readouterr().err
    assert f"`openrouter-kit {command}` needs the offline emulator" in err
    assert 'pip install "openrouter-kit[emulator]"' in err
