"""With quick-reply and list-picker templates configured, options come as WhatsApp buttons and
a tap answers like the option; what no template can carry within WhatsApp's limits comes as
numbered text, and typing a number keeps working."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.settings import Settings, SettingsError
from bot.whatsapp.client import TwilioConfig
from bot.whatsapp.menus import LIST_BUTTON, Menus
from bot.whatsapp.render import width
from locales import SUPPORTED_LOCALES, gettext
from tests.bot.whatsapp.conftest import StartWhatsApp
from tests.bot.whatsapp.standin import ACCOUNT_SID, AUTH_TOKEN, Sent

TWO_BUTTONS = "HX" + "2" * 32
THREE_BUTTONS = "HX" + "3" * 32
FOUR_ITEMS = "HX" + "4" * 32
SEVEN_ITEMS = "HX" + "7" * 32
MENUS = Menus(
    quick_replies={2: TWO_BUTTONS, 3: THREE_BUTTONS},
    list_pickers={4: FOUR_ITEMS, 7: SEVEN_ITEMS},
)


def variables(sent: Sent) -> dict[str, str]:
    return dict(json.loads(sent.get("ContentVariables") or "{}"))


async def test_an_event_card_has_buttons_and_a_tap_registers(
    start_whatsapp: StartWhatsApp, catalog: None
) -> None:
    async with start_whatsapp(menus=MENUS) as whatsapp:
        # The card's lines go as they are; a variable holds no newline (63013), so the options
        # come right after under a one-line question: four of them, more than quick replies hold.
        text, card = await whatsapp.say("/start ev_forum-north-january", count=2)
        assert "פורום צפון לחשיבה שיתופית" in text.body and "\n" in text.body
        assert card.get("ContentSid") == FOUR_ITEMS
        assert card.get("Body") is None
        shown = variables(card)
        assert shown["1"] == gettext("he", "whatsapp.choose")
        assert not any("\n" in value for value in shown.values())
        assert (shown["3"], shown["5"], shown["7"], shown["9"]) == (
            "✅ להרשמה",
            "📅 חזרה לאירועים",
            "💬 שאלה לצוות",
            "🌐 English",
        )

        [ask_name] = await whatsapp.say("✅ להרשמה", ListId=shown["4"])
        assert "השם המלא" in ask_name.body


async def test_two_or_three_options_come_as_quick_replies(
    start_whatsapp: StartWhatsApp, catalog: None
) -> None:
    async with start_whatsapp(menus=MENUS) as whatsapp:
        await whatsapp.say("/ask")
        answer, offer = await whatsapp.say("מתי מתחיל המחזור הבא?", count=2)
        assert "מחזור חדש פעם בשנה" in answer.body
        assert offer.get("ContentSid") == TWO_BUTTONS
        shown = variables(offer)
        assert (shown["2"], shown["4"]) == ("✅ זה ענה לי", "📨 לשלוח לצוות")
        [glad] = await whatsapp.say("✅ זה ענה לי", ButtonPayload=shown["3"])
        assert glad.get("ContentSid") == SEVEN_ITEMS  # the menu, as a list
        assert variables(glad)["1"] == "שמחים שעזרנו 🙂 מה עוד אפשר לעשות?"


async def test_typing_the_number_still_works_after_buttons(
    start_whatsapp: StartWhatsApp, catalog: None
) -> None:
    async with start_whatsapp(menus=MENUS) as whatsapp:
        _, card = await whatsapp.say("/start ev_forum-north-january", count=2)
        assert card.get("ContentSid") == FOUR_ITEMS
        [ask_name] = await whatsapp.say("1")
        assert "השם המלא" in ask_name.body


async def test_the_main_menu_is_a_list_picker_while_its_labels_fit(
    start_whatsapp: StartWhatsApp, catalog: None
) -> None:
    async with start_whatsapp(menus=MENUS) as whatsapp:
        [menu] = await whatsapp.say("/menu")
        assert menu.get("ContentSid") == SEVEN_ITEMS
        shown = variables(menu)
        assert shown["2"] == gettext("he", "whatsapp.list_button")
        assert shown["5"] == "📅 אירועים קרובים"

        [events] = await whatsapp.say("📅 אירועים קרובים", ListId=shown["6"])
        # Ten options with long titles: beyond any template here, so numbered text.
        assert events.get("ContentSid") is None
        assert "\n1. " in events.body and "\n10. " in events.body

        # In English "🧭 Discover fulfilment tracks" is longer than a list item may be.
        await whatsapp.say("/language en")
        [menu] = await whatsapp.say("/menu")
        assert menu.get("ContentSid") is None
        assert "1. 🧭 Discover fulfilment tracks" in menu.body
        for sent in whatsapp.standin.requests:  # no variable WhatsApp would refuse (63013)
            for value in variables(sent).values():
                assert "\n" not in value and "\t" not in value and "    " not in value


async def test_a_template_twilio_refuses_gives_way_to_numbered_text(
    start_whatsapp: StartWhatsApp, catalog: None
) -> None:
    async with start_whatsapp(menus=MENUS) as whatsapp:
        whatsapp.standin.fail_next_content(400, 21656)  # ContentVariables invalid
        text, options = await whatsapp.say("/start ev_forum-north-january", count=2)
        assert "פורום צפון לחשיבה שיתופית" in text.body
        assert options.get("ContentSid") is None
        assert options.body == "1. ✅ להרשמה\n2. 📅 חזרה לאירועים\n3. 💬 שאלה לצוות\n4. 🌐 English"


def test_the_list_button_fits_whatsapps_limit_in_every_language() -> None:
    assert all(
        width(gettext(locale, "whatsapp.list_button")) <= LIST_BUTTON
        for locale in SUPPORTED_LOCALES
    )
    assert width("📅 אירועים") == 10  # an emoji beyond the basic plane counts twice


def twilio_settings(**fields: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_whatsapp_from="+14155238886",
        public_base_url="https://bot.example.org",
        **fields,
    )


def test_templates_are_configured_by_number_of_options() -> None:
    pairs = f"2={TWO_BUTTONS}, 3={TWO_BUTTONS}"
    config = TwilioConfig.from_settings(twilio_settings(twilio_quick_reply_content_sids=pairs))
    assert config is not None and config.menus.quick_replies == {2: TWO_BUTTONS, 3: TWO_BUTTONS}
    too_many = twilio_settings(twilio_quick_reply_content_sids=f"4={TWO_BUTTONS}")
    with pytest.raises(SettingsError, match="TWILIO_QUICK_REPLY_CONTENT_SIDS"):
        TwilioConfig.from_settings(too_many)
    with pytest.raises(ValueError, match="COUNT=HX"):
        twilio_settings(twilio_list_picker_content_sids="six=HX1")
