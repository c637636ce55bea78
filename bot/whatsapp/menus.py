"""Options as WhatsApp's own buttons: Twilio Content quick replies and list pickers.

Each is a template made once in Twilio's Content Template Builder for one number of options,
every text in it a variable, so one template serves every menu of that size:
- quick reply with n buttons (n ≤ 3): body `{{1}}`; button k: title `{{2k}}`, id `{{2k+1}}`;
- list picker with n items (n ≤ 10): body `{{1}}`, button `{{2}}`; item k: item `{{2k+1}}`,
  id `{{2k+2}}`.
A tap comes back as ButtonPayload or ListId, the option's payload. A reply no configured
template can carry within WhatsApp's limits goes as numbered text, which works everywhere;
typing a number or a label keeps working after buttons too (the engine remembers the menu).
Limits: twilio.com/docs/content/twilio-quick-reply and /twiliolist-picker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.settings import SettingsError
from handlers.types import Reply
from locales import gettext

QUICK_REPLY_BUTTONS = 3
"""Quick replies sent within a session, without WhatsApp's approval, carry at most three."""
QUICK_REPLY_TITLE = 20
LIST_ITEMS = 10
LIST_ITEM = 24
LIST_BUTTON = 20
"""The list's button text: every translation of whatsapp.list_button fits (tested)."""
BODY = 1024
OPTION_ID = 200


@dataclass(frozen=True)
class Menus:
    """The configured templates by number of options."""

    quick_replies: Mapping[int, str] = field(default_factory=dict)
    list_pickers: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, templates, most in (
            ("TWILIO_QUICK_REPLY_CONTENT_SIDS", self.quick_replies, QUICK_REPLY_BUTTONS),
            ("TWILIO_LIST_PICKER_CONTENT_SIDS", self.list_pickers, LIST_ITEMS),
        ):
            if any(not 1 <= count <= most for count in templates):
                raise SettingsError(f"{key}: WhatsApp allows 1 to {most} options")


@dataclass(frozen=True)
class Content:
    sid: str
    variables: dict[str, str]


def width(text: str) -> int:
    """The length as WhatsApp may count it: in UTF-16 units, where most emoji count twice.
    The stricter reading: a label that fits by it fits however WhatsApp counts."""
    return len(text.encode("utf-16-le")) // 2


def as_content(reply: Reply, menus: Menus, locale: str) -> Content | None:
    """The reply as a quick reply (preferred: one tap) or a list picker, if a template for its
    number of options is configured and every text fits; else None."""
    options = reply.options()
    if not options or reply.attachments or not reply.text.strip() or width(reply.text) > BODY:
        return None
    if any(len(option.payload) > OPTION_ID for option in options):
        return None
    labels = [option.label for option in options]
    quick_reply = menus.quick_replies.get(len(options))
    if quick_reply and all(width(label) <= QUICK_REPLY_TITLE for label in labels):
        variables = {"1": reply.text}
        for k, option in enumerate(options, 1):
            variables[str(2 * k)] = option.label
            variables[str(2 * k + 1)] = option.payload
        return Content(quick_reply, variables)
    list_picker = menus.list_pickers.get(len(options))
    if list_picker and all(width(label) <= LIST_ITEM for label in labels):
        variables = {"1": reply.text, "2": gettext(locale, "whatsapp.list_button")}
        for k, option in enumerate(options, 1):
            variables[str(2 * k + 1)] = option.label
            variables[str(2 * k + 2)] = option.payload
        return Content(list_picker, variables)
    return None
