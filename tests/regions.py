"""A catalogue that names one more region than the demo's: its questionnaire offers it, with
its own labels, and an upcoming event is held there."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, Question
from tests.support import NOW

JERUSALEM = "jerusalem"
EVENT = "jerusalem-forum"


async def add_jerusalem(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Jerusalem among the region question's options, and a forum held there."""
    async with sessions() as session, session.begin():
        question = await session.scalar(select(Question).where(Question.field == "region"))
        assert question is not None
        label = {"he": "ירושלים", "en": "Jerusalem"}
        question.options = [*question.options, {"value": JERUSALEM, "label": label}]
        content = {"he": {"title": "פורום ירושלים"}, "en": {"title": "Jerusalem forum"}}
        starts = NOW + timedelta(days=30)
        session.add(Event(slug=EVENT, content=content, region=JERUSALEM, starts_at=starts))
