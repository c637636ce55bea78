"""The outbox's way out to WhatsApp: free-form inside the 24-hour window; outside it, the
approved template for the message's purpose or a notice that a message waits (the message is
held and sent in full the moment the person writes back); Telegram when no template is
configured and the person is there too. Starting conversations outside the window counts
against the number's messaging tier: past it, messages wait for a free slot.

Consent is judged by the message's kind and the person's record: what concerns the person's own
registration (confirmation, reminders, offers, an event moved or cancelled — even once the
registration has ended) always goes; bulletins and broadcasts go only to people who granted
consent to a topic they still receive or who hold a live registration; an invitation also
to role holders a coordinator imported, but to them only as the template (the message held
until they answer). Anyone else gets nothing; the row fails with the reason."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.whatsapp.client import Outbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.templates import STANDS_ALONE, notice
from handlers.core.types import Reply, TemplateUse, reply_to_payload
from locales import reply_locale
from models.base import utcnow
from models.held_messages import noticed_since
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Channel, ChannelIdentity, IdentityStatus, Person
from models.subscriptions import has_consent, invitable
from models.whatsapp_reach import ROLLING, reserve, window_open
from scheduler.sender import Deferred, Held, OutsideWindow, PermanentFailure


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
        """Deliver one queued reply (a message of `kind`), or raise why it could not go (now) by
        WhatsApp."""
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
            opt_in_only = False
            if kind.needs_consent and not await has_consent(session, identity.person_id):
                # An invitation to someone a coordinator imported goes as the opt-in template.
                opt_in_only = kind == OutboxKind.INVITATION and bool(
                    await session.scalar(select(invitable(identity.person_id)))
                )
                if not opt_in_only:
                    raise PermanentFailure("no recorded consent for proactive messages")
            identity_id, person_id = identity.id, identity.person_id
            open_now = window_open(identity.last_inbound_at, self.clock()) and not opt_in_only
        locale = reply_locale(locale, self.default_locale)
        if open_now:
            media = await self.shelf.put(reply.attachments)
            return await self.outbound.send_reply(
                address, reply, media, locale=locale, reported=True
            )
        return await self.outside_window(identity_id, person_id, address, reply, locale)

    async def outside_window(
        self, identity_id: int, person_id: int, address: str, reply: Reply, locale: str
    ) -> str:
        """The purpose's template (a reminder says it all); else a notice, with the message
        held (Held) until the person writes back; one notice a day however many wait. Without
        templates the reply goes to the person's Telegram chat if they have one."""
        templates = self.outbound.config.templates
        use = reply.template
        if use is not None and templates.sid(use.kind, locale) is not None:
            sid = await self._start(identity_id, address, use, locale)
            if use.kind in STANDS_ALONE:
                return sid
            raise Held(f"outside 24h window: {use.kind} template sent, message held", sid)
        if templates.sid(notice(reply).kind, locale) is not None:
            async with self.sessions() as session:
                noticed = await noticed_since(session, identity_id, self.clock() - ROLLING)
            if noticed:
                raise Held("outside 24h window: held with an earlier notice")
            sid = await self._start(identity_id, address, notice(reply), locale)
            raise Held("outside 24h window: notice sent, message held", sid)
        if await self.send_by_telegram(person_id, reply):
            raise OutsideWindow("outside 24h window, no template: queued for Telegram")
        raise OutsideWindow("outside 24h window, no template")

    async def _start(self, identity_id: int, address: str, use: TemplateUse, locale: str) -> str:
        """Send a template, if the messaging tier has room for this person today."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            free_at = await reserve(session, identity_id, now, self.outbound.config.tier)
        if free_at is not None:
            raise Deferred("messaging tier reached for today", free_at - now)
        return await self.outbound.send_template(address, use, locale)

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
