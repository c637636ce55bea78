"""POST /whatsapp/inbound: messages people send us, stored and acknowledged at once, answered
by the inbox's worker (in arrival order per person)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.routing import Route

from bot.http import Limits
from bot.intake import Intake
from bot.whatsapp.client import Outbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.render import render
from bot.whatsapp.signature import Signatures
from bot.whatsapp.webhooks import address, sid, webhook
from handlers.core.engine import Engine
from handlers.core.types import InboundFile, Incoming, Reply
from locales import gettext
from models.base import utcnow
from models.held_messages import release_held
from models.inbox import Arrival, Claimed
from models.people import Channel, mark_blocked
from models.reply_records import record_reply
from scheduler.sender import RecipientBlocked, RetryLater

log = logging.getLogger(__name__)

INBOUND_PATH = "/whatsapp/inbound"
KIND = "message"
ATTEMPTS = 3
"""Tries per reply when Twilio asks us to slow down or fails for a moment."""
KEPT = (
    "From",
    "Body",
    "ButtonPayload",
    "ListId",
    "NumMedia",
    "MediaContentType0",
    "MediaUrl0",
    "ProfileName",
)
"""The fields of Twilio's form the conversation reads: the rest is not stored."""


def arrival(params: dict[str, str]) -> Arrival | None:
    """A message from WhatsApp to store; None for anything else (acknowledged, not stored)."""
    message_id = sid(params)
    sender = address(params.get("From", ""))
    if not sender.startswith("whatsapp:+") or not message_id:
        return None
    kept = {key: params[key] for key in KEPT if key in params}
    return Arrival(Channel.WHATSAPP, message_id, KIND, sender, kept)


def parse(params: dict[str, str]) -> Incoming:
    """The stored message as the conversation engine sees it."""
    media = file = None
    if params.get("NumMedia", "0") not in ("", "0"):
        media = params.get("MediaContentType0") or "media"
        if url := params.get("MediaUrl0"):
            file = InboundFile(None, params.get("MediaContentType0"), None, url)
    return Incoming(
        Channel.WHATSAPP,
        params["From"],
        text=params.get("Body") or None,
        payload=params.get("ButtonPayload") or params.get("ListId") or None,
        media=media,
        display_name=params.get("ProfileName") or None,
        file=file,
    )


@dataclass(frozen=True)
class Sent:
    """What became of one send: Twilio's sid, or the error; `go_on` is False when nothing
    more should go to this person now."""

    sid: str | None = None
    error: str | None = None
    go_on: bool = True


class WhatsAppInbound:
    def __init__(
        self,
        engine: Engine,
        outbound: Outbound,
        shelf: MediaShelf,
        signatures: Signatures,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.outbound = outbound
        self.shelf = shelf
        self.signatures = signatures
        self.clock = clock

    def route(self, intake: Intake, limits: Limits) -> Route:
        return webhook(INBOUND_PATH, intake, self.signatures, limits, arrival)

    async def answer(self, entry: Claimed) -> None:
        """Run the conversation and send its replies in the language it chose; then what was
        held for the person goes, since their message opened the window."""
        incoming = parse(entry.payload)
        answer = await self.engine.answer(incoming)
        await self.send_all(entry, incoming.address, answer.replies, answer.locale)
        if answer.identity_id is not None:
            await self._release(entry, answer.identity_id)

    async def failed(self, entry: Claimed, error: BaseException) -> None:
        """Log (by the inbox id: the address is a phone number) and tell the person."""
        log.error("whatsapp message %d failed", entry.id, exc_info=error)
        incoming = parse(entry.payload)
        try:
            locale = await self.engine.locale_of(incoming)
        except Exception:
            log.warning("whatsapp message %d: no stored language; default used", entry.id)
            locale = self.engine.config.default_locale
        sorry = [Reply(gettext(locale, "error.internal"))]
        await self.send_all(entry, incoming.address, sorry, locale)

    async def send_all(self, entry: Claimed, to: str, replies: list[Reply], locale: str) -> None:
        for reply in replies:
            if not await self.deliver(entry, to, reply, locale):
                return

    async def deliver(self, entry: Claimed, to: str, reply: Reply, locale: str) -> bool:
        """Send one reply: its text, then its files in a call of their own, so a refused file
        never costs the text. Failures are recorded; False when the rest should not go."""
        if render(reply).strip():
            sent = await self._attempt(
                entry,
                to,
                lambda: self.outbound.send_text(to, reply, locale=locale, reported=False),
            )
            if sent.error is not None:
                await self._record(entry, to, reply, sent)
            if not sent.go_on or sent.error is not None:
                return False
        if not reply.attachments:
            return True
        media: list[str] | None = None

        async def send_files() -> str:
            nonlocal media
            if media is None:  # shelved once, however many tries the send takes
                media = await self.shelf.put(reply.attachments)
            return await self.outbound.send_media(to, media, reported=True)

        sent = await self._attempt(entry, to, send_files)
        # Recorded either way: Twilio may still refuse the file after accepting the call.
        await self._record(entry, to, reply, sent)
        return sent.go_on

    async def _attempt(self, entry: Claimed, to: str, send: Callable[[], Awaitable[str]]) -> Sent:
        """Send, trying again on temporary errors; marks the identity when it is unreachable."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return Sent(await send())
            except RetryLater as error:
                if attempt == ATTEMPTS:
                    log.error(
                        "reply to message %d not sent after %d tries: %s",
                        entry.id,
                        attempt,
                        type(error).__name__,
                    )
                    return Sent(error=str(error))
                await asyncio.sleep(error.retry_after or attempt)
            except RecipientBlocked as error:
                log.info("sender of message %d cannot receive our messages", entry.id)
                async with self.engine.sessions() as session, session.begin():
                    await mark_blocked(session, Channel.WHATSAPP, to, error.status)
                return Sent(error=str(error), go_on=False)
            except Exception as error:
                # The class only: Twilio's error text can quote the number.
                log.error("reply to message %d not sent: %s", entry.id, type(error).__name__)
                return Sent(error=str(error) or type(error).__name__)
        raise AssertionError("unreachable")

    async def _record(self, entry: Claimed, to: str, reply: Reply, sent: Sent) -> None:
        payload = {"text": reply.text, "files": [a.filename for a in reply.attachments]}
        try:
            async with self.engine.sessions() as session, session.begin():
                await record_reply(
                    session,
                    Channel.WHATSAPP,
                    to,
                    payload,
                    self.clock(),
                    provider_id=sent.sid,
                    error=sent.error,
                )
        except Exception:
            log.exception("could not record a reply to message %d", entry.id)

    async def _release(self, entry: Claimed, identity_id: int) -> None:
        """The person's message opened the window: what was held for them goes now."""
        try:
            async with self.engine.sessions() as session, session.begin():
                await release_held(session, identity_id, self.clock())
        except Exception:
            # Held messages stay held until the next message: nothing is lost.
            log.exception("releasing held messages after message %d failed", entry.id)
