"""The response team's threads: a person's question or lead, and everything said about it.

A thread is one item in the coordinators' inbox. Its messages are the person's words, the team's
answers, internal notes and hand-overs, in order. When the person is deleted the thread stays
without them and without its messages, so the counts and the times to answer remain.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    delete,
    false,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.catalog import Track
from models.localized import localized
from models.registrations import Lead

OVERDUE = timedelta(hours=48)
"""An item nobody answered for this long is raised in the digest and to national coordinators."""
MAX_TEXT = 3500
"""Longest message kept: what fits one Telegram message with room for the heading."""


class ThreadKind(StrEnum):
    """A QUESTION someone asked, or a LEAD left with "I'm interested"."""

    QUESTION = "question"
    LEAD = "lead"


class ThreadStatus(StrEnum):
    """OPEN (waiting for the team) → CLAIMED (a coordinator took it) → ANSWERED (the person
    has an answer) → OPEN or CLAIMED again when the person replies; any of them → DONE when a
    coordinator marks it so. A hand-over keeps it CLAIMED, by the other coordinator."""

    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    DONE = "done"


WAITING_FOR_TEAM = (ThreadStatus.OPEN, ThreadStatus.CLAIMED)
NOT_DONE = (ThreadStatus.OPEN, ThreadStatus.CLAIMED, ThreadStatus.ANSWERED)


class Author(StrEnum):
    """Who wrote a thread message: the PERSON, the TEAM (an answer the person receives), a
    NOTE only coordinators see, or a HANDOFF to another coordinator."""

    PERSON = "person"
    TEAM = "team"
    NOTE = "note"
    HANDOFF = "handoff"


class Thread(Base):
    __tablename__ = "team_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ThreadKind] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="SET NULL"),
        doc="the chat it came from: answers go back there",
    )
    locale: Mapped[str] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(32))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    context: Mapped[str] = mapped_column(String(16), doc="menu, track, event, text or lead")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[ThreadStatus] = mapped_column(String(16), default=ThreadStatus.OPEN)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    waiting_since: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, doc="when the person last wrote and nobody answered yet"
    )
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="when the responsible coordinators were told of it"
    )
    raised_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="when it was raised to national coordinators as overdue"
    )


class ThreadMessage(Base):
    __tablename__ = "team_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("team_threads.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[Author] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


async def open_thread(session: AsyncSession, thread: Thread, text: str, now: datetime) -> Thread:
    """Store a new thread with the person's first words."""
    thread.status = ThreadStatus.OPEN
    thread.created_at = thread.waiting_since = now
    session.add(thread)
    await session.flush()
    await add_message(session, thread, Author.PERSON, thread.person_id, text, now)
    return thread


async def add_message(
    session: AsyncSession,
    thread: Thread,
    author: Author,
    author_id: int | None,
    text: str,
    now: datetime,
) -> ThreadMessage:
    """Append to the thread, cut to what a message can show."""
    message = ThreadMessage(
        thread_id=thread.id,
        author=author,
        author_id=author_id,
        text=text[:MAX_TEXT],
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


async def person_replied(session: AsyncSession, thread: Thread, text: str, now: datetime) -> None:
    """The person answered the team: back to whoever holds it (or to everyone), waiting."""
    await add_message(session, thread, Author.PERSON, thread.person_id, text, now)
    if thread.status == ThreadStatus.ANSWERED or thread.status == ThreadStatus.DONE:
        thread.waiting_since = now
        thread.done_at = None
    thread.status = ThreadStatus.CLAIMED if thread.claimed_by else ThreadStatus.OPEN


async def first_words(session: AsyncSession, thread_id: int) -> str:
    """The person's first message in the thread (empty once they were deleted)."""
    found = await session.scalar(
        select(ThreadMessage.text)
        .where(ThreadMessage.thread_id == thread_id, ThreadMessage.author == Author.PERSON)
        .order_by(ThreadMessage.id)
        .limit(1)
    )
    return found or ""


async def headline(session: AsyncSession, thread: Thread, locale: str) -> str:
    """A line naming the item: a question's first words; a lead's name and track."""
    if thread.kind == ThreadKind.QUESTION:
        return await first_words(session, thread.id)
    lead = await session.get(Lead, thread.lead_id) if thread.lead_id else None
    track = await session.get(Track, thread.track_id) if thread.track_id else None
    title = localized(track.content, "title", locale) if track else ""
    return " — ".join(part for part in ((lead.name if lead else None) or "", title) if part)


async def messages(session: AsyncSession, thread_id: int) -> list[ThreadMessage]:
    return list(
        await session.scalars(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread_id)
            .order_by(ThreadMessage.id)
        )
    )


async def open_threads_of(session: AsyncSession, person_id: int) -> list[Thread]:
    """A person's questions and leads not yet done, oldest first (for /my)."""
    return list(
        await session.scalars(
            select(Thread)
            .where(Thread.person_id == person_id, Thread.status.in_(NOT_DONE))
            .order_by(Thread.id)
        )
    )


async def awaiting_reply(session: AsyncSession, person_id: int) -> Thread | None:
    """The person's most recently answered thread, which their next words may be a reply to."""
    return await session.scalar(
        select(Thread)
        .where(Thread.person_id == person_id, Thread.status == ThreadStatus.ANSWERED)
        .order_by(Thread.first_answer_at.desc(), Thread.id.desc())
        .limit(1)
    )


def overdue(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Threads the team has left waiting for 48 hours or more."""
    return (Thread.status.in_(WAITING_FOR_TEAM), Thread.waiting_since <= now - OVERDUE)


async def forget_threads(session: AsyncSession, person_id: int) -> None:
    """Drop what a person said and was told, keeping their threads (without them) for the
    counts; the person's row going sets `person_id` to NULL."""
    theirs = select(Thread.id).where(Thread.person_id == person_id)
    await session.execute(
        delete(ThreadMessage)
        .where(ThreadMessage.thread_id.in_(theirs))
        .execution_options(synchronize_session=False)
    )
