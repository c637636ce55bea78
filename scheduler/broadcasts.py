"""Sending broadcasts: plan an approved one into the outbox, keep its author's progress message up
to date while it goes out, and report when every copy is settled.

On Telegram the first progress message is edited in place (its outbox row holds Telegram's
message id); text-only channels get a message at each quarter instead, so as not to flood.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, literal, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.broadcast_flow import Act, BroadcastAct
from handlers.coordinators.broadcast_image import image_of, keep_image
from handlers.coordinators.broadcast_message import message, progress
from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, reply_to_payload
from locales import SUPPORTED_LOCALES, Translator, reply_locale
from models.audience import speaks
from models.audience_kinds import KINDS
from models.base import JSONType
from models.broadcast_audience import recipients
from models.broadcasts import (
    Broadcast,
    BroadcastStatus,
    Tally,
    copies_prefix,
    move,
    tally,
    withdraw_unconsented,
)
from models.outbox import OutboxKind, OutboxMessage, Priority, enqueue, keyed, to_one
from models.people import Channel, ChannelIdentity, Person
from scheduler.quiet import QuietHours

QUARTERS = 4


async def run_broadcasts(
    session: AsyncSession, now: datetime, config: EngineConfig, quiet: QuietHours
) -> int:
    """Plan approved broadcasts whose time has come and update the progress of sending ones;
    returns how many."""
    approved = await session.scalars(
        select(Broadcast)
        .where(
            Broadcast.status == BroadcastStatus.APPROVED,
            or_(Broadcast.send_at.is_(None), Broadcast.send_at <= now),
        )
        .order_by(Broadcast.id)
    )
    done = 0
    for broadcast in approved.all():
        if await move(session, broadcast, BroadcastStatus.APPROVED, BroadcastStatus.SENDING):
            await _plan(session, broadcast, now, config, quiet)
            done += 1
    running = await session.scalars(
        select(Broadcast)
        .where(
            Broadcast.status.in_([BroadcastStatus.SENDING, BroadcastStatus.CANCELLED]),
            Broadcast.finished_at.is_(None),
        )
        .order_by(Broadcast.id)
    )
    for broadcast in running.all():
        done += await _follow(session, broadcast, now, config)
    return done


async def _plan(
    session: AsyncSession,
    broadcast: Broadcast,
    now: datetime,
    config: EngineConfig,
    quiet: QuietHours,
) -> None:
    """One INSERT … SELECT, each copy in its reader's language, after night hours and
    Shabbat; news about people's own event goes ahead of marketing. A photo goes by its token
    (the dispatcher loads it), and is kept for the copies that wait."""
    priority = Priority.NOTICE if KINDS[broadcast.kind].transactional else Priority.BULK
    send_at = quiet.next_allowed(now, priority)
    default = config.default_locale
    image = await image_of(session, broadcast.image, now, loaded=False)
    await keep_image(session, broadcast.image, send_at)
    payloads = {
        locale: literal(reply_to_payload(message(locale, broadcast, image)), JSONType)
        for locale in SUPPORTED_LOCALES
    }
    in_their_language = case(
        *((speaks(locale, default), payloads[locale]) for locale in payloads if locale != default),
        else_=payloads[default],
    )
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # The audience is sorted and hashed once, in memory rather than on disk.
        await session.execute(text("SET LOCAL work_mem = '64MB'"))
    chosen = recipients(broadcast, dialect).add_columns(in_their_language).subquery()
    copies = select(chosen.c[0], keyed(copies_prefix(broadcast.id), chosen.c[0]), chosen.c[1])
    planned = await enqueue(
        session,
        copies,
        KINDS[broadcast.kind].copies,
        None,
        priority=priority,
        not_before=send_at,
        broadcast_id=broadcast.id,
    )
    broadcast.recipients = planned
    start = Tally(planned=planned)
    broadcast.progress_shown = start.key()
    await _tell(session, broadcast, now, config, "start", start)


async def _follow(
    session: AsyncSession, broadcast: Broadcast, now: datetime, config: EngineConfig
) -> int:
    """Show new progress, or the final report once nothing is left in flight."""
    if broadcast.status == BroadcastStatus.SENDING and not KINDS[broadcast.kind].transactional:
        await withdraw_unconsented(session, broadcast)
    counts = await tally(session, broadcast.id)
    if counts.finished:
        if broadcast.status == BroadcastStatus.SENDING:
            await move(session, broadcast, BroadcastStatus.SENDING, BroadcastStatus.DONE)
        broadcast.finished_at = now
        await _tell(session, broadcast, now, config, "final", counts)
        await _tell(session, broadcast, now, config, "report", counts)
        return 1
    if counts.key() == broadcast.progress_shown:
        return 0
    quarter = counts.settled * QUARTERS // max(counts.planned, 1)
    if not await _tell(session, broadcast, now, config, f"q{quarter}", counts):
        return 0
    broadcast.progress_shown = counts.key()
    return 1


async def _tell(
    session: AsyncSession,
    broadcast: Broadcast,
    now: datetime,
    config: EngineConfig,
    step: str,
    counts: Tally,
) -> bool:
    """Queue one progress message to the author (on Telegram an edit of the first one);
    False when it has to wait."""
    identity = (
        await session.get(ChannelIdentity, broadcast.author_identity_id)
        if broadcast.author_identity_id
        else None
    )
    if identity is None:
        return True
    author = await session.get(Person, identity.person_id)
    t = Translator(reply_locale(author.locale if author else None, config.default_locale))
    final = step in ("final", "report")
    text = progress(t, counts, final=final)
    if step == "report" and broadcast.status == BroadcastStatus.CANCELLED:
        text = t("broadcast.report_cancelled", report=text)
    stop = Button(t("broadcast.stop"), BroadcastAct(broadcast.id, Act.STOP).pack())
    reply = Reply(text, buttons=[] if final else [[stop]])
    key = f"bcp:{broadcast.id}:{step}"
    if step not in ("start", "report"):
        if identity.channel == Channel.TELEGRAM:
            first = await session.scalar(
                select(OutboxMessage.provider_id).where(
                    OutboxMessage.dedupe_key == f"bcp:{broadcast.id}:start"
                )
            )
            if first is None or not first.isdigit():
                return False  # not shown yet: a later run edits it
            reply.edit_of = int(first)
            key = f"bcp:{broadcast.id}:edit:{counts.key()}"
        elif final or step == "q0":
            return True  # text-only channels: the start message, each quarter, the report
    await enqueue(
        session,
        to_one(identity.id, key),
        OutboxKind.BROADCAST_PROGRESS,
        reply_to_payload(reply),
        priority=Priority.INTERACTIVE,
        not_before=now,
    )
    return True
