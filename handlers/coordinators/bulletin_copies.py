"""Bulletins and events as they go beyond the bot's subscribers: a post in a topic's Telegram
channel (with a button back to the bot), and the copy a kibbutz contact forwards to the
kibbutz's groups (short, with the public page's link). Neither is addressed to one person, so
neither carries a personal opt-out line: readers leave a channel in Telegram itself, and a
contact's copies stop when the role does."""

from __future__ import annotations

import re

from handlers.coordinators.posters import EVENT_LINK, TOPIC_LINK, BadPayload, Link, links, payload
from handlers.core.context import EngineConfig
from handlers.core.public_links import bulletin_path, event_path, public_url
from handlers.core.types import Button, Reply
from locales import Translator
from locales.dates import format_span
from models.bulletins import Bulletin
from models.catalog import Event, Topic
from models.localized import localized

GAPS = re.compile(r"\n{3,}")
TELEGRAM = "Telegram"
FORWARD_BODY = 500
"""Characters of a bulletin's body or an event's description a forwarded copy keeps: a
WhatsApp group reads a screenful; the link has the rest."""


def _short(text: str, limit: int = FORWARD_BODY) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def with_link(t: Translator, text: str, link: str | None) -> str:
    """The text, then where to read and share it, when the site has an address."""
    text = GAPS.sub("\n\n", text).strip()
    return f"{text}\n\n{t('public.copy.online', link=link)}" if link else text


def bulletin_text(
    bulletin: Bulletin, topic: Topic, config: EngineConfig, locale: str, limit: int | None = None
) -> str:
    """The bulletin in one language with its public page's link; the body cut to `limit`."""
    t = Translator(locale)
    body = localized(bulletin.content, "body", locale)
    text = t(
        "public.copy.bulletin",
        topic=localized(topic.content, "title", locale),
        title=localized(bulletin.content, "title", locale),
        body=_short(body, limit) if limit else body,
    )
    return with_link(t, text, public_url(config, bulletin_path(topic.slug, bulletin.id), locale))


def channel_post(bulletin: Bulletin, topic: Topic, config: EngineConfig) -> Reply:
    """The channel's post, in the bot's default language, with a button to subscribe."""
    locale = config.default_locale
    found = deep_links(config, TOPIC_LINK, topic.slug)
    buttons = [
        [Button(Translator(locale)("public.copy.subscribe"), link.url)]
        for link in found
        if link.channel == TELEGRAM
    ]
    return Reply(bulletin_text(bulletin, topic, config, locale), buttons=buttons)


def forward_bulletin(bulletin: Bulletin, topic: Topic, config: EngineConfig, locale: str) -> Reply:
    """A kibbutz contact's copy of a bulletin: short, the link for the rest, nothing personal."""
    return Reply(bulletin_text(bulletin, topic, config, locale, FORWARD_BODY))


def forward_event(event: Event, config: EngineConfig, locale: str) -> Reply:
    """A kibbutz contact's copy of an event: what, when, where, and where to register."""
    t = Translator(locale)
    lines = [
        f"📅 {localized(event.content, 'title', locale)}",
        t(
            "events.card.when",
            when=format_span(event.starts_at, event.ends_at, locale, config.timezone),
        ),
    ]
    if place := localized(event.content, "place", locale):
        lines.append(t("events.card.place", place=place))
    if description := localized(event.content, "description", locale):
        lines += ["", _short(description)]
    link = public_url(config, event_path(event.slug), locale)
    if link is None:
        link = next((found.url for found in deep_links(config, EVENT_LINK, event.slug)), None)
    return Reply(with_link(t, "\n".join(lines), link))


def deep_links(config: EngineConfig, prefix: str, slug: str) -> list[Link]:
    """The bot's deep links for a slug on each configured channel; none for a slug no link
    can carry."""
    try:
        return links(config, payload(prefix, slug))
    except BadPayload:
        return []
