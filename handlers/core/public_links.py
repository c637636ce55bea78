"""Addresses of the public web pages (served by bot/public), so that posters, broadcasts and
copies for forwarding link to the same pages the server answers."""

from __future__ import annotations

from handlers.core.context import EngineConfig

ENGLISH = "/en"
"""Prefix of the English pages; Hebrew ones have none."""


def page_path(locale: str, path: str) -> str:
    """`path` (starting with "/") in `locale`'s version of the site."""
    return f"{ENGLISH}{path}" if locale == "en" else path


def event_path(slug: str) -> str:
    return f"/e/{slug}"


def track_path(slug: str) -> str:
    return f"/t/{slug}"


def topic_path(slug: str) -> str:
    return f"/b/{slug}/"


def bulletin_path(topic_slug: str, bulletin_id: int) -> str:
    return f"/b/{topic_slug}/{bulletin_id}"


def public_url(config: EngineConfig, path: str, locale: str = "he") -> str | None:
    """The page's full address under PUBLIC_BASE_URL; None when the site has no address."""
    if not config.public_base_url:
        return None
    return config.public_base_url.rstrip("/") + page_path(locale, path)
