"""Check-in at a series: a ticket's code checks its holder in at the session whose check-in
window is open now (attendance per session), and the tally is that session's."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from handlers.core.context import Ctx, EngineConfig
from handlers.core.types import Reply
from handlers.people.events import title
from locales.dates import format_date_time, local
from models.audit import audit
from models.catalog import Event
from models.registrations import Registration, RegistrationStatus
from models.roles import Authority
from models.sessions import Attendance, EventSession, sessions_of


def window(span: Event | EventSession, config: EngineConfig) -> tuple[datetime, datetime]:
    """When codes are accepted for an event or a session: from a while before the start until
    the end (without an end, until midnight of its day)."""
    opens = span.starts_at - config.checkin_opens_before
    if span.ends_at is not None:
        return opens, span.ends_at
    day = local(span.starts_at, config.timezone).date() + timedelta(days=1)
    midnight = datetime.combine(day, time(), tzinfo=ZoneInfo(config.timezone))
    return opens, midnight.astimezone(span.starts_at.tzinfo)


async def check_in_session(
    ctx: Ctx,
    authority: Authority,
    registration: Registration,
    event: Event,
    name: str,
    status: str,
) -> tuple[list[Reply], bool]:
    """Mark the registration present at the session open now; the replies, and whether a
    check-in was made."""
    target = f"registration:{registration.id}"
    meetings = await sessions_of(ctx.session, event.id, scheduled_only=True)
    numbered = list(enumerate(meetings, 1))
    now = ctx.now
    current = next(
        (
            (n, m)
            for n, m in numbered
            if window(m, ctx.config)[0] <= now <= window(m, ctx.config)[1]
        ),
        None,
    )
    if current is None:
        later = next((m for m in meetings if m.starts_at > now), None)
        result = "too_early" if later is not None else "over"
        await audit(ctx.session, authority.person_id, "checkin", target, result=result)
        opens = window(later or meetings[-1], ctx.config)[0]
        at = format_date_time(opens, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t(f"checkin.{result}", title=title(ctx, event), opens=at))], False
    number, meeting = current
    if registration.status != RegistrationStatus.CONFIRMED:
        await audit(ctx.session, authority.person_id, "checkin", target, result="not_confirmed")
        text = ctx.t("checkin.not_confirmed", name=name, title=title(ctx, event), status=status)
        return [Reply(text)], False
    try:
        # Two desks may scan the same ticket at once: the unique row lets only one win.
        async with ctx.session.begin_nested():
            ctx.session.add(
                Attendance(
                    session_id=meeting.id,
                    registration_id=registration.id,
                    checked_in_at=now,
                    seats=registration.seats,
                )
            )
        arrived = True
    except IntegrityError:
        arrived = False
    if registration.checked_in_at is None:
        registration.checked_in_at = now  # attendance is a fact: the registration now stays
    tally = await _tally(ctx, event, meeting, number, len(meetings))
    if not arrived:
        first = await ctx.session.scalar(
            select(Attendance.checked_in_at).where(
                Attendance.session_id == meeting.id, Attendance.registration_id == registration.id
            )
        )
        await audit(ctx.session, authority.person_id, "checkin", target, result="already")
        at = format_date_time(first or now, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t("checkin.already", name=name, when=at, tally=tally))], False
    await audit(
        ctx.session,
        authority.person_id,
        "checkin",
        target,
        result="checked_in",
        event=event.slug,
        session_id=meeting.id,
    )
    return [Reply(ctx.t("checkin.done", name=name, status=status, tally=tally))], True


async def _tally(ctx: Ctx, event: Event, meeting: EventSession, number: int, total: int) -> str:
    """People present at this session out of the people confirmed for the series."""
    present = await ctx.session.scalar(
        select(func.coalesce(func.sum(Attendance.seats), 0)).where(
            Attendance.session_id == meeting.id
        )
    )
    confirmed = await ctx.session.scalar(
        select(func.coalesce(func.sum(Registration.seats), 0)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return ctx.t(
        "series.tally",
        title=title(ctx, event),
        number=number,
        total=total,
        checked_in=int(present or 0),
        confirmed=int(confirmed or 0),
    )
