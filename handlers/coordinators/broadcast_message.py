"""How a broadcast reads: the copy recipients get, its audience in words, the progress bar."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.types import Button, Reply
from handlers.people.newsletter import StopAll
from locales import Translator
from models.broadcasts import AudienceKind, Broadcast, Tally
from models.catalog import Event, Question, Topic, Track
from models.discovery import option_label
from models.localized import localized

BAR = 10
"""Cells in the progress bar."""


def message(locale: str, broadcast: Broadcast) -> Reply:
    """The copy a recipient gets, ending with the way out the anti-spam law requires."""
    t = Translator(locale)
    body = f"{broadcast.text}\n\n🔗 {broadcast.link}" if broadcast.link else broadcast.text
    stop = Button(t("broadcast.unsubscribe"), StopAll().pack())
    return Reply(t("broadcast.message", body=body), buttons=[[stop]])


async def describe(session: AsyncSession, t: Translator, broadcast: Broadcast) -> str:
    """The audience in words, such as "the waiting list of Northern forum"."""
    kind, name = broadcast.kind, broadcast.value or ""
    if kind == AudienceKind.TOPIC:
        topic = await session.get(Topic, int(name))
        name = localized(topic.content, "title", t.locale) if topic else name
    elif kind == AudienceKind.TRACK:
        track = await session.scalar(select(Track).where(Track.slug == name))
        name = localized(track.content, "title", t.locale) if track else name
    elif kind == AudienceKind.REGION:
        questions = list(await session.scalars(select(Question)))
        name = option_label(questions, "region", name, t.locale)
    elif kind.transactional:
        event = await session.get(Event, int(name))
        name = localized(event.content, "title", t.locale) if event else name
    return t(f"broadcast.audience.{kind}", name=name)


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
