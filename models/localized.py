"""Per-language content stored as JSON, read with a fallback to the default locale."""

from __future__ import annotations

from typing import Any

DEFAULT_LOCALE = "he"


def localized(content: dict[str, Any] | None, field: str, locale: str) -> str:
    """Return `field` in `locale`, else in the default locale, else in any language that has it."""
    content = content or {}
    for lang in (locale, DEFAULT_LOCALE, *content.keys()):
        value = (content.get(lang) or {}).get(field)
        if value:
            return str(value)
    return ""
