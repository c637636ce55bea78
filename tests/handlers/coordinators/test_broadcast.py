"""Composing a broadcast in the chat: bad input, the audience within reach, approval by a
second national coordinator, stale and forged buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.broadcast_flow import Act, AudienceChoice, BroadcastAct, BroadcastReview
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.core.types import reply_from_payload
from handlers.features import FEATURES
from models.audit import AuditEntry
from models.broadcasts import Broadcast, BroadcastStatus
from models.catalog import Event, Topic
from models.outbox import OutboxMessage
from models.people import Channel, identify, person_at
from models.registration_service import register
from models.roles import RoleScope, grant
from models.subscriptions import subscribe
from tests.conftest import NATIONAL_ID
from tests.support import NOW, Chat, Clock

Sessions = async_sessionmaker[AsyncSession]
SECOND_ID = "9003"
"""Another configured national coordinator, for approvals."""


async def _person(
    sessions: Sessions,
    address: str,
    *,
    region: str | None = None,
    topic: str | None = None,
    roles: list[str] | None = None,
) -> int:
    """Someone who has written to the bot, maybe from a region, with roles, subscribed."""
    async with sessions() as session, session.begin():
        identity = await identify(session, Channel.TELEGRAM, address, None, NOW)
        identity.person.region = region
        identity.person.roles = roles or []
        if topic is not None:
            found = await session.scalar(select(Topic).where(Topic.slug == topic))
            assert found is not None
            await subscribe(session, identity.person_id, found.id, Channel.TELEGRAM, NOW)
        return identity.person_id


async def _refusals(sessions: Sessions) -> list[AuditEntry]:
    async with sessions() as session:
        query = select(AuditEntry).where(AuditEntry.allowed.is_(False))
        return list((await session.scalars(query)).all())


async def _draft(sessions: Sessions) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
        assert found is not None
        return found


async def _compose(chat: Chat, text: str = "כנס גזברים") -> None:
    await chat.send("/broadcast")
    await chat.send(text)
    await chat.press("בלי נוסח באנגלית")
    await chat.press("בלי קישור")


async def test_bad_text_is_answered_and_the_draft_kept_until_a_good_one_comes(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _person(sessions, "5001", topic="coop-bulletin")
    await national.send("/admin")
    await national.press("שליחת הודעה לקהל")
    assert "עד 3500 תווים" in national.text
    await national.send("א" * 5000)
    assert "5000 תווים" in national.text and "3500" in national.text
    await national.send_media("sticker")
    assert "אי אפשר לצרף" in national.text
    await national.send("\u200f\u200f  ")
    await national.send("\u200fשלום לכולם 🎉🎉 Hello!")
    assert "נוסח באנגלית" in national.text
    await national.send("א" * 5000)
    assert "5000 תווים" in national.text and "נוסח באנגלית" in national.text
    await national.send("Hello everyone 🎉")
    assert "קישור" in national.text
    await national.send("kibbutz dot org")
    assert "לא נראה כמו קישור" in national.text
    await national.says("http://kibbutz.org.il/כנס", "להתחיל ב־https://")
    await national.send("https://kibbutz.org.il/כנס?x=1")
    # Switching language at the audience asks for it again in English, and back.
    await national.says("/language en", "Carrying on where we were", "Who should receive it?")
    await national.send("/language he")
    await national.send("לכל המנויים")  # typed instead of pressed: an option's label works
    assert "נמענים: 1" in national.text
    hebrew, english = national.replies[-2:]
    assert "שלום לכולם 🎉🎉 Hello!" in hebrew.text and "Hello everyone 🎉" not in hebrew.text
    assert "Hello everyone 🎉" in english.text and "שלום לכולם" not in english.text
    assert "🔗 https://kibbutz.org.il/כנס?x=1" in english.text


async def test_only_consenting_people_are_counted_and_the_waiting_list_needs_no_consent(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _person(sessions, "5001", topic="coop-bulletin")
    await _person(sessions, "5002", topic="youth-updates", roles=["treasurer"])
    await _person(sessions, "5004", roles=["treasurer", "secretary"])  # never consented
    waiting = await _person(sessions, "5003")
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        event.capacity = 0
        await register(session, event, waiting, NOW, Channel.TELEGRAM)
    await national.send("/language en")
    await national.send("/broadcast")
    await national.send("Seats freed up")
    await national.press("No English version")
    await national.press("Continue without a link")
    await national.press("Subscribers of a topic")
    await national.press("Cooperative Circle Bulletin")
    assert "Recipients: 1" in national.text and "unsubscribe" in national.text
    await national.press("Change the audience")
    await national.press("Waiting list of an event")
    await national.press("Northern forum")
    assert "Recipients: 1" in national.text and "about their event" in national.text
    await national.press("Change the audience")
    await national.press("Holders of a role")
    await national.press("Treasurer")
    assert "holders of the role “Treasurer”" in national.text and "Recipients: 1" in national.text
    await national.press("Discard")
    assert "nothing was sent" in national.text
    assert (await _draft(sessions)).status == BroadcastStatus.CANCELLED


async def test_a_regional_coordinator_reaches_only_their_region_and_is_refused_others(
    catalog: None, regional: Chat, sessions: Sessions
) -> None:
    await _person(sessions, "5001", region="north", topic="coop-bulletin")
    await _person(sessions, "5002", region="center", topic="coop-bulletin")
    await _person(sessions, "5003", region="north")  # never consented
    await _compose(regional)
    await regional.press("לכל המנויים")
    assert "נמענים: 1" in regional.text and "באזורים ובמסלולים שלכם" in regional.text
    await regional.press("לשנות את הקהל")
    await regional.press("לאזור")
    assert [label for label in regional.labels if "חזרה" not in label] == ["צפון"]
    await regional.press_payload(AudienceChoice("region", "center").pack())
    assert "לרכזים בלבד" in regional.text
    [refusal] = await _refusals(sessions)
    assert (refusal.action, refusal.details["reason"]) == ("broadcast.audience", "scope")
    assert (refusal.details["kind"], refusal.details["value"]) == ("region", "center")
    await regional.press_payload(AudienceChoice("region", "north").pack())
    assert "אזור צפון" in regional.text and "נמענים: 1" in regional.text
    await regional.press("לשנות את הקהל")
    await regional.press("למנויי נושא")
    assert "חדשות אזור הצפון" in regional.labels
    assert not any("מרכז" in label or "דרום" in label for label in regional.labels)
    async with sessions() as session:
        center = await session.scalar(select(Topic).where(Topic.slug == "region-center"))
        assert center is not None
    await regional.press_payload(AudienceChoice("topic", str(center.id)).pack())
    assert "לרכזים בלבד" in regional.text
    assert len(await _refusals(sessions)) == 2


@pytest.fixture
def two_nationals(sessions: Sessions, clock: Clock) -> Engine:
    """A deployment with two national coordinators and approval above one recipient."""
    admins = frozenset({NATIONAL_ID, SECOND_ID})
    config = EngineConfig(admin_addresses=admins, broadcast_approval_threshold=1)
    return Engine(sessions, config, clock=clock, features=FEATURES)


Say = Callable[[str], Awaitable[object]]


async def test_a_large_national_broadcast_waits_for_a_second_coordinator(
    catalog: None, two_nationals: Engine, sessions: Sessions
) -> None:
    author = Chat(two_nationals, address=NATIONAL_ID, channel=Channel.TELEGRAM)
    second = Chat(two_nationals, address=SECOND_ID, channel=Channel.TELEGRAM)
    await second.send("/start")
    await _person(sessions, "5001", topic="coop-bulletin")
    await _person(sessions, "5002", topic="coop-bulletin")
    await _compose(author)
    await author.press("לכל המנויים")
    await author.press("לשלוח ל־2")
    assert "נדרש אישור" in author.text
    draft = await _draft(sessions)
    assert draft.status == BroadcastStatus.AWAITING_APPROVAL
    async with sessions() as session:
        [request] = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "broadcast_note")
            )
        ).all()
    asked = reply_from_payload(request.payload)
    assert "כנס גזברים" in asked.text and "(שני נמענים)" in asked.text
    assert "📣 רכז או רכזת (מס׳" in asked.text and NATIONAL_ID not in asked.text
    approve = asked.buttons[0][0].payload

    await author.press_payload(approve)
    assert "אי אפשר שתאשרו" in author.text
    assert (await _draft(sessions)).status == BroadcastStatus.AWAITING_APPROVAL
    [refusal] = await _refusals(sessions)
    assert refusal.details["reason"] == "own_broadcast"

    await author.says("/admin", absent=("ממתינה לאישורכם",))  # never one's own
    await second.says("/admin", "ממתינה לאישורכם: הודעה אל כל המנויים (2)", "״כנס גזברים״")
    await second.press("לאשר ולשלוח")
    assert "אושר" in second.text
    approved = await _draft(sessions)
    assert approved.status == BroadcastStatus.APPROVED and approved.reviewed_by is not None
    await second.press_payload(approve)
    assert "כבר לא בתוקף" in second.text
    async with sessions() as session:
        told = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == f"bcr:{draft.id}:verdict")
        )
    assert told is not None and "אישרו את ההודעה" in told.payload["text"]


async def test_a_rejected_broadcast_is_never_sent_and_a_lone_national_is_told_why(
    catalog: None, two_nationals: Engine, sessions: Sessions
) -> None:
    author = Chat(two_nationals, address=NATIONAL_ID, channel=Channel.TELEGRAM)
    await _person(sessions, "5001", topic="coop-bulletin")
    await _person(sessions, "5002", topic="coop-bulletin")
    await _compose(author)
    await author.press("לכל המנויים")
    send = author.button("לשלוח ל־2").payload
    await author.press_payload(send)
    assert "אין עוד" in author.text  # the second national has never written to the bot
    assert (await _draft(sessions)).status == BroadcastStatus.DRAFT
    second = Chat(two_nationals, address=SECOND_ID, channel=Channel.TELEGRAM)
    await second.send("/start")
    await author.press_payload(send)
    draft = await _draft(sessions)
    await second.press_payload(BroadcastReview(draft.id, approve=False).pack())
    assert "נדחה" in second.text
    assert (await _draft(sessions)).status == BroadcastStatus.REJECTED
    await author.send("/broadcast cancel")
    assert "אין לכם הודעה שנשלחת" in author.text


async def test_stale_and_forged_buttons_lose_nothing(
    catalog: None, national: Chat, regional: Chat, member: Chat, sessions: Sessions
) -> None:
    await _person(sessions, "5001", topic="coop-bulletin")
    await _compose(national)
    await national.press("לכל המנויים")
    send = national.button("לשלוח ל־1").payload
    await national.press_payload(AudienceChoice("nonsense").pack())
    assert "כבר לא בתוקף" in national.text
    await national.press_payload(AudienceChoice("topic", "not-a-number").pack())
    assert "כבר לא בתוקף" in national.text
    await national.press_payload(BroadcastAct(99999, Act.SEND).pack())
    assert "כבר לא בתוקף" in national.text
    draft = await _draft(sessions)
    await regional.press_payload(send)  # someone else's draft
    assert "לרכזים בלבד" in regional.text
    await member.press_payload(send)
    assert "לרכזים בלבד" in member.text
    assert (await _draft(sessions)).status == BroadcastStatus.DRAFT
    await national.press_payload(send)
    assert "בדרך אל נמען אחד" in national.text
    await national.press_payload(send)  # a double tap
    assert "כבר לא בתוקף" in national.text
    assert (await _draft(sessions)).status == BroadcastStatus.APPROVED
    assert draft.id == (await _draft(sessions)).id
    await national.send("/broadcast cancel")
    assert "בוטלה" in national.text


async def test_a_coordinator_demoted_after_the_preview_cannot_send_the_old_draft(
    catalog: None, regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _person(sessions, "7001", region="south", topic="youth-updates")
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id=regional.address)
        await grant(session, person, RoleScope.NATIONAL)
    await regional.send("/broadcast")
    await regional.send("מפגש פתוח לכל התנועה")
    await regional.press("בלי נוסח באנגלית")
    await regional.press("בלי קישור")
    await regional.press("כל המנויים")
    send = next(label for label in regional.labels if "לשלוח ל" in label)
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id=regional.address)
        await grant(session, person, RoleScope.REGIONAL, regions=["north"])
    await regional.press(send)
    assert "הכפתור הזה כבר לא בתוקף" in regional.text
    broadcast = await _draft(sessions)
    assert broadcast.status == BroadcastStatus.DRAFT
    assert broadcast.reach == {"regions": ["north"], "tracks": []}


async def test_the_preview_says_how_many_on_whatsapp_wait_for_the_next_day(
    catalog: None, sessions: Sessions, clock: Clock
) -> None:
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        for n, days in enumerate((0, 2, 3, 9)):
            identity = await identify(
                session, Channel.WHATSAPP, f"whatsapp:+97250000000{n}", None, NOW
            )
            identity.last_inbound_at = NOW - timedelta(days=days, minutes=1)
            await subscribe(session, identity.person_id, topic.id, Channel.WHATSAPP, NOW)
    # A tier of two new conversations a day: of the three outside their window, one waits.
    config = EngineConfig(admin_addresses=frozenset({NATIONAL_ID}), whatsapp_tier=2)
    national = Chat(
        Engine(sessions, config, clock=clock, features=FEATURES), NATIONAL_ID, Channel.TELEGRAM
    )
    await _compose(national)
    await national.press("לכל המנויים")
    assert "נמענים: 4" in national.text
    assert "בוואטסאפ נמען אחד ימתין ליום הבא" in national.text

    unlimited = EngineConfig(admin_addresses=frozenset({NATIONAL_ID}), whatsapp_tier=10)
    national.engine = Engine(sessions, unlimited, clock=clock, features=FEATURES)
    await national.press("לשנות את הקהל")
    await national.press("לכל המנויים")
    assert "נמענים: 4" in national.text and "ימתינו" not in national.text
