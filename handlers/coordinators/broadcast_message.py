"""How a broadcast reads: the copy recipients get, its audience in words, the progress bar."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.types import Attachment, Button, Reply
from handlers.people.subscriptions import StopAll
from locales import Translator
from models.audience_kinds import KINDS
from models.broadcasts import Broadcast, Tally

BAR = 10
"""Cells in the progress bar."""


def message(locale: str, broadcast: Broadcast, image: Attachment | None = None) -> Reply:
    """The copy a recipient gets in their language (the Hebrew text when there is no English
    one), ending with the way out the anti-spam law requires; the text is the caption of the
    broadcast's photo, if it has one (`image`, see broadcast_image.image_of)."""
    t = Translator(locale)
    text = broadcast.text_en if locale == "en" and broadcast.text_en else broadcast.text
    body = f"{text}\n\n🔗 {broadcast.link}" if broadcast.link else text
    stop = Button(t("broadcast.unsubscribe"), StopAll().pack())
    text = t("broadcast.message", body=body)
    if image is None:
        return Reply(text, buttons=[[stop]])
    return Reply(text, buttons=[[stop]], attachments=[image], captioned=True)


async def describe(session: AsyncSession, t: Translator, broadcast: Broadcast) -> str:
    """The audience in words, such as "the waiting list of Northern forum"."""
    name = await KINDS[broadcast.kind].name(session, t, broadcast.value)
    return t(f"broadcast.audience.{broadcast.kind}", name=name)


def progress(t: Translator, tally: Tally, *, final: bool = False) -> str:
    """A bar with the sent, failed and blocked counts; the report once everything is settled."""
    done = tally.settled * BAR // tally.planned if tally.planned else BAR
    bar = "▓" * done + "░" * (BAR - done)
    return t(
        "broadcast.report" if final else "broadcast.progress",
        bar=bar,
        settled=tally.settled,
        planned=tally.planned,
        sent=tally.sent,
        failed=tally.failed,
        blocked=tally.blocked,
        withheld=tally.withheld,
    )
