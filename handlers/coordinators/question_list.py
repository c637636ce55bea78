"""An event's questions, from /manage_events: the list, with how many answered each, and
removing one nobody has answered yet (asking first); adding one is question_form's flow."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import Manage, managed_event
from handlers.coordinators.event_tools import QuestionList
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.people.events import title
from models.audit import audit
from models.event_questions import MAX_QUESTIONS, Answer, EventQuestion, questions_of
from models.roles import Authority

coordinator = CoordinatorRouter("question_list")


@dataclass(frozen=True)
class QuestionAdd(CallbackData, prefix="mqa"):
    event_id: int


@dataclass(frozen=True)
class QuestionRemove(CallbackData, prefix="mqx"):
    """Removes a question nobody answered: first press asks, `sure` removes."""

    question_id: int
    sure: bool = False


@coordinator.callback(QuestionList)
async def show(ctx: Ctx, authority: Authority, choice: QuestionList) -> list[Reply]:
    """The event's questions, each with how many answered it, and what can be done."""
    event = await managed_event(ctx, authority, choice.event_id, "questions")
    ctx.end()
    questions = await questions_of(ctx.session, event.id)
    lines = [ctx.t("question_form.list", title=title(ctx, event))]
    buttons = []
    for number, question in enumerate(questions, 1):
        answered = await _answered(ctx, question)
        kind = ctx.t(f"question_form.kind.{question.kind}")
        need = ctx.t("question_form.required" if question.required else "question_form.optional")
        text = question.text(ctx.locale)
        lines.append(
            f"{number}. {text} ({kind}, {need}) · {ctx.t('question_form.answered', count=answered)}"
        )
        remove = ctx.t("question_form.remove", number=number)
        buttons.append([Button(remove, QuestionRemove(question.id).pack())])
    if not questions:
        lines.append(ctx.t("question_form.none"))
    if len(questions) < MAX_QUESTIONS:
        buttons.insert(0, [Button(ctx.t("question_form.add"), QuestionAdd(event.id).pack())])
    buttons.append([Button(ctx.t("series.back"), Manage(event.id).pack())])
    return [Reply("\n".join(lines), buttons=buttons)]


async def _answered(ctx: Ctx, question: EventQuestion) -> int:
    count = await ctx.session.scalar(select(func.count()).where(Answer.question_id == question.id))
    return int(count or 0)


@coordinator.callback(QuestionRemove)
async def remove(ctx: Ctx, authority: Authority, choice: QuestionRemove) -> list[Reply]:
    """Remove a question nobody answered (asking first); an answered one stays."""
    question = await ctx.session.get(EventQuestion, choice.question_id)
    if question is None:
        raise Stale(choice.question_id)
    event = await managed_event(ctx, authority, question.event_id, "questions")
    ctx.end()
    back = [[Button(ctx.t("series.back"), QuestionList(event.id).pack())]]
    if answered := await _answered(ctx, question):
        return [Reply(ctx.t("question_form.keeps", count=answered), buttons=back)]
    if not choice.sure:
        sure = [Button(ctx.t("question_form.remove_yes"), QuestionRemove(question.id, True).pack())]
        text = ctx.t("question_form.remove_sure", question=question.text(ctx.locale))
        return [Reply(text, buttons=[sure, *back])]
    await ctx.session.delete(question)
    await ctx.session.flush()
    await audit(
        ctx.session,
        authority.person_id,
        "event.question_remove",
        f"event:{event.slug}",
        slug=question.slug,
    )
    return await show(ctx, authority, QuestionList(event.id))
