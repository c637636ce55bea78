"""What a series, a group or an event's questions add to the registrations view and export:
a group's other names, sessions attended out of those held, and a column per question."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.roster import Entry
from locales import Translator
from models.catalog import Event
from models.event_questions import answers_for, questions_of, shown
from models.sessions import SessionStatus, attended, sessions_of


async def with_extras(
    session: AsyncSession, t: Translator, event: Event, rows: list[Entry], now: datetime
) -> tuple[list[str], list[Entry]]:
    """The extra headings, and the rows with their extra cells in the same order; attendance
    is out of the sessions held by `now`."""
    questions = await questions_of(session, event.id)
    meetings = await sessions_of(session, event.id)
    held = sum(m.status == SessionStatus.SCHEDULED and m.starts_at <= now for m in meetings)
    series = bool(meetings)
    ids = [entry.registration.id for entry in rows]
    given = await answers_for(session, ids)
    present = await attended(session, ids) if series else {}
    groups = any(entry.registration.guests for entry in rows)
    headings = [t("groups.column")] if groups else []
    if series:
        headings.append(t("series.attendance_column"))
    headings += [question.text(t.locale) for question in questions]
    extended = []
    for entry in rows:
        registration = entry.registration
        cells: list[str] = []
        if groups:
            cells.append(", ".join(registration.guests))
        if series:
            cells.append(t("series.attended", count=present.get(registration.id, 0), held=held))
        answers = given.get(registration.id, {})
        cells += [shown(q, answers.get(q.id, []), t.locale) for q in questions]
        extended.append(replace(entry, extra=tuple(cells)))
    return headings, extended
