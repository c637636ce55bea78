"""The event's own questions in the registration flow, asked after the personal details: a
choice by buttons (several, then "done", for a multiple choice), or a short typed text; an
optional one can be skipped. Answers wait in the flow's data until the registration is saved.
The handlers that take them are in handlers.people.registration_more."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.types import Button, Reply
from models.event_questions import EventQuestion, QuestionKind, questions_of, shown


class QuestionStep(StrEnum):
    """ANSWER: waiting for the answer to the question named in the flow's data
    (handlers.people.registration.Registering.question_id)."""

    ANSWER = "registration.answer"


@dataclass(frozen=True)
class QuestionPick(CallbackData, prefix="eqp"):
    """An option of a choice question: chosen (single) or toggled (multi)."""

    question_id: int
    option: int


@dataclass(frozen=True)
class QuestionDone(CallbackData, prefix="eqd"):
    """Ends a multiple choice, or skips an optional question."""

    question_id: int


async def pending(
    session: AsyncSession, event_id: int, given: dict[str, list[str]]
) -> EventQuestion | None:
    """The first question of the event not yet answered (or skipped) in `given`."""
    for question in await questions_of(session, event_id):
        if str(question.id) not in given:
            return question
    return None


def ask(
    ctx: Ctx, question: EventQuestion, ticked: Collection[str] = (), note: str | None = None
) -> Reply:
    """The question with its options as buttons (those already `ticked` marked)."""
    lines = [note] if note else []
    lines.append(question.text(ctx.locale))
    if question.kind == QuestionKind.MULTI:
        lines.append(ctx.t("questions.multi"))
    elif question.kind == QuestionKind.TEXT:
        lines.append(ctx.t("questions.text"))
    buttons = []
    for index, option in enumerate(question.options):
        mark = "✅ " if option["value"] in ticked else ""
        label = mark + question.label(option["value"], ctx.locale)
        buttons.append([Button(label, QuestionPick(question.id, index).pack())])
    if question.kind == QuestionKind.MULTI:
        buttons.append([Button(ctx.t("questions.done"), QuestionDone(question.id).pack())])
    elif not question.required:
        buttons.append([Button(ctx.t("questions.skip"), QuestionDone(question.id).pack())])
    return Reply("\n".join(lines), buttons=buttons)


async def summary_lines(ctx: Ctx, event_id: int, given: Mapping[str, list[str]]) -> list[str]:
    """Each question answered in `given` with its answer, for the summary before confirming."""
    lines = []
    for question in await questions_of(ctx.session, event_id):
        if values := given.get(str(question.id)):
            lines.append(f"• {question.text(ctx.locale)}: {shown(question, values, ctx.locale)}")
    return lines
