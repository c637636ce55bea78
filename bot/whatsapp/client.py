"""Twilio's Messages API, and its errors turned into what the dispatcher acts on."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.settings import Settings, SettingsError
from bot.whatsapp.menus import Menus, as_content
from bot.whatsapp.render import bodies
from handlers.types import Reply
from scheduler.sender import OutsideWindow, PermanentFailure, RecipientBlocked, RetryLater

log = logging.getLogger(__name__)

OUTSIDE_WINDOW = 63016
UNSUBSCRIBED = 21610
TEMPLATE_TEXT_LIMIT = 1000
"""WhatsApp cuts template variables longer than about 1,024 characters."""
STATUS_PATH = "/whatsapp/status"


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str
    auth_token: str
    sender: str
    """Our number as Twilio writes it: whatsapp:+972…"""
    public_base_url: str
    api_base_url: str | None = None
    template_sid: str | None = None
    menus: Menus = field(default_factory=Menus)

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
            template_sid=settings.twilio_template_content_sid,
            menus=Menus(
                settings.twilio_quick_reply_content_sids,
                settings.twilio_list_picker_content_sids,
            ),
        )


class Outbound:
    """Sends replies and templates from our WhatsApp number; open and close it in the loop."""

    def __init__(self, config: TwilioConfig) -> None:
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
        carry them, else numbered text; returns the last message's sid. With `reported`, Twilio
        reports on that message's fate (an outbox row records it); replies in a conversation go
        unreported, as nothing would record their reports."""
        content = as_content(reply, self.config.menus, locale)
        if content is not None:
            variables = json.dumps(content.variables, ensure_ascii=False)
            try:
                return await self._create(
                    to, reported, content_sid=content.sid, content_variables=variables
                )
            except PermanentFailure as error:
                # A template deleted or changed in Twilio's console: numbered text still works.
                log.warning("content %s refused, sending numbered text: %s", content.sid, error)
        texts = bodies(reply)
        sid = ""
        for n, text in enumerate(texts, 1):
            last = n == len(texts)
            media = media_urls if last and media_urls else None
            sid = await self._create(to, reported and last, body=text, media_url=media)
        return sid

    async def send_template(self, to: str, text: str) -> str:
        """The approved template, its one variable carrying the message; always reported."""
        if self.config.template_sid is None:
            raise OutsideWindow("outside 24h window, no template")
        variables = json.dumps({"1": text[:TEMPLATE_TEXT_LIMIT]}, ensure_ascii=False)
        return await self._create(
            to, True, content_sid=self.config.template_sid, content_variables=variables
        )

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
    if error.code == UNSUBSCRIBED:
        return RecipientBlocked(reason)
    if error.status == 429 or error.status >= 500:
        return RetryLater(reason)
    return PermanentFailure(reason)
