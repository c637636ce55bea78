"""Phone numbers as Israelis type them become E.164; nonsense is refused."""

from __future__ import annotations

import pytest

from models.phones import to_e164


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("050-123-4567", "+972501234567"),
        ("0501234567", "+972501234567"),
        ("+972 50 123 4567", "+972501234567"),
        ("972501234567", "+972501234567"),
        ("00972-50-1234567", "+972501234567"),
        ("\u200e054 765 4321", "+972547654321"),
        ("03-5301382", "+97235301382"),
        ("+1 212 555 0100", "+12125550100"),
    ],
)
def test_accepted_formats(typed: str, e164: str) -> None:
    assert to_e164(typed) == e164


@pytest.mark.parametrize(
    "typed", ["", "hello", "050-123", "050-1234-56789", "12345", "+972 12 345", "05O1234567"]
)
def test_refused(typed: str) -> None:
    assert to_e164(typed) is None
