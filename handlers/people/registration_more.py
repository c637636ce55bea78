"""The registration flow's extra steps: the event's questions (handlers.people.event_questions)
and a group's size, names and split (handlers.people.groups). Each answer goes back to the
registration's next question, so the summary comes when nothing is missing.

ANSWER   QuestionPick of a single choice, or a typed answer → the next question
ANSWER   QuestionPick of a multiple choice → ANSWER (the option ticked or unticked)
ANSWER   QuestionDone → the next question (a required one wants an option ticked first)
CONFIRM  GroupStart   → SIZE
SIZE     2 to MAX_GROUP → NAMES; 1 → the next question
NAMES    names        → NAMES until all are given; then the split question when seats are
                        short (GroupSplit → the next question), else the next question
"""

from __future__ import annotations

from dataclasses import replace

from handlers.core.context import Ctx
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.event_questions import QuestionDone, QuestionPick, QuestionStep, ask
from handlers.people.groups import MAX_GROUP, GroupSplit, GroupStart, GroupStep, read_names
from handlers.people.registration import (
    Registering,
    RegistrationStep,
    next_question,
    registering,
)
from models.event_questions import MAX_ANSWER, EventQuestion, QuestionKind
from models.seats import seats_left

router = Router("registration_more")


async def _asked(ctx: Ctx) -> tuple[EventQuestion, Registering]:
    """The question this flow is asking, and the flow's values."""
    data = ctx.flow(Registering)
    question = await ctx.session.get(EventQuestion, data.question_id or 0)
    if question is None:
        raise Stale(data.question_id)
    return question, data


async def _question(ctx: Ctx, question_id: int) -> tuple[EventQuestion, Registering]:
    """The question a button answers, if it is the one being asked, or Stale."""
    question, data = await _asked(ctx)
    if question.id != question_id:
        raise Stale(question_id)
    return question, data


async def _answered(
    ctx: Ctx, data: Registering, question: EventQuestion, values: list[str]
) -> list[Reply]:
    """Keep the answer and go on with the registration."""
    given = {**data.answers, str(question.id): values}
    ctx.goto(RegistrationStep.CONFIRM, replace(data, answers=given, ticked=(), question_id=None))
    return await next_question(ctx)


@router.reask(QuestionStep.ANSWER)
async def ask_again(ctx: Ctx) -> list[Reply]:
    """The question again, in the language just chosen."""
    question, data = await _asked(ctx)
    return [ask(ctx, question, data.ticked)]


@router.callback(QuestionPick, step=QuestionStep.ANSWER)
async def pick(ctx: Ctx, choice: QuestionPick) -> list[Reply]:
    """A single choice answers; a multiple choice ticks or unticks the option."""
    question, data = await _question(ctx, choice.question_id)
    if not 0 <= choice.option < len(question.options):
        raise Stale(choice.option)
    value = str(question.options[choice.option]["value"])
    if question.kind != QuestionKind.MULTI:
        return await _answered(ctx, data, question, [value])
    if value in data.ticked:
        ticked = tuple(v for v in data.ticked if v != value)
    else:
        ticked = (*data.ticked, value)
    ctx.goto(QuestionStep.ANSWER, replace(data, ticked=ticked))
    return [ask(ctx, question, ticked)]


@router.callback(QuestionDone, step=QuestionStep.ANSWER)
async def done(ctx: Ctx, choice: QuestionDone) -> list[Reply]:
    """End a multiple choice (at least one option when required) or skip an optional one."""
    question, data = await _question(ctx, choice.question_id)
    ticked = list(data.ticked) if question.kind == QuestionKind.MULTI else []
    if question.required and not ticked:
        return [ask(ctx, question, data.ticked, ctx.t("questions.required"))]
    return await _answered(ctx, data, question, ticked)


@router.step(QuestionStep.ANSWER)
async def typed(ctx: Ctx) -> list[Reply]:
    """A short text answer; typed text at a choice asks for the buttons."""
    question, data = await _asked(ctx)
    if question.kind != QuestionKind.TEXT:
        return [ask(ctx, question, data.ticked, ctx.t("questions.use_buttons"))]
    text = " ".join(ctx.text.split())
    if len(text) > MAX_ANSWER:
        note = ctx.t("questions.too_long", limit=MAX_ANSWER, length=len(text))
        return [ask(ctx, question, data.ticked, note)]
    if not any(ch.isalnum() for ch in text):
        return [ask(ctx, question, data.ticked, ctx.t("questions.empty"))]
    return await _answered(ctx, data, question, [text])


@router.callback(GroupStart)
async def group_start(ctx: Ctx, choice: GroupStart) -> list[Reply]:
    """Ask how many people the group has, the registrant included."""
    await registering(ctx, choice.event_id)
    ctx.goto(GroupStep.SIZE)
    return [Reply(ctx.t("groups.ask_size", limit=MAX_GROUP))]


@router.reask(GroupStep.SIZE, GroupStep.NAMES)
async def group_again(ctx: Ctx) -> list[Reply]:
    """Ask the group's size or names again."""
    if ctx.state.step == GroupStep.NAMES:
        return [Reply(ctx.t("groups.ask_names", count=ctx.flow(Registering).size - 1))]
    return [Reply(ctx.t("groups.ask_size", limit=MAX_GROUP))]


@router.step(GroupStep.SIZE)
async def got_size(ctx: Ctx) -> list[Reply]:
    """Take 2 to MAX_GROUP people; 1 is a registration of one's own."""
    text, data = ctx.text, ctx.flow(Registering)
    size = int(text) if text.isdigit() and len(text) <= 3 else 0
    if size == 1:
        ctx.goto(RegistrationStep.CONFIRM, replace(data, guests=(), split=False))
        return await next_question(ctx)
    if not 2 <= size <= MAX_GROUP:
        return [Reply(ctx.t("groups.bad_size", limit=MAX_GROUP))]
    ctx.goto(GroupStep.NAMES, replace(data, size=size, names=()))
    return [Reply(ctx.t("groups.ask_names", count=size - 1))]


@router.step(GroupStep.NAMES)
async def got_names(ctx: Ctx) -> list[Reply]:
    """Take the others' names; when seats are short, ask whether the group may split."""
    data = ctx.flow(Registering)
    size = data.size
    # Names may come in several messages (one a message is how many people type a list).
    read = read_names(ctx.incoming.text or "", size - 1 - len(data.names))
    if read is None:
        ctx.goto(GroupStep.NAMES, replace(data, names=()))
        return [Reply(ctx.t("groups.bad_names", count=size - 1))]
    names = (*data.names, *read)
    if len(names) < size - 1:
        ctx.goto(GroupStep.NAMES, replace(data, names=names))
        return [Reply(ctx.t("groups.more_names", got=len(names), count=size - 1 - len(names)))]
    event = await registering(ctx, data.event_id)
    ctx.goto(RegistrationStep.CONFIRM, replace(data, guests=names, names=(), split=False))
    left = seats_left(event)
    if left is not None and 0 < left < size:
        buttons = [
            [Button(ctx.t("groups.split_yes", count=left), GroupSplit(event.id, True).pack())],
            [Button(ctx.t("groups.split_no"), GroupSplit(event.id, False).pack())],
        ]
        return [Reply(ctx.t("groups.ask_split", left=left, size=size), buttons=buttons)]
    return await next_question(ctx)


@router.callback(GroupSplit)
async def got_split(ctx: Ctx, choice: GroupSplit) -> list[Reply]:
    """Keep whether the group may split, and go on to the summary."""
    await registering(ctx, choice.event_id)
    ctx.goto(RegistrationStep.CONFIRM, replace(ctx.flow(Registering), split=choice.agree))
    return await next_question(ctx)
