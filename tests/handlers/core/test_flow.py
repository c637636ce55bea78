"""A flow's scratch values survive the state's JSON, and a state saved by an older version loads."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.broadcast_flow import Drafting, Scheduling
from handlers.coordinators.bulletins import Composing
from handlers.coordinators.checkin import Desk
from handlers.core.flow import FlowData
from handlers.people.discovery import Discovering
from handlers.people.newsletter import Consenting
from handlers.people.registration import Registering
from models.catalog import Event
from models.conversation import ConversationState
from tests.support import Chat


@pytest.mark.parametrize(
    "data",
    [
        Registering(event_id=7, name="נועה כהן", phone="+972501234567", phone_shared=True),
        Discovering(question=3, picked=("hiking",), answers={"region": "north"}, history=(1, 2)),
        Consenting(topic=4),
        Composing(topic_id=2, bulletin_id=9),
        Desk(event_id=5, checked=12),
        Drafting(text="כנס", image="tok", builder="people", filters={"role": "treasurer"}),
        Scheduling(draft=3),
    ],
)
def test_flow_data_round_trips_through_json(data: FlowData) -> None:
    assert type(data).load(json.loads(json.dumps(data.dump()))) == data


def test_a_stored_state_with_keys_missing_or_unknown_still_loads() -> None:
    assert Registering.load({"event_id": 7, "name": "נועה", "retired": 1}) == Registering(
        event_id=7, name="נועה"
    )


async def test_someone_mid_registration_across_a_deploy_carries_on(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/start ev_forum-north-january")
    await chat.press("להרשמה")
    await chat.says("נועה כהן", "נייד")
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        # As the version before typed flow data saved it: only the keys given so far.
        old = {"event_id": event.id, "name": "נועה כהן"}
        await session.execute(update(ConversationState).values(data=old))
    await chat.says("050-123 4567", "קיבוץ או עיר")
    await chat.says("יזרעאל", "נועה כהן", "+972501234567")
    await chat.press("כן, לרשום")
    assert "נרשמתם" in chat.text
