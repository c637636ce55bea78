"""Track discovery: the questionnaire's answers, the profile they fill, track scores, regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from models.catalog import NOT_FOR, Event, EventStatus, Question, Track
from models.people import Person

Answer = str | list[str]
PROFILE_FIELDS = ("region", "background", "life_stage", "age_band", "settlement", "interests")
"""The Person attributes a question may fill; other fields are used for scoring only."""
LIST_FIELDS = frozenset({"interests"})
WEIGHTS = {"interests": 2}
"""What someone wants to do says more about a fitting track than who they are."""
TOP = 3
REGION = "region"
"""The field of the question whose options are the catalogue's regions."""
NATIONAL = "national"
"""The value that stands for no region (a national event) in filters and the event form."""


@dataclass(frozen=True)
class Match:
    track: Track
    score: int
    reasons: tuple[tuple[str, str], ...]
    """(field, value) pairs of the answers this track suits, in questionnaire order."""
    misfits: tuple[tuple[str, str], ...] = ()
    """(field, value) pairs of single answers the track names other values for."""


def rank(tracks: Iterable[Track], answers: Mapping[str, Answer], limit: int = TOP) -> list[Match]:
    """The best-scoring active tracks with their reasons and misfits; ties go to the earlier
    slug. A track whose `not_for` names one of the answers is never ranked."""
    matches = []
    for track in tracks:
        tags = track.tags or {}
        if not track.active or _excluded(tags.get(NOT_FOR) or {}, answers):
            continue
        reasons = tuple(
            (name, value)
            for name, answer in answers.items()
            for value in _values(answer)
            if value in tags.get(name, ())
        )
        misfits = tuple(
            (name, answer)
            for name, answer in answers.items()
            if isinstance(answer, str) and name in tags and answer not in tags[name]
        )
        score = sum(WEIGHTS.get(name, 1) for name, _ in reasons)
        if score:
            matches.append(Match(track, score, reasons, misfits))
    matches.sort(key=lambda m: (-m.score, m.track.slug))
    return matches[:limit]


def _excluded(not_for: Mapping[str, Sequence[str]], answers: Mapping[str, Answer]) -> bool:
    return any(
        value in not_for.get(name, ())
        for name, given in answers.items()
        for value in _values(given)
    )


def _values(answer: Answer) -> list[str]:
    return [answer] if isinstance(answer, str) else list(answer)


def option_label(questions: Sequence[Question], name: str, value: str, locale: str) -> str:
    """The label a person saw for `value` of the field `name`; the raw value if none matches."""
    for question in questions:
        if question.field != name:
            continue
        for option in question.options or []:
            if option.get("value") == value:
                labels: dict[str, str] = option.get("label") or {}
                return labels.get(locale) or labels.get("he") or value
    return value


def reason_labels(
    questions: Sequence[Question], pairs: Sequence[tuple[str, str]], locale: str
) -> list[str]:
    """The labels people saw for (field, value) pairs, such as a match's reasons or misfits."""
    return [option_label(questions, name, value, locale) for name, value in pairs]


def option_values(question: Question) -> list[str]:
    return [str(option.get("value")) for option in question.options or []]


def profile_answer(person: Person, question: Question) -> Answer | None:
    """What the profile already says for this question, if it still fits its options."""
    if question.field not in PROFILE_FIELDS:
        return None
    known: Any = getattr(person, question.field)
    allowed = option_values(question)
    if question.field in LIST_FIELDS:
        kept = [value for value in known or [] if value in allowed]
        return kept or None
    return known if known in allowed else None


def remember(person: Person, question: Question, answer: Answer) -> None:
    """Save an answer to the profile so other flows need not ask again."""
    if question.field not in PROFILE_FIELDS:
        return
    if question.field in LIST_FIELDS:
        setattr(person, question.field, _values(answer))
    elif isinstance(answer, str):
        setattr(person, question.field, answer)


async def questionnaire(session: AsyncSession) -> list[Question]:
    """The questions in the order they are asked."""
    return list(
        (await session.scalars(select(Question).order_by(Question.position, Question.id))).all()
    )


async def region_questions(session: AsyncSession) -> list[Question]:
    """The questionnaire's region question: where the catalogue names its regions and what
    people call them."""
    return list(
        await session.scalars(
            select(Question)
            .where(Question.field == REGION)
            .order_by(Question.position, Question.id)
        )
    )


def region_values(questions: Sequence[Question]) -> list[str]:
    """The regions these questions offer, in their order."""
    values = (value for q in questions if q.field == REGION for value in option_values(q))
    return list(dict.fromkeys(values))


async def regions(session: AsyncSession) -> list[str]:
    """The regions of the catalogue (the options of its region question, in their order): the
    one list every feature offers and checks."""
    return region_values(await region_questions(session))


def region_label(questions: Sequence[Question], region: str | None, t: Translator) -> str:
    """A region's name in `t`'s language, as the questionnaire gives it (so a region the
    catalogue adds is named without a new message); no region, or NATIONAL, is national."""
    if region is None or region == NATIONAL:
        return t("events.region.national")
    return option_label(questions, REGION, region, t.locale)


async def active_tracks(session: AsyncSession) -> list[Track]:
    return list(
        (await session.scalars(select(Track).where(Track.active).order_by(Track.slug))).all()
    )


async def upcoming_events(
    session: AsyncSession, track_id: int, now: datetime, limit: int = 5
) -> list[Event]:
    """The track's published events that have not started yet, soonest first."""
    return list(
        (
            await session.scalars(
                select(Event)
                .where(
                    Event.track_id == track_id,
                    Event.status == EventStatus.PUBLISHED,
                    Event.starts_at > now,
                )
                .order_by(Event.starts_at, Event.id)
                .limit(limit)
            )
        ).all()
    )
