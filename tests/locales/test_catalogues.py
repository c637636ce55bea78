"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.plurals import get_plural

from locales import (
    SUPPORTED_LOCALES,
    Translator,
    catalogue,
    gettext,
    ngettext,
    placeholders,
    plural_catalogue,
)
from locales.dates import format_date_time, format_span

REFERENCE = catalogue("he")
PLURALS = plural_catalogue("he")
SINGULAR_ADDRESS = (
    # "you" and "yours" said to one person, and the bot speaking as "I": the copy speaks to
    # everyone in the plural ("אתם", "שלכם") and as "we".
    *("אתה", "את/ה", "אותך", "אליך", "לך", "שלך", "ממך", "עליך", "בשבילך", "איתך"),
    *("שבאחריותך", "באחריותך", "תרצה", "תרצי", "תוכל", "תוכלי", "רצית", "ביקשת", "שלחת"),
    *("בחר", "בחרי", "לחץ", "לחצי", "כתוב", "כתבי", "שלח", "שלחי", "הקלד", "הקלידי", "הזן"),
    *("אני", "הצלחתי", "הבנתי", "קיבלתי", "שלחתי"),
)
HEBREW_WORD = re.compile(r"[\u05d0-\u05ea\u05f3\u05f4]+")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_message(locale: str) -> None:
    messages = catalogue(locale)
    assert sorted(set(REFERENCE) - set(messages)) == []
    assert sorted(set(messages) - set(REFERENCE)) == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_match_across_locales(locale: str) -> None:
    messages = catalogue(locale)
    mismatched = {
        key: (placeholders(REFERENCE[key]), placeholders(messages[key]))
        for key in REFERENCE
        if key in messages and placeholders(REFERENCE[key]) != placeholders(messages[key])
    }
    assert mismatched == {}


def test_every_message_formats_with_its_placeholders() -> None:
    for locale in SUPPORTED_LOCALES:
        for key, text in catalogue(locale).items():
            values = dict.fromkeys(placeholders(text), "x")
            assert gettext(locale, key, **values)


def test_unknown_locale_falls_back_to_hebrew() -> None:
    assert Translator("fr")("menu.title") == gettext("he", "menu.title")
    assert Translator("en-GB").locale == "en"


def test_dates_are_in_jerusalem_time_with_hebrew_month_names() -> None:
    winter = datetime(2027, 1, 12, 15, 0, tzinfo=UTC)
    assert format_date_time(winter, "he") == "יום שלישי, 12 בינואר 2027, 17:00"
    assert format_date_time(winter, "en") == "Tuesday, 12 January 2027, 17:00"
    summer = datetime(2027, 6, 1, 6, 30, tzinfo=UTC)
    end = datetime(2027, 6, 1, 13, 0, tzinfo=UTC)
    assert format_span(summer, end, "he") == "יום שלישי, 1 ביוני 2027, 09:30–16:00"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_plural_message_in_all_its_forms(locale: str) -> None:
    messages = plural_catalogue(locale)
    assert sorted(set(PLURALS) ^ set(messages)) == []
    forms = get_plural(locale).num_plurals
    assert {key: len(texts) for key, texts in messages.items() if len(texts) != forms} == {}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_messages_render_for_zero_one_two_and_eleven(locale: str) -> None:
    for key, forms in plural_catalogue(locale).items():
        names = set().union(*map(placeholders, forms)) - {"count"}
        assert names == set().union(*map(placeholders, PLURALS[key])) - {"count"}, key
        values = dict.fromkeys(names, "X")
        rendered = {n: ngettext(locale, key, n, **values) for n in (0, 1, 2, 11)}
        assert "11" in rendered[11] and "0" in rendered[0], key
        assert "1 " not in rendered[1].replace("11", ""), (key, rendered[1])


def test_hebrew_counts_agree_with_their_nouns() -> None:
    assert ngettext("he", "events.card.seats", 1) == "🪑 נשאר מקום אחד"
    assert ngettext("he", "events.card.seats", 2) == "🪑 נשארו שני מקומות"
    assert ngettext("he", "events.card.seats", 11) == "🪑 נשארו 11 מקומות"
    assert ngettext("he", "bulletins.send_now", 1) == "📤 לשלוח עכשיו למנוי אחד"
    assert "(נמען אחד)" in ngettext(
        "he", "broadcast.review.request", 1, author="נועה", audience="כולם", sample=""
    )
    assert ngettext("en", "bulletins.send_now", 1) == "📤 Send now to one subscriber"
    assert ngettext("en", "events.card.seats", 0) == "🪑 0 seats left"


def test_hebrew_copy_speaks_to_everyone_in_the_plural() -> None:
    texts = {**REFERENCE}
    for key, forms in PLURALS.items():
        texts.update({f"{key}[{i}]": form for i, form in enumerate(forms)})
    singular = {
        key: sorted(set(HEBREW_WORD.findall(text)) & set(SINGULAR_ADDRESS))
        for key, text in texts.items()
        if set(HEBREW_WORD.findall(text)) & set(SINGULAR_ADDRESS)
    }
    assert singular == {}
