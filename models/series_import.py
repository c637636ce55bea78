"""The catalogue's series and questions: `sessions:` (explicit times) or `repeat:` (a rule),
and `questions:` per event. Times are read here and kept as JSON pairs so that
models.event_import can tell, as for any field, whether the chat changed them since.

    sessions: [2027-01-12T18:00:00+02:00, 2027-02-09T18:00:00+02:00]
    length_minutes: 150
    repeat: {weekday: tuesday, nth: 2, count: 6, from: 2027-01-01, time: "18:00",
             skip: [2027-03-09]}          # or every_weeks: 2 instead of nth
    questions:
      - slug: transport
        kind: single                     # single, multi or text
        required: true
        text: {he: …, en: …}
        options: [{value: bus, label: {he: …, en: …}}]
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog import Event
from models.catalog_entries import CatalogError, option_of
from models.event_questions import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    EventQuestion,
    QuestionKind,
    questions_of,
)
from models.sessions import (
    WEEKDAYS,
    EventSession,
    Rule,
    RuleError,
    SessionStatus,
    follow_first,
    sessions_of,
)

Times = list[list[str | None]]
"""Sessions as [start, end] ISO pairs in UTC, end None when open."""


def session_times(entry: dict[str, Any], timezone: str) -> Times:
    """The entry's sessions, from its explicit list or its rule; [] for a single event."""
    where = f"events/{entry.get('slug')}"
    minutes = entry.get("length_minutes")
    if minutes is not None and (not isinstance(minutes, int) or minutes <= 0):
        raise CatalogError(f"{where}: length_minutes must be a whole number > 0")
    length = None if minutes is None else timedelta(minutes=minutes)
    if "sessions" in entry and "repeat" in entry:
        raise CatalogError(f"{where}: give sessions or repeat, not both")
    if sessions := entry.get("sessions"):
        if not isinstance(sessions, list) or not all(
            isinstance(s, datetime) and s.tzinfo for s in sessions
        ):
            raise CatalogError(f"{where}: sessions must be date-times with an offset")
        pairs = [(s, None if length is None else s + length) for s in sorted(sessions)]
    elif repeat := entry.get("repeat"):
        try:
            pairs = _rule(where, repeat, length).times(timezone)
        except RuleError as exc:
            raise CatalogError(f"{where}: {exc}") from exc
    else:
        return []
    return [[s.isoformat(), None if e is None else e.isoformat()] for s, e in pairs]


def _rule(where: str, repeat: Any, length: timedelta | None) -> Rule:
    if not isinstance(repeat, dict):
        raise CatalogError(f"{where}: repeat must be a mapping")
    try:
        hour, minute = (int(part) for part in str(repeat["time"]).split(":"))
        skip = repeat.get("skip") or []
        return Rule(
            first_day=_day(repeat["from"]),
            weekday=WEEKDAYS.index(str(repeat["weekday"]).lower()),
            at=time(hour, minute),
            length=length,
            count=int(repeat["count"]),
            every_weeks=int(repeat.get("every_weeks", 1)),
            nth=None if repeat.get("nth") is None else int(repeat["nth"]),
            skip=frozenset(_day(day) for day in skip),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise CatalogError(
            f"{where}: repeat needs weekday, count, from (a date) and time (HH:MM): {exc}"
        ) from exc


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def as_times(times: Times) -> list[tuple[datetime, datetime | None]]:
    return [
        (datetime.fromisoformat(str(s)), None if e is None else datetime.fromisoformat(e))
        for s, e in times
    ]


async def current_times(session: AsyncSession, event: Event) -> Times:
    """The event's scheduled sessions as `session_times` gives the file's."""
    return [
        [s.starts_at.isoformat(), None if s.ends_at is None else s.ends_at.isoformat()]
        for s in await sessions_of(session, event.id, scheduled_only=True)
    ]


async def apply_times(session: AsyncSession, event: Event, times: Times) -> None:
    """Set the sessions in order, keeping the rows (and their attendance) already there."""
    existing = await sessions_of(session, event.id)
    for index, (starts, ends) in enumerate(as_times(times)):
        if index < len(existing):
            row = existing[index]
            row.starts_at, row.ends_at, row.status = starts, ends, SessionStatus.SCHEDULED
        else:
            session.add(EventSession(event_id=event.id, starts_at=starts, ends_at=ends))
    for extra in existing[len(times) :]:
        await session.delete(extra)
    await session.flush()
    await follow_first(session, event)


async def import_questions(session: AsyncSession, event: Event, entry: dict[str, Any]) -> None:
    """Create or update the entry's questions by slug; questions added in the chat stay."""
    where = f"events/{event.slug}"
    listed = entry.get("questions") or []
    if not isinstance(listed, list) or len(listed) > MAX_QUESTIONS:
        raise CatalogError(f"{where}: questions must be a list of at most {MAX_QUESTIONS}")
    existing = {q.slug: q for q in await questions_of(session, event.id)}
    for position, raw in enumerate(listed):
        if not isinstance(raw, dict) or not raw.get("slug") or not raw.get("text"):
            raise CatalogError(f"{where}: each question needs a slug and a text")
        slug = str(raw["slug"])
        try:
            kind = QuestionKind(str(raw.get("kind", "single")))
        except ValueError as exc:
            raise CatalogError(f"{where}/{slug}: kind must be single, multi or text") from exc
        options = [option_of(slug, option) for option in raw.get("options") or []]
        if (kind == QuestionKind.TEXT) != (not options) or len(options) > MAX_OPTIONS:
            raise CatalogError(
                f"{where}/{slug}: a choice needs 1–{MAX_OPTIONS} options, a text question none"
            )
        question = existing.get(slug) or EventQuestion(event_id=event.id, slug=slug)
        question.position, question.kind = position, kind
        question.required = bool(raw.get("required", True))
        question.content = {lang: {"text": str(text)} for lang, text in dict(raw["text"]).items()}
        question.options = options
        session.add(question)
    await session.flush()
