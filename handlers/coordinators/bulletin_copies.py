"""A published bulletin as it goes beyond its subscribers: a post in the topic's Telegram
channel, with the public page's link and a button back to the bot. Readers of a channel leave
it in Telegram itself, so the post carries no opt-out line."""

from __future__ import annotations

import re

from handlers.coordinators.posters import TOPIC_LINK, BadPayload, links, payload
from handlers.core.context import EngineConfig
from handlers.core.public_links import bulletin_path, public_url
from handlers.core.types import Button, Reply
from locales import Translator
from models.bulletins import Bulletin
from models.catalog import Topic
from models.localized import localized

GAPS = re.compile(r"\n{3,}")
TELEGRAM = "Telegram"


def with_link(t: Translator, text: str, link: str | None) -> str:
    """The text, then where to read and share it, when the site has an address."""
    text = GAPS.sub("\n\n", text).strip()
    return f"{text}\n\n{t('public.copy.online', link=link)}" if link else text


def bulletin_text(bulletin: Bulletin, topic: Topic, config: EngineConfig, locale: str) -> str:
    """The bulletin in one language with its public page's link."""
    t = Translator(locale)
    text = t(
        "public.copy.bulletin",
        topic=localized(topic.content, "title", locale),
        title=localized(bulletin.content, "title", locale),
        body=localized(bulletin.content, "body", locale),
    )
    return with_link(t, text, public_url(config, bulletin_path(topic.slug, bulletin.id), locale))


def channel_post(bulletin: Bulletin, topic: Topic, config: EngineConfig) -> Reply:
    """The channel's post, in the bot's default language, with a button to subscribe."""
    locale = config.default_locale
    try:
        found = links(config, payload(TOPIC_LINK, topic.slug))
    except BadPayload:
        found = []
    buttons = [
        [Button(Translator(locale)("public.copy.subscribe"), link.url)]
        for link in found
        if link.channel == TELEGRAM
    ]
    return Reply(bulletin_text(bulletin, topic, config, locale), buttons=buttons)
