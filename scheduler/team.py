"""Telling the response team: a new item (or a person's reply) goes to the coordinators it
belongs to, waiting out night hours and Shabbat unless urgent; an item nobody answered for
48 hours goes to the national coordinators once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.inbox import InboxOpen
from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, reply_to_payload
from locales import Translator, reply_locale
from models.audience import can_reach, reachable_identity
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Person
from models.questions import WAITING_FOR_TEAM, Thread, headline, overdue
from models.team_routing import nationals, responsible
from scheduler.quiet import QuietHours

BATCH = 100
SNIPPET = 120


async def push_new_items(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Tell the responsible coordinators of items not yet pushed; returns messages queued."""
    threads = await session.scalars(
        select(Thread)
        .where(Thread.pushed_at.is_(None), Thread.status.in_(WAITING_FOR_TEAM))
        .order_by(Thread.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    queued = 0
    for thread in list(threads):
        people = await responsible(session, thread, config.admin_addresses)
        priority = Priority.REMINDER if thread.urgent else Priority.NOTICE
        send_at = quiet.next_allowed(now, priority)
        key = f"{OutboxKind.TEAM_ALERT}:{thread.id}:{thread.waiting_since:%Y%m%dT%H%M%S}"
        queued += await _tell(
            session, thread, people, "team.alert.new", key, priority, send_at, config
        )
        thread.pushed_at = now
    return queued


async def raise_overdue(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Raise items waiting 48 hours or more to the national coordinators, once each."""
    threads = await session.scalars(
        select(Thread)
        .where(*overdue(now), Thread.raised_at.is_(None))
        .order_by(Thread.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    queued = 0
    for thread in list(threads):
        people = await nationals(session, config.admin_addresses)
        send_at = quiet.next_allowed(now, Priority.NOTICE)
        key = f"{OutboxKind.TEAM_ALERT}:{thread.id}:overdue"
        queued += await _tell(
            session, thread, people, "team.alert.overdue", key, Priority.NOTICE, send_at, config
        )
        thread.raised_at = now
    return queued


async def _tell(
    session: AsyncSession,
    thread: Thread,
    people: list[int],
    message: str,
    key: str,
    priority: Priority,
    send_at: datetime,
    config: EngineConfig,
) -> int:
    """One message to each of `people` who can be reached, in their language."""
    if not people:
        return 0
    rows = await session.execute(
        select(Person.id, reachable_identity(Person.id), Person.locale).where(
            Person.id.in_(people), can_reach(Person.id)
        )
    )
    queued = 0
    for person_id, identity_id, locale in rows:
        t = Translator(reply_locale(locale, config.default_locale))
        kind = t(f"team.kind.{thread.kind}")
        words = await headline(session, thread, t.locale)
        words = words if len(words) <= SNIPPET else words[: SNIPPET - 1] + "…"
        text = t(message, kind=kind, id=thread.id, words=words or "—")
        button = Button(t("team.alert.open"), InboxOpen(thread.id).pack())
        queued += await enqueue(
            session,
            to_one(identity_id, f"{key}:{person_id}"),
            OutboxKind.TEAM_ALERT,
            reply_to_payload(Reply(text, buttons=[[button]])),
            priority=priority,
            not_before=send_at,
        )
    return queued
