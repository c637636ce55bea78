"""Adding a question to an event, from its list (question_list): its kind, required or not, the
wording in Hebrew and English, and a choice's options. Registration asks the event's questions
after the personal details.

QuestionAdd (question_list)          → KIND
KIND        QuestionKindPick         → REQUIRED
REQUIRED    QuestionRequired         → TEXT_HE
TEXT_HE     the Hebrew wording       → TEXT_EN
TEXT_EN     the English one, or -    → a text question saved (flow ends); a choice → OPTIONS_HE
OPTIONS_HE  options, one a line      → OPTIONS_EN
OPTIONS_EN  as many in English, or - → saved, the event's questions shown (flow ends)
(any step)  anything else            → what is wrong, or the buttons again; the same step
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.event_manage import managed_event
from handlers.coordinators.event_tools import QuestionList
from handlers.coordinators.question_list import QuestionAdd, show
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from handlers.inputs import event_input
from handlers.inputs.event_input import Problem
from models.audit import audit
from models.event_questions import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    EventQuestion,
    QuestionKind,
    questions_of,
)
from models.roles import Authority

coordinator = CoordinatorRouter("question_form")

MAX_QUESTION = 200
MAX_OPTION = 24
"""WhatsApp's list picker shows an item of at most 24 characters."""
SKIP = "-"


class QuestionFormStep(StrEnum):
    """KIND and REQUIRED wait for a button; TEXT_HE → TEXT_EN → (a choice) OPTIONS_HE →
    OPTIONS_EN wait for typed text; then the question is saved and the list shown."""

    KIND = "question_form.kind"
    REQUIRED = "question_form.required"
    TEXT_HE = "question_form.text_he"
    TEXT_EN = "question_form.text_en"
    OPTIONS_HE = "question_form.options_he"
    OPTIONS_EN = "question_form.options_en"


@dataclass(frozen=True)
class Forming(FlowData):
    """The event and the question's answers so far (added to the event at the last step)."""

    event_id: int = 0
    kind: str = QuestionKind.TEXT.value
    required: bool = False
    text_he: str = ""
    text_en: str | None = None
    options_he: tuple[str, ...] = ()
    options_en: tuple[str, ...] | None = None
    """None when the options have no English wording."""


@dataclass(frozen=True)
class QuestionKindPick(CallbackData, prefix="mqk"):
    event_id: int
    kind: QuestionKind


@dataclass(frozen=True)
class QuestionRequired(CallbackData, prefix="mqr"):
    event_id: int
    required: bool


def _kinds(ctx: Ctx, event_id: int) -> list[list[Button]]:
    return [
        [Button(ctx.t(f"question_form.kind.{kind}"), QuestionKindPick(event_id, kind).pack())]
        for kind in QuestionKind
    ]


@coordinator.callback(QuestionAdd)
async def add(ctx: Ctx, authority: Authority, choice: QuestionAdd) -> list[Reply]:
    """Start a new question: which kind?"""
    event = await managed_event(ctx, authority, choice.event_id, "questions")
    if len(await questions_of(ctx.session, event.id)) >= MAX_QUESTIONS:
        raise Stale(event.id)
    ctx.goto(QuestionFormStep.KIND, Forming(event_id=event.id))
    return [Reply(ctx.t("question_form.ask.kind"), buttons=_kinds(ctx, event.id))]


async def _forming(ctx: Ctx, authority: Authority, event_id: int) -> Forming:
    """The question this flow is forming, if for `event_id` (still within reach), or Stale."""
    data = ctx.flow(Forming)
    if data.event_id != event_id:
        raise Stale(event_id)
    await managed_event(ctx, authority, event_id, "questions")
    return data


@coordinator.callback(QuestionKindPick, step=QuestionFormStep.KIND)
async def got_kind(ctx: Ctx, authority: Authority, choice: QuestionKindPick) -> list[Reply]:
    """Keep the kind; ask whether an answer is required."""
    data = await _forming(ctx, authority, choice.event_id)
    ctx.goto(QuestionFormStep.REQUIRED, replace(data, kind=choice.kind.value))
    return [_ask_required(ctx, choice.event_id)]


def _ask_required(ctx: Ctx, event_id: int) -> Reply:
    buttons = [
        [Button(ctx.t("question_form.yes"), QuestionRequired(event_id, True).pack())],
        [Button(ctx.t("question_form.no"), QuestionRequired(event_id, False).pack())],
    ]
    return Reply(ctx.t("question_form.ask.required"), buttons=buttons)


@coordinator.callback(QuestionRequired, step=QuestionFormStep.REQUIRED)
async def got_required(ctx: Ctx, authority: Authority, choice: QuestionRequired) -> list[Reply]:
    """Keep whether it is required; ask for the Hebrew wording."""
    data = await _forming(ctx, authority, choice.event_id)
    ctx.goto(QuestionFormStep.TEXT_HE, replace(data, required=choice.required))
    return [Reply(ctx.t("question_form.ask.text_he"))]


@coordinator.reask(*QuestionFormStep)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The current step's question again."""
    step = QuestionFormStep(str(ctx.state.step))
    data = ctx.flow(Forming)
    if step == QuestionFormStep.KIND:
        return [Reply(ctx.t("question_form.ask.kind"), buttons=_kinds(ctx, data.event_id))]
    if step == QuestionFormStep.REQUIRED:
        return [_ask_required(ctx, data.event_id)]
    key = step.value.replace("question_form.", "question_form.ask.")
    count = len(data.options_he)
    return [Reply(ctx.t(key, count=count, limit=MAX_OPTIONS))]


@coordinator.step(QuestionFormStep.KIND)
async def typed_at_kind(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Free text where a button was expected."""
    return [Reply(ctx.t("manage_event.confirm.use_buttons")), *await ask_again(ctx, authority)]


@coordinator.step(QuestionFormStep.REQUIRED)
async def typed_at_required(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Free text where a button was expected."""
    return [Reply(ctx.t("manage_event.confirm.use_buttons")), *await ask_again(ctx, authority)]


@coordinator.step(QuestionFormStep.TEXT_HE)
async def got_text_he(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the Hebrew wording; ask for the English one."""
    text = event_input.line(ctx.text, MAX_QUESTION)
    if isinstance(text, Problem):
        return [Reply(ctx.t(text.key, **text.values))]
    ctx.goto(QuestionFormStep.TEXT_EN, replace(ctx.flow(Forming), text_he=text))
    return [Reply(ctx.t("question_form.ask.text_en"))]


@coordinator.step(QuestionFormStep.TEXT_EN)
async def got_text_en(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the English wording (or none); a choice goes on to its options."""
    english: str | None = None
    if ctx.text != SKIP:
        text = event_input.line(ctx.text, MAX_QUESTION)
        if isinstance(text, Problem):
            return [Reply(ctx.t(text.key, **text.values))]
        english = text
    data = replace(ctx.flow(Forming), text_en=english)
    ctx.goto(QuestionFormStep.OPTIONS_HE, data)
    if data.kind == QuestionKind.TEXT:
        return await _save(ctx, authority)
    return [Reply(ctx.t("question_form.ask.options_he", limit=MAX_OPTIONS))]


def _options(text: str, count: int | None) -> tuple[str, ...] | None:
    """Options one a line: 2 to MAX_OPTIONS (or exactly `count`), each short, with letters."""
    options = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if count is None and not 2 <= len(options) <= MAX_OPTIONS:
        return None
    if count is not None and len(options) != count:
        return None
    if any(len(o) > MAX_OPTION or not any(ch.isalnum() for ch in o) for o in options):
        return None
    if len(set(options)) != len(options):
        return None
    return tuple(options)


@coordinator.step(QuestionFormStep.OPTIONS_HE)
async def got_options_he(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the Hebrew options; ask for the English ones."""
    options = _options(ctx.incoming.text or "", None)
    if options is None:
        bad = ctx.t("question_form.bad_options", limit=MAX_OPTIONS, length=MAX_OPTION)
        return [Reply(bad)]
    ctx.goto(QuestionFormStep.OPTIONS_EN, replace(ctx.flow(Forming), options_he=options))
    return [Reply(ctx.t("question_form.ask.options_en", count=len(options)))]


@coordinator.step(QuestionFormStep.OPTIONS_EN)
async def got_options_en(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Take the English options (as many as the Hebrew, or none), then save."""
    data = ctx.flow(Forming)
    hebrew = data.options_he
    english: tuple[str, ...] | None = None
    if ctx.text != SKIP:
        english = _options(ctx.incoming.text or "", len(hebrew))
        if english is None:
            return [
                Reply(ctx.t("question_form.bad_options_en", count=len(hebrew), length=MAX_OPTION))
            ]
    ctx.goto(QuestionFormStep.OPTIONS_EN, replace(data, options_en=english))
    return await _save(ctx, authority)


async def _save(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Add the formed question at the end of the event's questions."""
    data = ctx.flow(Forming)
    event = await managed_event(ctx, authority, data.event_id, "questions")
    existing = await questions_of(ctx.session, event.id)
    if len(existing) >= MAX_QUESTIONS:
        raise Stale(event.id)
    taken = {question.slug for question in existing}
    slug = next(f"q{n}" for n in range(1, MAX_QUESTIONS + len(taken) + 2) if f"q{n}" not in taken)
    content = {"he": {"text": data.text_he}}
    if data.text_en:
        content["en"] = {"text": data.text_en}
    english = data.options_en or ()
    options = [
        {"value": f"o{n}", "label": {"he": he, **({"en": english[n - 1]} if english else {})}}
        for n, he in enumerate(data.options_he, 1)
    ]
    question = EventQuestion(
        event_id=event.id,
        slug=slug,
        position=max((q.position for q in existing), default=-1) + 1,
        kind=QuestionKind(data.kind),
        required=data.required,
        content=content,
        options=options if data.kind != QuestionKind.TEXT else [],
    )
    ctx.session.add(question)
    await ctx.session.flush()
    await audit(
        ctx.session, authority.person_id, "event.question_add", f"event:{event.slug}", slug=slug
    )
    return [Reply(ctx.t("manage_event.saved")), *await show(ctx, authority, QuestionList(event.id))]
