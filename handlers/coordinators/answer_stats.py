"""/stats for events' questions: for each upcoming event within reach that asks a choice
question, how many current registrants chose each option."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from handlers.core.context import Ctx
from handlers.people.events import title
from models.catalog import Event, EventStatus
from models.event_questions import Answer, EventQuestion, QuestionKind
from models.registrations import ACTIVE, Registration
from models.roles import Authority
from models.sessions import still_ahead


async def answer_lines(ctx: Ctx, authority: Authority) -> list[str]:
    """A heading and a line per choice question: the options, most chosen first."""
    rows = await ctx.session.execute(
        select(Event, EventQuestion, Answer.values)
        .join(EventQuestion, EventQuestion.event_id == Event.id)
        .outerjoin(Answer, Answer.question_id == EventQuestion.id)
        .outerjoin(Registration, Registration.id == Answer.registration_id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            still_ahead(ctx.now),
            authority.events(),
            EventQuestion.kind != QuestionKind.TEXT,
            (Answer.id.is_(None)) | Registration.status.in_(ACTIVE),
        )
        .order_by(Event.starts_at, Event.id, EventQuestion.position, EventQuestion.id)
    )
    tallies: dict[tuple[int, int], tuple[Event, EventQuestion, Counter[str]]] = {}
    for event, question, values in rows:
        _, _, counts = tallies.setdefault((event.id, question.id), (event, question, Counter()))
        counts.update(values or [])
    if not tallies:
        return []
    lines = ["", ctx.t("stats.answers")]
    for event, question, counts in tallies.values():
        chosen = " · ".join(
            f"{question.label(value, ctx.locale)} {count}" for value, count in counts.most_common()
        )
        lines.append(
            ctx.t(
                "stats.answer_line",
                title=title(ctx, event),
                question=question.text(ctx.locale),
                answers=chosen or "—",
            )
        )
    return lines
