"""POST /whatsapp/inbound: messages people send us, acknowledged at once and answered after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.whatsapp.client import Outbound
from bot.whatsapp.media import MediaShelf
from bot.whatsapp.render import render
from bot.whatsapp.signature import Signatures
from handlers.engine import Engine
from handlers.types import Incoming, Reply
from locales import gettext
from models.base import utcnow
from models.held_messages import release_held
from models.people import Channel, ChannelIdentity, Person, mark_blocked
from models.receipts import first_receipt
from models.reply_records import record_reply
from scheduler.sender import RecipientBlocked, RetryLater

log = logging.getLogger(__name__)

INBOUND_PATH = "/whatsapp/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
ATTEMPTS = 3
"""Tries per reply when Twilio asks us to slow down or fails for a moment."""


def acknowledge(background: BackgroundTask | None = None) -> Response:
    """An empty TwiML answer: we reply through the API, not in the webhook's response."""
    return Response(EMPTY_TWIML, media_type="text/xml", background=background)


def parse(params: dict[str, str]) -> Incoming | None:
    """The message in Twilio's form fields; None for anything that is not from WhatsApp."""
    sender = params.get("From", "")
    if not sender.startswith("whatsapp:+"):
        return None
    media = None
    if params.get("NumMedia", "0") not in ("", "0"):
        media = params.get("MediaContentType0") or "media"
    return Incoming(
        Channel.WHATSAPP,
        sender,
        text=params.get("Body") or None,
        payload=params.get("ButtonPayload") or params.get("ListId") or None,
        media=media,
        display_name=params.get("ProfileName") or None,
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
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}

    def route(self) -> Route:
        return Route(INBOUND_PATH, self.receive, methods=["POST"])

    async def receive(self, request: Request) -> Response:
        """Check the signature, take each MessageSid once, answer in the background."""
        params = await self.signatures.form(request)
        if params is None:
            return PlainTextResponse("forbidden", status_code=403)
        incoming = parse(params)
        message_id = params.get("MessageSid", "")
        if incoming is None or not message_id:
            return acknowledge()
        async with self.engine.sessions() as session, session.begin():
            fresh = await first_receipt(session, Channel.WHATSAPP, message_id, self.clock())
        if not fresh:
            log.info("whatsapp message %s delivered again: already answered", message_id)
            return acknowledge()
        return acknowledge(BackgroundTask(self.answer, incoming))

    async def answer(self, incoming: Incoming) -> None:
        """Run the conversation and send its replies, one message at a time per person."""
        async with self._turn(incoming.address):
            replies: list[Reply] | None = None
            try:
                replies = await self.engine.handle(incoming)
            except Exception:
                log.exception("whatsapp message from %s failed", incoming.address)
            # Read after the conversation: the message may have changed the person's language.
            # A failed read must not cost the person the replies already committed.
            try:
                locale = await self._locale(incoming.address)
            except Exception:
                log.exception(
                    "no stored language for %s; answering in the default", incoming.address
                )
                locale = self.engine.config.default_locale
            if replies is None:
                replies = [Reply(gettext(locale, "error.internal"))]
            for reply in replies:
                if not await self.deliver(incoming.address, reply, locale):
                    break
            await self._release(incoming.address)

    async def deliver(self, address: str, reply: Reply, locale: str) -> bool:
        """Send one reply: its text, then its files in a call of their own, so a refused file
        never costs the text. Failures are recorded; False when the rest should not go."""
        if render(reply).strip():
            sent = await self._attempt(
                address,
                lambda: self.outbound.send_text(address, reply, locale=locale, reported=False),
            )
            if sent.error is not None:
                await self._record(address, reply, sent)
            if not sent.go_on or sent.error is not None:
                return False
        if not reply.attachments:
            return True
        media: list[str] | None = None

        async def send_files() -> str:
            nonlocal media
            if media is None:  # shelved once, however many tries the send takes
                media = await self.shelf.put(reply.attachments)
            return await self.outbound.send_media(address, media, reported=True)

        sent = await self._attempt(address, send_files)
        # Recorded either way: Twilio may still refuse the file after accepting the call.
        await self._record(address, reply, sent)
        return sent.go_on

    async def _attempt(self, address: str, send: Callable[[], Awaitable[str]]) -> Sent:
        """Send, trying again on temporary errors; marks the identity when it is unreachable."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return Sent(await send())
            except RetryLater as error:
                if attempt == ATTEMPTS:
                    log.error("reply to %s not sent after %d tries: %s", address, attempt, error)
                    return Sent(error=str(error))
                await asyncio.sleep(error.retry_after or attempt)
            except RecipientBlocked as error:
                log.info("%s cannot receive our messages: %s", address, error)
                async with self.engine.sessions() as session, session.begin():
                    await mark_blocked(session, Channel.WHATSAPP, address, error.status)
                return Sent(error=str(error), go_on=False)
            except Exception as error:
                log.exception("reply to %s not sent", address)
                return Sent(error=str(error) or type(error).__name__)
        raise AssertionError("unreachable")

    async def _record(self, address: str, reply: Reply, sent: Sent) -> None:
        payload = {"text": reply.text, "files": [a.filename for a in reply.attachments]}
        try:
            async with self.engine.sessions() as session, session.begin():
                await record_reply(
                    session,
                    Channel.WHATSAPP,
                    address,
                    payload,
                    self.clock(),
                    provider_id=sent.sid,
                    error=sent.error,
                )
        except Exception:
            log.exception("could not record a reply to %s", address)

    async def _release(self, address: str) -> None:
        """The person's message opened the window: what was held for them goes now."""
        try:
            async with self.engine.sessions() as session, session.begin():
                identity_id = await session.scalar(
                    select(ChannelIdentity.id).where(
                        ChannelIdentity.channel == Channel.WHATSAPP,
                        ChannelIdentity.address == address,
                    )
                )
                if identity_id is not None:
                    await release_held(session, identity_id, self.clock())
        except Exception:
            # Held messages stay held until the next message: nothing is lost.
            log.exception("releasing held messages for %s failed", address)

    async def _locale(self, address: str) -> str:
        async with self.engine.sessions() as session:
            stored = await session.scalar(
                select(Person.locale)
                .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
                .where(
                    ChannelIdentity.channel == Channel.WHATSAPP, ChannelIdentity.address == address
                )
            )
        return stored or self.engine.config.default_locale

    @asynccontextmanager
    async def _turn(self, address: str) -> AsyncIterator[None]:
        """One person's messages are answered in the order they arrived."""
        lock, users = self._turns.get(address, (asyncio.Lock(), 0))
        self._turns[address] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._turns[address]
            if users == 1:
                del self._turns[address]
            else:
                self._turns[address] = (lock, users - 1)
