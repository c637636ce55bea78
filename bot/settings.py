"""Settings from the environment or `.env`, under the names the README's Settings table lists."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


class SettingsError(Exception):
    """One line naming the setting that is missing or malformed."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///hagshama.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_secret: SecretStr | None = None
    telegram_bot_username: str | None = None
    """The bot's @username for links and posters before (or without) asking Telegram."""
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str | None = None
    twilio_template_reminder: Annotated[dict[str, str], NoDecode] = {}
    """Approved templates by purpose, per language: `he=HX…,en=HX…` (or one `HX…` for both);
    README lists the text of each (bot/whatsapp/templates.py)."""
    twilio_template_offer: Annotated[dict[str, str], NoDecode] = {}
    twilio_template_notice: Annotated[dict[str, str], NoDecode] = {}
    twilio_quick_reply_content_sids: Annotated[dict[int, str], NoDecode] = {}
    """Quick-reply templates by their number of buttons: `2=HX…,3=HX…` (bot/whatsapp/menus.py)."""
    twilio_list_picker_content_sids: Annotated[dict[int, str], NoDecode] = {}
    """List-picker templates by their number of items: `4=HX…,5=HX…`."""
    telegram_messages_per_second: float = Field(default=30, gt=0)
    """The bot's bulk limit (Telegram's 30), shared by every instance on one PostgreSQL."""
    whatsapp_messages_per_second: float = Field(default=80, gt=0)
    """The Twilio sender's throughput (80 by default; higher when Twilio raises it)."""
    whatsapp_tier: int = Field(default=250, gt=0)
    """The number's messaging tier: unique people it may start conversations with (templates,
    outside the 24-hour window) per rolling 24 hours: 250, 1000, 10000, 100000."""
    public_base_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    public_page_cache_seconds: float = Field(default=2, ge=0)
    """Seconds a rendered public page is served again as it is (0: render every request)."""
    max_body_bytes: int = Field(default=1 << 20, ge=1024)
    """Largest webhook body read; a larger one is refused 413 before it is all received."""
    http_header_timeout_seconds: float = Field(default=10, ge=1)
    """Seconds a client has to send a request's headers before it is dropped."""
    redis_url: SecretStr | None = None
    """Redis for the send budgets every instance shares (instead of PostgreSQL), e.g.
    `redis://127.0.0.1:6379/0`."""
    answering_process: bool | None = None
    """Whether `hagshama run` answers in a process of its own, so acknowledging webhooks never
    waits behind answering. Unset: on PostgreSQL yes; on SQLite no, where both processes would
    take turns at its one writer and acknowledging would wait all the same."""
    answering_lease_seconds: float = Field(default=30, ge=1)
    """How long an update being answered stays with its process before another may take it:
    after a crash, the wait until it is answered by another or a restarted one."""
    default_locale: Literal["he", "en"] = "he"
    timezone: str = "Asia/Jerusalem"
    admin_telegram_ids: Annotated[list[int], NoDecode] = []
    admin_phones: Annotated[list[str], NoDecode] = []
    broadcast_approval_threshold: int = Field(default=500, ge=0)
    """National broadcasts to more people than this need a second coordinator's approval."""
    checkin_opens_before: float = Field(default=3, ge=0)
    """Hours before an event's start from which its check-in codes are accepted."""

    @field_validator("admin_telegram_ids", "admin_phones", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator(
        "twilio_quick_reply_content_sids", "twilio_list_picker_content_sids", mode="before"
    )
    @classmethod
    def _sids_by_count(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        templates: dict[int, str] = {}
        for pair in filter(None, (item.strip() for item in value.split(","))):
            count, _, sid = pair.partition("=")
            if not count.strip().isdigit() or not CONTENT_SID.match(sid.strip()):
                raise ValueError(f"{pair!r} is not COUNT=HX… (e.g. 3=HX0123…)")
            templates[int(count)] = sid.strip()
        return templates

    @field_validator(
        "twilio_template_reminder",
        "twilio_template_offer",
        "twilio_template_notice",
        mode="before",
    )
    @classmethod
    def _sids_by_language(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        templates: dict[str, str] = {}
        for pair in filter(None, (item.strip() for item in value.split(","))):
            locale, _, sid = pair.rpartition("=")
            locale = locale.strip() or "*"
            if locale not in ("he", "en", "*") or not CONTENT_SID.match(sid.strip()):
                raise ValueError(f"{pair!r} is not LANG=HX… (he=HX0123…,en=HX4567…) or HX…")
            templates[locale] = sid.strip()
        return templates

    @field_validator("admin_phones")
    @classmethod
    def _e164(cls, phones: list[str]) -> list[str]:
        for phone in phones:
            if not E164.match(phone):
                raise ValueError(f"{phone!r} is not an E.164 number such as +972501234567")
        return phones

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError(f"{value!r} is not a database URL") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("use sqlite:///FILE or postgresql://USER@HOST/DB")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("public_base_url", "telegram_api_base_url", "twilio_api_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/") if value else value


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one line that names the key."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]).upper() if error["loc"] else "settings"
        raise SettingsError(f"{key}: {error['msg']}") from None
