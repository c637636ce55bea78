"""New sessions as a coordinator gives them: several dates typed at once (the Israeli way, a
date alone meaning the series' usual hour), or a rule — the first session, every one, two or
three weeks or monthly on the same weekday, so many times — expanded by the catalogue's own
`Rule`, which passes over Shabbat, festivals, fasts and memorial days and keeps the count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from locales import Translator
from locales.dates import format_day, format_span
from models.catalog import Event
from models.sessions import (
    MAX_SESSIONS,
    EventSession,
    Rule,
    RuleError,
    SessionStatus,
    holiday_name,
    meets_on,
)

SEPARATORS = re.compile(r"[\n;,]+")


class Every(IntEnum):
    """How often a rule's sessions come: in weeks, or MONTHLY on the same nth weekday."""

    MONTHLY = 0
    WEEK = 1
    TWO_WEEKS = 2
    THREE_WEEKS = 3


@dataclass(frozen=True)
class BadDate:
    """A typed date that could not be read, and why."""

    piece: str
    problem: Problem


@dataclass(frozen=True)
class Plan:
    """The sessions to add (start, end in UTC), the days a rule passed over, and the typed
    times dropped because the series already meets then."""

    times: list[tuple[datetime, datetime | None]]
    passed: list[date]
    existing: list[datetime]


def length_of(event: Event, meetings: list[EventSession]) -> timedelta | None:
    """How long the event's sessions last: its first session's length, else its own."""
    for meeting in meetings:
        if meeting.ends_at is not None:
            return meeting.ends_at - meeting.starts_at
    return None if event.ends_at is None else event.ends_at - event.starts_at


def usual_time(event: Event, meetings: list[EventSession], timezone: str) -> time:
    """The hour the series meets at: its first session's, else the event's."""
    starts = meetings[0].starts_at if meetings else event.starts_at
    return starts.astimezone(ZoneInfo(timezone)).time()


def typed_starts(text: str, now: datetime, timezone: str, usual: time) -> list[datetime] | BadDate:
    """The future moments typed, one a line or separated by commas, in order and once each."""
    pieces = [piece.strip() for piece in SEPARATORS.split(text) if piece.strip()]
    if not pieces:
        return BadDate(text, Problem("date_input.unreadable"))
    if len(pieces) > MAX_SESSIONS:
        return BadDate(
            pieces[MAX_SESSIONS], Problem("session_add.too_many", {"limit": MAX_SESSIONS})
        )
    starts = []
    for piece in pieces:
        found = event_input.start(piece, now, timezone)
        if isinstance(found, Problem) and found.key == "date_input.no_time":
            found = event_input.start(f"{piece} {usual:%H:%M}", now, timezone)
        if isinstance(found, Problem):
            return BadDate(piece, found)
        starts.append(found)
    return sorted(set(starts))


def rule_plan(
    first: datetime, every: Every, count: int, length: timedelta | None, timezone: str
) -> Plan | Problem:
    """The sessions of the rule that starts at `first` (its weekday and hour)."""
    local = first.astimezone(ZoneInfo(timezone))
    nth = (local.day - 1) // 7 + 1 if every == Every.MONTHLY else None
    if nth is not None and nth > 4:
        return Problem("session_add.fifth_week")
    rule = Rule(
        first_day=local.date(),
        weekday=local.weekday(),
        at=local.time(),
        length=length,
        count=count,
        every_weeks=max(int(every), 1),
        nth=nth,
    )
    try:
        times, passed = rule.plan(timezone)
    except RuleError:
        return Problem("session_add.no_room")
    return Plan(times, passed, [])


def typed_plan(starts: list[datetime], length: timedelta | None) -> Plan:
    return Plan([(s, None if length is None else s + length) for s in starts], [], [])


def held_times(event: Event, meetings: list[EventSession]) -> set[datetime]:
    """When the event meets already: its scheduled sessions, or its own time if it has none."""
    if not meetings:
        return {event.starts_at}
    return {m.starts_at for m in meetings if m.status == SessionStatus.SCHEDULED}


def without_held(plan: Plan, held: set[datetime]) -> Plan:
    """The plan less the sessions the event already has at the same time (named apart)."""
    times = [pair for pair in plan.times if pair[0] not in held]
    return Plan(times, plan.passed, [start for start, _ in plan.times if start in held])


def described(t: Translator, plan: Plan, timezone: str) -> list[str]:
    """The plan's lines: each new session (flagged on a day without meetings), the days a rule
    passed over with the reason, the times the event meets already."""
    lines = []
    for starts, ends in plan.times:
        key = "session_add.line" if meets_on(starts, ends, timezone) else "session_add.line_rest"
        lines.append(t(key, when=format_span(starts, ends, t.locale, timezone)))
    if plan.passed:
        lines.append(t("session_add.passed"))
    for day in plan.passed:
        why = holiday_name(day, t.locale) or t("session_add.shabbat")
        lines.append(t("session_add.passed_line", day=format_day(day, t.locale), why=why))
    for held in plan.existing:
        lines.append(t("session_add.existing", when=format_span(held, None, t.locale, timezone)))
    return lines


def read_count(text: str, room: int) -> int | Problem:
    """A number of sessions, 1 to `room`."""
    text = text.strip()
    if text.isdigit() and text.isascii() and 1 <= int(text) <= room:
        return int(text)
    return Problem("session_add.bad_count", {"limit": room})
