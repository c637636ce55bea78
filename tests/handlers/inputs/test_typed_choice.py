"""Typing an option instead of pressing it: its number, its label with or without the emoji,
in any case, with or without niqqud, or the start of it when only one option starts so."""

from __future__ import annotations

import pytest

from handlers.inputs.typed_choice import choose, fold
from tests.support import Chat

MENU = [["❓ עזרה", "help"], ["📅 אירועים קרובים", "events"], ["📰 עדכונים ודיוורים", "news"]]


def test_labels_are_compared_without_emoji_case_or_niqqud() -> None:
    assert fold("✔️ Done") == fold("done") == "done"
    assert fold("עֶזְרָה") == fold("❓ עזרה") == "עזרה"


@pytest.mark.parametrize(
    ("typed", "payload"),
    [
        ("עזרה", "help"),
        ("❓ עזרה", "help"),
        ("עֶזְרָה", "help"),
        ("3", "news"),
        ("אירועים", "events"),
        ("עד", "news"),
        ("ע", None),
        ("9", None),
        ("משהו אחר", None),
    ],
)
def test_an_option_is_chosen_by_number_label_or_unique_start(
    typed: str, payload: str | None
) -> None:
    assert choose(typed, MENU) == payload


def test_a_start_shared_by_two_options_chooses_neither() -> None:
    assert choose("Re", [["Region", "r"], ["Register", "g"]]) is None
    assert choose("Regio", [["Region", "r"], ["Register", "g"]]) == "r"


@pytest.mark.usefixtures("catalog")
async def test_menu_items_are_typed_without_their_emoji(chat: Chat) -> None:
    await chat.says("/menu", "תפריט ראשי")
    await chat.says("עזרה", "/events — אירועים קרובים")
    await chat.says("/language en", "in English")
    await chat.says("help", "/events — upcoming events")


@pytest.mark.usefixtures("catalog")
async def test_the_questionnaire_takes_done_as_typed_in_its_hint(chat: Chat) -> None:
    await chat.says("/tracks", "שאלה 1 מתוך 6")
    for answer in ("אחר", "אחרי השחרור", "22–25", "צפון", "בקיבוץ"):
        await chat.send(answer)
    await chat.says("חיי קהילה", "✅ חיי קהילה", "ללחוץ ״סיימתי״")
    await chat.says("סיימתי", "המסלולים שהכי מתאימים לכם")
    await chat.send("/language en")
    await chat.says("/tracks", "Question 1 of 6")
    await chat.says("keep", "Question 2 of 6")
    for _ in range(4):
        await chat.send("keep")
    await chat.says("Done", "suit you best")


def test_an_action_label_is_also_chosen_by_what_it_acts_on() -> None:
    topics = [["➕ להצטרף: עלון המעגל השיתופי", "coop"], ["➕ להצטרף: חדשות אזור הצפון", "north"]]
    assert choose("עלון המעגל", topics) == "coop"
    assert choose("חדשות אזור הצפון", topics) == "north"
    assert choose("להצטרף", topics) is None
