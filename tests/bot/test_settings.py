"""Settings come from the environment; a bad value is reported in one line naming its key."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_run_on_embedded_sqlite_in_hebrew(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite")
    assert settings.default_locale == "he"
    assert settings.timezone == "Asia/Jerusalem"
    assert settings.telegram_bot_token is None


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "111, 222")
    monkeypatch.setenv("ADMIN_PHONES", "+972501234567")
    settings = load_settings()
    assert settings.admin_telegram_ids == [111, 222]
    assert settings.admin_phones == ["+972501234567"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("HTTP_PORT", "eighty"),
        ("HTTP_PORT", "70000"),
        ("DEFAULT_LOCALE", "fr"),
        ("TIMEZONE", "Mars/Olympus"),
        ("ADMIN_TELEGRAM_IDS", "12,abc"),
        ("ADMIN_PHONES", "0501234567"),
        ("PUBLIC_BASE_URL", "bot.example.org"),
        ("TWILIO_TEMPLATE_NOTICE", "fr=HX" + "0" * 32),
        ("TWILIO_TEMPLATE_REMINDER", "he=HX123"),
        ("WHATSAPP_TIER", "0"),
    ],
)
def test_malformed_value_names_the_key(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{key}:")
    assert "\n" not in message


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "not a url"])
def test_only_sqlite_and_postgresql_are_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError, match=r"^DATABASE_URL:"):
        load_settings()


def test_whatsapp_rate_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_MESSAGES_PER_SECOND", "0")
    with pytest.raises(SettingsError, match=r"^WHATSAPP_MESSAGES_PER_SECOND:"):
        load_settings()


def test_templates_are_set_per_language_or_once_for_both(monkeypatch: pytest.MonkeyPatch) -> None:
    hebrew, english = "HX" + "1" * 32, "HX" + "2" * 32
    monkeypatch.setenv("TWILIO_TEMPLATE_REMINDER", f"he={hebrew}, en={english}")
    monkeypatch.setenv("TWILIO_TEMPLATE_NOTICE", hebrew)
    monkeypatch.setenv("WHATSAPP_TIER", "1000")
    settings = load_settings()
    assert settings.twilio_template_reminder == {"he": hebrew, "en": english}
    assert settings.twilio_template_notice == {"*": hebrew}
    assert settings.twilio_template_offer == {}
    assert settings.whatsapp_tier == 1000
