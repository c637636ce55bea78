"""Questions an event asks its registrants after their personal details (transport from
where? dietary needs? which role do you hold?), and their answers.

A question is a single or multiple choice among options, or a short text, required or not,
worded in Hebrew and English; the catalogue or a coordinator attaches it to one event.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText
from models.localized import localized

MAX_ANSWER = 300
"""A short text answer: a line, not an essay (the export and the roster show it whole)."""
MAX_QUESTIONS = 8
MAX_OPTIONS = 10
"""WhatsApp's list picker holds ten items."""


class QuestionKind(StrEnum):
    """SINGLE: one option; MULTI: any options, then done; TEXT: a short typed answer."""

    SINGLE = "single"
    MULTI = "multi"
    TEXT = "text"


class EventQuestion(Base):
    __tablename__ = "event_questions"
    __table_args__ = (UniqueConstraint("event_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(48))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(String(8), default=QuestionKind.SINGLE)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict, doc='{"he": {"text"}}')
    options: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, doc='[{"value": "bus", "label": {"he": …, "en": …}}]'
    )

    def text(self, locale: str) -> str:
        return localized(self.content, "text", locale)

    def label(self, value: str, locale: str) -> str:
        """An option's label in `locale`, or the value itself if the option is gone."""
        for option in self.options:
            if option["value"] == value:
                labels = option.get("label") or {}
                return str(labels.get(locale) or next(iter(labels.values()), value))
        return value


class Answer(Base):
    """One registrant's answer: option values (a choice) or the typed text."""

    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("event_questions.id", ondelete="CASCADE"), index=True
    )
    values: Mapped[list[str]] = mapped_column(JSONType, default=list)


async def questions_of(session: AsyncSession, event_id: int) -> list[EventQuestion]:
    """The event's questions in the order they are asked."""
    rows = await session.scalars(
        select(EventQuestion)
        .where(EventQuestion.event_id == event_id)
        .order_by(EventQuestion.position, EventQuestion.id)
    )
    return list(rows.all())


def shown(question: EventQuestion, values: list[str], locale: str) -> str:
    """An answer as a coordinator reads it: the options' labels, or the text."""
    if question.kind == QuestionKind.TEXT:
        return values[0] if values else ""
    return ", ".join(question.label(value, locale) for value in values)


async def save_answers(
    session: AsyncSession, registration_id: int, answers: dict[str, list[str]]
) -> None:
    """Keep the answers given (question id → values) for the registration, replacing older."""
    for question_id, values in answers.items():
        existing = await session.scalar(
            select(Answer).where(
                Answer.registration_id == registration_id, Answer.question_id == int(question_id)
            )
        )
        if existing is None:
            session.add(
                Answer(registration_id=registration_id, question_id=int(question_id), values=values)
            )
        else:
            existing.values = values


async def answers_for(
    session: AsyncSession, registration_ids: list[int]
) -> dict[int, dict[int, list[str]]]:
    """Registration id → question id → values."""
    found: dict[int, dict[int, list[str]]] = {}
    if not registration_ids:
        return found
    rows = await session.scalars(select(Answer).where(Answer.registration_id.in_(registration_ids)))
    for answer in rows:
        found.setdefault(answer.registration_id, {})[answer.question_id] = list(answer.values)
    return found
