"""Track discovery: the catalogue's questionnaire, one question at a time, then the best tracks.

/tracks, DiscoveryRestart → ANSWER at the first question
ANSWER  DiscoveryAnswer, DiscoveryKeep, DiscoverySkip, DiscoveryDone → ANSWER at the next
        question; after the last, the best tracks (flow ends)
ANSWER  DiscoveryToggle → ANSWER (ticks an option of a multiple-choice question)
ANSWER  DiscoveryBack   → ANSWER at the previous question
ANSWER  typed text      → the same question again
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.tracks import TrackOpen
from models.catalog import Question
from models.discovery import (
    Answer,
    active_tracks,
    option_label,
    option_values,
    profile_answer,
    questionnaire,
    rank,
    reason_labels,
    remember,
)
from models.localized import localized

router = Router("discovery")


class DiscoveryStep(StrEnum):
    """ANSWER: a question is on screen (its id in `Discovering`); typed text there is re-asked."""

    ANSWER = "discovery.answer"


@dataclass(frozen=True)
class Discovering(FlowData):
    """The question on screen, the options ticked on it, and the answers given so far."""

    question: int | None = None
    picked: tuple[str, ...] = ()
    answers: dict[str, Answer] = field(default_factory=dict)
    history: tuple[int, ...] = ()
    """The questions answered or skipped, in order: where Back returns to."""


@dataclass(frozen=True)
class DiscoveryAnswer(CallbackData, prefix="da"):
    question_id: int
    value: str


@dataclass(frozen=True)
class DiscoveryToggle(CallbackData, prefix="dt"):
    question_id: int
    value: str


@dataclass(frozen=True)
class DiscoveryDone(CallbackData, prefix="dd"):
    question_id: int


@dataclass(frozen=True)
class DiscoveryKeep(CallbackData, prefix="dk"):
    question_id: int


@dataclass(frozen=True)
class DiscoverySkip(CallbackData, prefix="ds"):
    question_id: int


@dataclass(frozen=True)
class DiscoveryBack(CallbackData, prefix="db"):
    question_id: int


@dataclass(frozen=True)
class DiscoveryRestart(CallbackData, prefix="dr"):
    pass


@router.command("tracks", menu=True)
async def tracks(ctx: Ctx) -> list[Reply]:
    """Start the questionnaire from its first question."""
    return await _begin(ctx)


@router.callback(DiscoveryRestart)
async def restart(ctx: Ctx, _: DiscoveryRestart) -> list[Reply]:
    """Start the questionnaire over; answers already in the profile are offered to keep."""
    return await _begin(ctx)


@router.callback(DiscoveryAnswer, step=DiscoveryStep.ANSWER)
async def answer(ctx: Ctx, choice: DiscoveryAnswer) -> list[Reply]:
    """Take a single-choice answer, save it to the profile and move on."""
    questions, question = await _current(ctx, choice.question_id)
    if choice.value not in option_values(question):
        raise Stale(choice.value)
    remember(ctx.person, question, choice.value)
    return await _advance(ctx, questions, question, choice.value)


@router.callback(DiscoveryToggle, step=DiscoveryStep.ANSWER)
async def toggle(ctx: Ctx, choice: DiscoveryToggle) -> list[Reply]:
    """Tick or untick one option of a multiple-choice question."""
    questions, question = await _current(ctx, choice.question_id)
    allowed = option_values(question)
    if choice.value not in allowed:
        raise Stale(choice.value)
    data = ctx.flow(Discovering)
    picked = set(data.picked) ^ {choice.value}
    ticked = tuple(value for value in allowed if value in picked)
    ctx.goto(DiscoveryStep.ANSWER, replace(data, picked=ticked))
    return [_question(ctx, questions, question, edit=True)]


@router.callback(DiscoveryDone, step=DiscoveryStep.ANSWER)
async def done(ctx: Ctx, choice: DiscoveryDone) -> list[Reply]:
    """Save the ticked options of a multiple-choice question; none ticked counts as a skip."""
    questions, question = await _current(ctx, choice.question_id)
    picked = list(ctx.flow(Discovering).picked)
    if picked:
        remember(ctx.person, question, picked)
    return await _advance(ctx, questions, question, picked or None)


@router.callback(DiscoveryKeep, step=DiscoveryStep.ANSWER)
async def keep(ctx: Ctx, choice: DiscoveryKeep) -> list[Reply]:
    """Use the answer the profile already has and move on."""
    questions, question = await _current(ctx, choice.question_id)
    known = profile_answer(ctx.person, question)
    if known is None:
        raise Stale(choice.question_id)
    return await _advance(ctx, questions, question, known)


@router.callback(DiscoverySkip, step=DiscoveryStep.ANSWER)
async def skip(ctx: Ctx, choice: DiscoverySkip) -> list[Reply]:
    """Leave this question out of the match and move on; the profile keeps what it had."""
    questions, question = await _current(ctx, choice.question_id)
    return await _advance(ctx, questions, question, None)


@router.callback(DiscoveryBack, step=DiscoveryStep.ANSWER)
async def back(ctx: Ctx, choice: DiscoveryBack) -> list[Reply]:
    """Show the previous question again."""
    questions, _ = await _current(ctx, choice.question_id)
    data = ctx.flow(Discovering)
    history = data.history
    by_id = {q.id: q for q in questions}
    while history and history[-1] not in by_id:
        history = history[:-1]
    if not history:
        raise Stale(choice.question_id)
    ctx.goto(DiscoveryStep.ANSWER, replace(data, history=history[:-1]))
    return [_ask(ctx, questions, by_id[history[-1]])]


@router.step(DiscoveryStep.ANSWER)
async def typed(ctx: Ctx) -> list[Reply]:
    """Typed text where an option was expected: explain and show the question again."""
    if ctx.flow(Discovering).question is None:
        return await _begin(ctx)
    return [Reply(ctx.t("discovery.use_buttons")), *await ask_again(ctx)]


@router.reask(DiscoveryStep.ANSWER)
async def ask_again(ctx: Ctx) -> list[Reply]:
    """The question on screen again, as it is now (after a change of language)."""
    questions = await questionnaire(ctx.session)
    shown = ctx.flow(Discovering).question
    question = next((q for q in questions if q.id == shown), None)
    if question is None:
        return await _begin(ctx)
    return [_question(ctx, questions, question)]


async def _begin(ctx: Ctx) -> list[Reply]:
    ctx.end()
    questions = await questionnaire(ctx.session)
    if not questions:
        return await _results(ctx, questions, {})
    return [_ask(ctx, questions, questions[0])]


async def _current(ctx: Ctx, question_id: int) -> tuple[list[Question], Question]:
    """The questionnaire and the question on screen, or Stale for any other question's button."""
    if ctx.flow(Discovering).question != question_id:
        raise Stale(question_id)
    questions = await questionnaire(ctx.session)
    question = next((q for q in questions if q.id == question_id), None)
    if question is None:
        raise Stale(question_id)
    return questions, question


async def _advance(
    ctx: Ctx, questions: list[Question], question: Question, given: Answer | None
) -> list[Reply]:
    data = ctx.flow(Discovering)
    answers = {name: value for name, value in data.answers.items() if name != question.field}
    if given is not None:
        answers[question.field] = given
    ctx.goto(
        DiscoveryStep.ANSWER, replace(data, answers=answers, history=(*data.history, question.id))
    )
    later = questions[questions.index(question) + 1 :]
    if later:
        return [_ask(ctx, questions, later[0])]
    return await _results(ctx, questions, answers)


def _ask(ctx: Ctx, questions: list[Question], question: Question) -> Reply:
    ctx.goto(DiscoveryStep.ANSWER, replace(ctx.flow(Discovering), question=question.id, picked=()))
    return _question(ctx, questions, question)


def _question(ctx: Ctx, questions: list[Question], question: Question, edit: bool = False) -> Reply:
    """The question with its options, then skip, back, restart, and last a keep button when the
    profile knows the answer: keep comes and goes, so it never shifts the others' numbers."""
    lines = [
        ctx.t("discovery.progress", n=questions.index(question) + 1, total=len(questions)),
        localized(question.content, "prompt", ctx.locale),
    ]
    data = ctx.flow(Discovering)
    rows: list[list[Button]] = []
    for value in option_values(question):
        label = option_label([question], question.field, value, ctx.locale)
        if question.multiple:
            mark = "✅ " if value in data.picked else "▫️ "
            rows.append([Button(mark + label, DiscoveryToggle(question.id, value).pack())])
        else:
            rows.append([Button(label, DiscoveryAnswer(question.id, value).pack())])
    if question.multiple:
        lines.append(ctx.t("discovery.multiple_hint"))
        rows.append([Button(ctx.t("discovery.done"), DiscoveryDone(question.id).pack())])
    nav = [Button(ctx.t("discovery.skip"), DiscoverySkip(question.id).pack())]
    if data.history:
        nav.append(Button(ctx.t("discovery.back"), DiscoveryBack(question.id).pack()))
        nav.append(Button(ctx.t("discovery.restart"), DiscoveryRestart().pack()))
    rows.append(nav)
    known = profile_answer(ctx.person, question)
    if known is not None:
        shown = ", ".join(
            option_label([question], question.field, value, ctx.locale)
            for value in ([known] if isinstance(known, str) else known)
        )
        lines.append(ctx.t("discovery.known", answer=shown))
        rows.append([Button(ctx.t("discovery.keep"), DiscoveryKeep(question.id).pack())])
    return Reply("\n".join(lines), buttons=rows, edit=edit)


async def _results(ctx: Ctx, questions: list[Question], answers: dict[str, Answer]) -> list[Reply]:
    """The top tracks with the reasons they fit; every track when nothing matched."""
    ordered = {q.field: answers[q.field] for q in questions if q.field in answers}
    catalogue = await active_tracks(ctx.session)
    matches = rank(catalogue, ordered)
    ctx.end()
    restart_row = [Button(ctx.t("discovery.restart"), DiscoveryRestart().pack())]
    if not matches:
        rows = [
            [Button(localized(track.content, "title", ctx.locale), TrackOpen(track.id).pack())]
            for track in catalogue
        ]
        return [Reply(ctx.t("discovery.no_match"), buttons=[*rows, restart_row])]
    blocks = [ctx.t("discovery.results")]
    rows = []
    for n, match in enumerate(matches, 1):
        title = localized(match.track.content, "title", ctx.locale)
        block = ctx.t(
            "discovery.result",
            n=n,
            title=title,
            summary=localized(match.track.content, "summary", ctx.locale),
            reasons=", ".join(reason_labels(questions, match.reasons, ctx.locale)),
        )
        if match.misfits:
            misfits = ", ".join(reason_labels(questions, match.misfits, ctx.locale))
            block += "\n" + ctx.t("discovery.misfits", misfits=misfits)
        blocks.append(block)
        rows.append([Button(title, TrackOpen(match.track.id).pack())])
    return [Reply("\n\n".join(blocks), buttons=[*rows, restart_row])]
