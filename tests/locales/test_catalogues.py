"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from locales import SUPPORTED_LOCALES, Translator, catalogue, gettext, placeholders
from locales.dates import format_date_time, format_span

REFERENCE = catalogue("he")


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
