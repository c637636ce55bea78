"""A flow's scratch values survive the state's JSON, and a state saved by an older version loads."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.broadcast_flow import Drafting, Scheduling
from handlers.coordinators.bulletins import Composing
from handlers.coordinators.checkin import Desk
from handlers.coordinators.event_details import Detailing
from handlers.coordinators.event_form import NewEvent
from handlers.coordinators.event_manage import Editing
from handlers.coordinators.inbox_reply import Writing
from handlers.coordinators.people_import import ImportFlow
from handlers.coordinators.question_form import Forming
from handlers.coordinators.session_add import AddFlow
from handlers.coordinators.sessions import MoveFlow
from handlers.core.flow import FlowData
from handlers.people.ask import Asking
from handlers.people.ask_reply import Replying
from handlers.people.discovery import Discovering
from handlers.people.lead import Leaving
from handlers.people.registration import Registering
from handlers.people.subscriptions import Consenting
from handlers.people.tracks import TrackOpen
from models.catalog import Event, Track
from models.conversation import ConversationState
from models.registrations import Lead
from tests.support import Chat


@pytest.mark.parametrize(
    "data",
    [
        Registering(event_id=7, name="נועה כהן", phone="+972501234567", phone_shared=True),
        Registering(event_id=7, answers={"3": ["a", "b"]}, question_id=4, ticked=("x",)),
        Registering(event_id=7, guests=("דנה", "יוסי"), split=True, size=3, names=("דנה",)),
        Leaving(track_id=2, name="נועה", phone="+972501234567", note="אחרי 17:00", noted=True),
        Asking(about="e", ref=9, text="מתי מתחילים?", region=""),
        Replying(thread_id=3),
        Forming(event_id=1, kind="multi", required=True, text_he="מה?", options_he=("א", "ב")),
        NewEvent(title_he="ערב", region="north", track=2, starts_at="2027-01-12T18:30:00+02:00"),
        Editing(event_id=5, field="place", value="בית העם"),
        Detailing(event_id=5, field="deadline"),
        Writing(thread_id=8),
        Discovering(question=3, picked=("hiking",), answers={"region": "north"}, history=(1, 2)),
        Consenting(topic=4),
        Composing(topic_id=2, bulletin_id=9),
        Desk(event_id=5, checked=12),
        Drafting(text="כנס", image="tok", builder="people", filters={"role": "treasurer"}),
        Scheduling(draft=3),
        MoveFlow(session_id=4, to="2027-01-12T16:30:00+00:00"),
        AddFlow(event_id=5, every=7, first="2027-01-12T16:30:00+00:00"),
        AddFlow(event_id=5, starts=("2027-01-12T16:30:00+00:00", "2027-01-19T16:30:00+00:00")),
        ImportFlow(rows=({"line": 2, "phone": "0501234567", "role": "גזבר/ית"},), accepted=1),
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


def test_a_lead_saved_before_typed_flow_data_knows_whether_its_note_was_asked() -> None:
    skipped = {"track_id": 2, "name": "נועה", "note": None}
    assert Leaving.load(skipped) == Leaving(track_id=2, name="נועה", noted=True)
    assert Leaving.load({"track_id": 2}) == Leaving(track_id=2)


async def test_someone_leaving_a_lead_across_a_deploy_is_not_asked_the_note_again(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        track_id = await session.scalar(select(Track.id).where(Track.slug == "garin-tzabar"))
        assert track_id is not None
    await chat.press_payload(TrackOpen(track_id).pack())
    await chat.press("מעניין אותי")
    await chat.says("נועה לוי", "מספר הנייד")
    await chat.says("050-123 4567", "לספר משהו לצוות")
    await chat.press("לדלג")
    assert "+972501234567" in chat.text
    async with sessions() as session, session.begin():
        # As the version before typed flow data saved it: a skipped note is a key set to None.
        old = {"track_id": track_id, "name": "נועה לוי", "phone": "+972501234567", "note": None}
        await session.execute(update(ConversationState).values(data=old))
    await chat.says("/language en", "Do you agree to be contacted", absent=("Anything to tell",))
    await chat.press("Yes, contact me")
    assert "We noted your interest" in chat.text
    async with sessions() as session:
        lead = await session.scalar(select(Lead))
        assert lead is not None and (lead.name, lead.note) == ("נועה לוי", None)


async def test_a_new_event_form_saved_at_the_old_shared_step_carries_on(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await national.says("/newevent", "מה שם האירוע בעברית")
    await national.says("ערב שירה", "השם באנגלית")
    await national.says("בלי שם באנגלית", "איזה סוג אירוע")
    # As the version before typed flow data saved it: one step for every button question,
    # the answers so far (a skipped one as None) and a marker of the form.
    old: dict[str, object] = {"form": "newevent", "title_he": "ערב שירה", "title_en": None}
    async with sessions() as session, session.begin():
        await session.execute(update(ConversationState).values(step="newevent.choose", data=old))
    await national.says("אחר", "באיזה אזור")
    await national.says("מרכז", "שייך למסלול")
    async with sessions() as session, session.begin():
        old = {**old, "kind": "other", "region": "center", "track": None}
        old |= {"starts_at": "2027-01-12T18:30:00+02:00", "ends_at": None, "place": None}
        old |= {"capacity": 30}
        await session.execute(update(ConversationState).values(step="newevent.choose", data=old))
    await national.says("/language en", "This is how people will see the event")
    await national.press("Publish now")
    assert "The event is published" in national.text
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug.like("2027%")))
        assert event is not None
        assert (event.kind, event.region, event.capacity) == ("other", "center", 30)
