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
from bot.whatsapp.render import BODY_LIMIT, width
from handlers.core.types import Reply
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
    lead: str | None = None
    """Text sent as a plain message just before: a variable cannot hold several lines."""


def one_line(text: str) -> bool:
    """Whether a text may be a variable as it is: no newline, tab or run of 4+ spaces (63013)."""
    return "\n" not in text and "\t" not in text and "\r" not in text and "    " not in text


def as_content(reply: Reply, menus: Menus, locale: str) -> Content | None:
    """The reply as a quick reply (preferred: one tap) or a list picker, if a template for its
    number of options is configured and every text fits; else None."""
    options = reply.options()
    text = reply.text.strip()
    if not options or not text or width(text) > BODY_LIMIT:
        return None
    if any(len(o.payload) > OPTION_ID or not one_line(o.label + o.payload) for o in options):
        return None
    # A text of several lines goes just before, as it is; the template's body asks to choose.
    lead = None if one_line(text) and width(text) <= BODY else text
    body = gettext(locale, "whatsapp.choose") if lead else text
    labels = [option.label for option in options]
    quick_reply = menus.quick_replies.get(len(options))
    if quick_reply and all(width(label) <= QUICK_REPLY_TITLE for label in labels):
        variables = {"1": body}
        for k, option in enumerate(options, 1):
            variables[str(2 * k)] = option.label
            variables[str(2 * k + 1)] = option.payload
        return Content(quick_reply, variables, lead)
    list_picker = menus.list_pickers.get(len(options))
    if list_picker and all(width(label) <= LIST_ITEM for label in labels):
        variables = {"1": body, "2": gettext(locale, "whatsapp.list_button")}
        for k, option in enumerate(options, 1):
            variables[str(2 * k + 1)] = option.label
            variables[str(2 * k + 2)] = option.payload
        return Content(list_picker, variables, lead)
    return None
