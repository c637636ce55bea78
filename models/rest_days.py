"""Shabbat and the holidays in Israel: when each rest period begins and ends, from `hdate`
(candle lighting to havdalah at the configured location). Quiet hours (scheduler.quiet) hold
messages through them; editing an event warns when its new time falls in one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hdate import HDateInfo, Location, Zmanim

from locales.dates import DEFAULT_TIMEZONE

JERUSALEM = Location(
    name="Jerusalem", latitude=31.778, longitude=35.235, timezone=DEFAULT_TIMEZONE, altitude=754
)
CANDLE_LIGHTING_OFFSET = 40
"""Minutes before sunset; Jerusalem's custom is the earliest in the country."""


@dataclass(frozen=True)
class RestPeriod:
    """One Shabbat or holiday, or several back to back: candle lighting to havdalah."""

    begins: datetime
    ends: datetime


def rest_period(
    when: datetime,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    location: Location = JERUSALEM,
    candle_lighting_offset: int = CANDLE_LIGHTING_OFFSET,
) -> RestPeriod | None:
    """The Shabbat or holiday stretch `when` falls in, if any."""

    def zmanim(day: date) -> Zmanim:
        return Zmanim(date=day, location=location, candle_lighting_offset=candle_lighting_offset)

    local = when.astimezone(ZoneInfo(timezone))
    today = local.date()
    if not zmanim(today).issur_melacha_in_effect(local):
        return None
    # In effect before havdalah means today is holy; after candle lighting, tomorrow is.
    info = HDateInfo(today, diaspora=location.diaspora)
    holy_today = info.is_shabbat or info.is_yom_tov
    havdalah = zmanim(today).havdalah
    if not holy_today or (havdalah is not None and local >= havdalah):
        info = info.next_day
    begins = zmanim(info.first_day.gdate - timedelta(days=1)).candle_lighting
    ends = zmanim(info.last_day.gdate).havdalah
    if begins is None or ends is None:
        raise ValueError(f"hdate gave no candle lighting or havdalah around {local}")
    return RestPeriod(begins.astimezone(when.tzinfo), ends.astimezone(when.tzinfo))
