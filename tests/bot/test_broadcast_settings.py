"""BROADCAST_APPROVAL_THRESHOLD reaches the conversations; a bad value names the key."""

from __future__ import annotations

import pytest

from bot.app import engine_config
from bot.settings import SettingsError, load_settings


def test_the_approval_threshold_defaults_to_500_and_reaches_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BROADCAST_APPROVAL_THRESHOLD", raising=False)
    assert engine_config(load_settings()).broadcast_approval_threshold == 500
    monkeypatch.setenv("BROADCAST_APPROVAL_THRESHOLD", "50")
    assert engine_config(load_settings()).broadcast_approval_threshold == 50


@pytest.mark.parametrize("value", ["-1", "many"])
def test_a_bad_threshold_names_the_key(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BROADCAST_APPROVAL_THRESHOLD", value)
    with pytest.raises(SettingsError, match=r"^BROADCAST_APPROVAL_THRESHOLD:"):
        load_settings()
