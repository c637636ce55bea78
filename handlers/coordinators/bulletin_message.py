"""A bulletin as its subscribers see it: shared by the scheduler that sends it and the preview."""

from __future__ import annotations

import re

from handlers.core.types import Button, Reply
from handlers.people.subscriptions import TopicStop
from locales import Translator
from models.bulletins import Bulletin
from models.catalog import Topic
from models.localized import localized

GAPS = re.compile(r"\n{3,}")


def bulletin_message(bulletin: Bulletin, topic: Topic, locale: str) -> Reply:
    """The bulletin in one language, ending with the opt-out instruction the law requires."""
    t = Translator(locale)
    text = t(
        "bulletin.message",
        topic=localized(topic.content, "title", locale),
        title=localized(bulletin.content, "title", locale),
        body=localized(bulletin.content, "body", locale),
    )
    stop = Button(t("bulletin.unsubscribe"), TopicStop(topic.id).pack())
    # A one-line bulletin has a title and no body: leave no hole where the body would be.
    return Reply(GAPS.sub("\n\n", text), buttons=[[stop]])
