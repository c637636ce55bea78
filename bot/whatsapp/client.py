"""Twilio's Messages API, and its errors turned into what the dispatcher acts on."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from twilio.base.exceptions import TwilioRestException

from bot.settings import Settings, SettingsError
from bot.whatsapp.menus import Menus, as_content
from bot.whatsapp.render import bodies, width
from bot.whatsapp.templates import Templates, variables
from handlers.core.types import Reply, TemplateKind, TemplateUse
from models.people import IdentityStatus
from scheduler.sender import (
    Deferred,
    OutsideWindow,
    PermanentFailure,
    RecipientBlocked,
    RetryLater,
)

log = logging.getLogger(__name__)

OUTSIDE_WINDOW = 63016
UNSUBSCRIBED = 21610
BLOCKED_BY_USER = 63014
INVALID_RECIPIENT = 63024
TIER_REACHED = 63018
UNREACHABLE = {
    UNSUBSCRIBED: IdentityStatus.BLOCKED,
    BLOCKED_BY_USER: IdentityStatus.BLOCKED,
    INVALID_RECIPIENT: IdentityStatus.INVALID,
}
"""Errors after which nothing more should go to the address until the person writes."""
NEXT_DAY = timedelta(hours=24)
"""Past the messaging tier (63018) a slot frees within a rolling day."""
STATUS_PATH = "/whatsapp/status"
CAPTION = 1024
"""WhatsApp's limit for a media message's caption: a longer text follows the picture."""


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str
    auth_token: str
    sender: str
    """Our number as Twilio writes it: whatsapp:+972…"""
    public_base_url: str
    api_base_url: str | None = None
    templates: Templates = field(default_factory=Templates)
    menus: Menus = field(default_factory=Menus)
    tier: int = 250
    """Unique people a day the number may start conversations with (its messaging tier)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioConfig | None:
        """The WhatsApp configuration, None when the channel is not set up at all."""
        sid, token, sender = (
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_whatsapp_from,
        )
        if sid is None and token is None and sender is None:
            return None
        if sid is None or token is None or sender is None:
            raise SettingsError(
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM: set all three"
            )
        if settings.public_base_url is None:
            raise SettingsError("PUBLIC_BASE_URL: required for Twilio's webhooks")
        return cls(
            account_sid=sid,
            auth_token=token.get_secret_value(),
            sender=sender if sender.startswith("whatsapp:") else f"whatsapp:{sender}",
            public_base_url=settings.public_base_url,
            api_base_url=settings.twilio_api_base_url,
            templates=Templates(
                {
                    TemplateKind.REMINDER: settings.twilio_template_reminder,
                    TemplateKind.OFFER: settings.twilio_template_offer,
                    TemplateKind.NOTICE: settings.twilio_template_notice,
                }
            ),
            menus=Menus(
                settings.twilio_quick_reply_content_sids,
                settings.twilio_list_picker_content_sids,
            ),
            tier=settings.whatsapp_tier,
        )


class Outbound:
    """Sends replies and templates from our WhatsApp number; open and close it in the loop."""

    def __init__(self, config: TwilioConfig) -> None:
        # Twilio's client (and `requests`, which it brings) only where WhatsApp is configured:
        # a Telegram-only `hagshama run` and its answering process need neither.
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        from twilio.rest import Client

        self.config = config
        self._http = AsyncTwilioHttpClient()
        self.client = Client(
            config.account_sid, config.auth_token, config.account_sid, http_client=self._http
        )
        if config.api_base_url:
            self.client.api.base_url = config.api_base_url

    async def close(self) -> None:
        await self._http.close()

    async def send_reply(
        self, to: str, reply: Reply, media_urls: list[str], *, locale: str, reported: bool
    ) -> str:
        """Free-form (inside the 24-hour window): the options as buttons when a template can
        carry them, else numbered text; then the files, in a call of their own, so a file
        Twilio refuses never costs the text. Returns the last message's sid. With `reported`,
        Twilio reports on that message's fate (an outbox row records it). A captioned photo
        goes first, with the text as its body when that fits and no buttons template is used."""
        if reply.captioned and media_urls:
            return await self._captioned(to, reply, media_urls, locale=locale, reported=reported)
        sid = await self.send_text(to, reply, locale=locale, reported=reported and not media_urls)
        if media_urls:
            sid = await self.send_media(to, media_urls, reported=reported)
        return sid

    async def send_text(self, to: str, reply: Reply, *, locale: str, reported: bool) -> str:
        """The reply's text and options, without its files; returns the last message's sid."""
        content = as_content(reply, self.config.menus, locale)
        if content is not None:
            sid = ""
            if content.lead is not None:
                sid = await self._create(to, False, body=content.lead)
            try:
                return await self._create(
                    to,
                    reported,
                    content_sid=content.sid,
                    content_variables=json.dumps(content.variables, ensure_ascii=False),
                )
            except PermanentFailure as error:
                # A template deleted or changed in Twilio's console: numbered text still works.
                # Not Twilio's text: it can quote the number the message was for.
                log.warning(
                    "content %s refused (%s), sending numbered text",
                    content.sid,
                    type(error).__name__,
                )
                if sid:
                    reply = Reply("", buttons=reply.buttons)
        texts = bodies(reply)
        sid = ""
        for n, text in enumerate(texts, 1):
            sid = await self._create(to, reported and n == len(texts), body=text)
        return sid

    async def _captioned(
        self, to: str, reply: Reply, media_urls: list[str], *, locale: str, reported: bool
    ) -> str:
        texts = bodies(reply)
        plain = as_content(reply, self.config.menus, locale) is None
        if plain and len(texts) == 1 and width(texts[0]) <= CAPTION:
            return await self._create(to, reported, body=texts[0], media_url=media_urls)
        await self.send_media(to, media_urls, reported=False)
        return await self.send_text(to, reply, locale=locale, reported=reported)

    async def send_media(self, to: str, media_urls: list[str], *, reported: bool) -> str:
        """Files alone, one call for all of them."""
        return await self._create(to, reported, media_url=media_urls)

    async def send_template(self, to: str, use: TemplateUse, locale: str) -> str:
        """An approved template with its variables cleaned by rule; always reported.
        OutsideWindow when none of this kind is configured."""
        sid = self.config.templates.sid(use.kind, locale)
        if sid is None:
            raise OutsideWindow(f"outside 24h window, no {use.kind} template")
        content = json.dumps(variables(use), ensure_ascii=False)
        return await self._create(to, True, content_sid=sid, content_variables=content)

    async def _create(self, to: str, reported: bool, **fields: object) -> str:
        args = {k: v for k, v in fields.items() if v is not None}
        if reported:
            args["status_callback"] = self.config.public_base_url + STATUS_PATH
        try:
            message = await self.client.messages.create_async(
                to=to, from_=self.config.sender, **args
            )
        except TwilioRestException as error:
            raise _meaning(error) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(repr(error)) from error
        return str(message.sid)


def _meaning(error: TwilioRestException) -> Exception:
    """Twilio's error as one of the dispatcher's outcomes."""
    reason = f"{error.code or error.status}: {error.msg}"
    if error.code == OUTSIDE_WINDOW:
        return OutsideWindow(reason)
    if error.code in UNREACHABLE:
        return RecipientBlocked(reason, UNREACHABLE[error.code])
    if error.code == TIER_REACHED:
        return Deferred(reason, NEXT_DAY)
    if error.status == 429 or error.status >= 500:
        return RetryLater(reason)
    return PermanentFailure(reason)
