"""Button payloads survive the round trip and never exceed Telegram's 64 bytes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from handlers.core.callback import CallbackData, InvalidPayload, unpack


@dataclass(frozen=True)
class Sample(CallbackData, prefix="test-sample"):
    item: int
    word: str
    flag: bool
    maybe: int | None


def test_payload_round_trips_with_its_types() -> None:
    data = Sample(42, "אישור", True, None)
    assert unpack(data.pack()) == data
    assert Sample.parse(data.pack()) == data


def test_payload_over_64_bytes_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Sample(1, "א" * 40, False, 1).pack()


def test_separator_inside_a_value_is_refused() -> None:
    with pytest.raises(ValueError):
        Sample(1, "a:b", False, 1).pack()


@pytest.mark.parametrize(
    "payload", ["", "nope:1", "test-sample:x:y:1:", "test-sample:1:w:1", "test-sample:1:w:1::"]
)
def test_unreadable_payloads_raise_invalid_payload(payload: str) -> None:
    with pytest.raises(InvalidPayload):
        unpack(payload)
