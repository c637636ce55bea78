"""Phone numbers in E.164, understanding the ways Israelis write them (050-123-4567, 972…)."""

from __future__ import annotations

import re

ISRAEL = "972"
SEPARATORS = re.compile(r"[\s\-().\u200e\u200f]")


def to_e164(raw: str) -> str | None:
    """'050-123 4567' → '+972501234567'; None when it cannot be a phone number."""
    digits = SEPARATORS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        number = digits[1:]
    elif digits.startswith(ISRAEL):
        number = digits
    elif digits.startswith("0"):
        number = ISRAEL + digits[1:]
    else:
        return None
    if not number.isdigit():
        return None
    if number.startswith(ISRAEL):
        local = number[len(ISRAEL) :]
        # Mobiles are 5x + 7 digits; landlines 2/3/4/8/9 + 7 digits; 7x VoIP + 8 digits.
        if not re.fullmatch(r"5\d{8}|[23489]\d{7}|7\d{8}", local):
            return None
    elif not 8 <= len(number) <= 15:
        return None
    return "+" + number
