"""The outbox's way out to WhatsApp: free-form inside the 24-hour window, the approved template
outside it, Telegram when there is no template and the person is there too.

Consent is judged by the message's kind and the person's record: what concerns the person's own
registration (confirmation, reminders, offers, an event moved or cancelled — even once the
registration has ended) always goes; bulletins and broadcasts go only to people who granted
consent to a topic they still receive or who hold a live registration. Anyone else gets
nothing; the row fails with the reason."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.whatsapp.client import Outbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.render import render
from handlers.types import Reply, reply_to_payload
from models.base import utcnow
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Channel, ChannelIdentity, IdentityStatus, Person
from models.subscriptions import has_consent
from scheduler.sender import OutsideWindow, PermanentFailure

WINDOW = timedelta(hours=24)


def window_open(identity: ChannelIdentity, now: datetime) -> bool:
    """WhatsApp allows free-form messages for 24 hours after the person last wrote."""
    last = identity.last_inbound_at
    return last is not None and now - last < WINDOW


class WhatsAppSender:
    channel = Channel.WHATSAPP

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbound: Outbound,
        shelf: MediaShelf,
        default_locale: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.outbound = outbound
        self.shelf = shelf
        self.default_locale = default_locale
        self.clock = clock

    async def send(self, address: str, reply: Reply, kind: OutboxKind) -> str | None:
        """Deliver one queued reply, or raise why it could not go by WhatsApp."""
        async with self.sessions() as session:
            found = (
                await session.execute(
                    select(ChannelIdentity, Person.locale)
                    .join(Person, Person.id == ChannelIdentity.person_id)
                    .where(
                        ChannelIdentity.channel == Channel.WHATSAPP,
                        ChannelIdentity.address == address,
                    )
                )
            ).one_or_none()
            if found is None:
                raise PermanentFailure("no such WhatsApp identity")
            identity, locale = found
            if kind.needs_consent and not await has_consent(session, identity.person_id):
                raise PermanentFailure("no recorded consent for proactive messages")
            person_id, open_now = identity.person_id, window_open(identity, self.clock())
        if open_now:
            media = await self.shelf.put(reply.attachments)
            return await self.outbound.send_reply(
                address, reply, media, locale=locale or self.default_locale, reported=True
            )
        return await self.outside_window(person_id, address, reply)

    async def outside_window(self, person_id: int, address: str, reply: Reply) -> str:
        """The template if one is configured; else the reply is queued for the person's
        Telegram chat if they have one. Without either it cannot go: OutsideWindow says why."""
        if self.outbound.config.template_sid is not None:
            return await self.outbound.send_template(address, render(reply))
        if await self.send_by_telegram(person_id, reply):
            raise OutsideWindow("outside 24h window, no template: queued for Telegram")
        raise OutsideWindow("outside 24h window, no template")

    async def send_by_telegram(self, person_id: int, reply: Reply) -> bool:
        """Queue the reply for the person's Telegram chat; False when they have none."""
        async with self.sessions() as session, session.begin():
            telegram = await session.scalar(
                select(ChannelIdentity.id).where(
                    ChannelIdentity.person_id == person_id,
                    ChannelIdentity.channel == Channel.TELEGRAM,
                    ChannelIdentity.status == IdentityStatus.ACTIVE,
                )
            )
            if telegram is None:
                return False
            payload = reply_to_payload(reply)
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            # Keyed by content: a retry after a crash does not queue the same message twice.
            key = f"{OutboxKind.WHATSAPP_FALLBACK}:{telegram}:{digest[:32]}"
            await enqueue(
                session,
                to_one(telegram, key),
                OutboxKind.WHATSAPP_FALLBACK,
                payload,
                priority=Priority.NOTICE,
            )
            return True
