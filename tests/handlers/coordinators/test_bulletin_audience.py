"""A bulletin narrowed from its preview by role, kibbutz, stream and region (AND), counted
exactly, published only to the people it names; never to role holders a coordinator imported
who have not agreed to marketing; a regional coordinator kept within their region."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.bulletins import BulletinFilter
from models.audit import AuditEntry
from models.bulletins import Bulletin
from models.catalog import Topic
from models.outbox import OutboxMessage
from models.people import Channel, ChannelIdentity, identify
from models.role_file import Row
from models.role_import import import_role_holders
from models.subscriptions import Subscription, SubscriptionStatus, subscribe
from scheduler.bulletins import publish_due_bulletins
from tests.scheduler.support import CONFIG, QUIET
from tests.support import NOW, Chat

Sessions = async_sessionmaker[AsyncSession]
COOP = "coop-bulletin"


async def _subscriber(sessions: Sessions, address: str, kibbutz: str | None, *roles: str) -> None:
    async with sessions() as session, session.begin():
        identity = await identify(session, Channel.TELEGRAM, address, None, NOW)
        identity.person.kibbutz = kibbutz
        identity.person.roles = list(roles)
        topic = await session.scalar(select(Topic).where(Topic.slug == COOP))
        assert topic is not None
        await subscribe(session, identity.person_id, topic.id, Channel.TELEGRAM, NOW)


async def _imported_treasurer_on_the_list(sessions: Sessions) -> int:
    """A treasurer of Sasa a coordinator imported, on the topic's list without having agreed
    (as an old list might hold them): marketing must never reach them."""
    async with sessions() as session, session.begin():
        rows = [Row(2, phone="052-7654321", kibbutz="Sasa", role="treasurer")]
        found = await import_role_holders(session, rows, NOW)
        [person_id] = found.created
        topic = await session.scalar(select(Topic).where(Topic.slug == COOP))
        assert topic is not None
        session.add(
            Subscription(person_id=person_id, topic_id=topic.id, status=SubscriptionStatus.ACTIVE)
        )
        return person_id


async def _recipients(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        query = (
            select(ChannelIdentity.address)
            .join(OutboxMessage, OutboxMessage.identity_id == ChannelIdentity.id)
            .where(OutboxMessage.kind == "bulletin")
            .order_by(ChannelIdentity.address)
        )
        return list((await session.scalars(query)).all())


async def _write(chat: Chat) -> None:
    await chat.send("/bulletin")
    await chat.press("עלון המעגל השיתופי")
    await chat.send("כנס גזברים\nבשבוע הבא, בקיבוץ סאסא")
    await chat.press("בלי אנגלית")


async def test_treasurers_of_cooperative_kibbutzim_get_the_bulletin_and_no_one_else(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _subscriber(sessions, "8001", "sasa", "treasurer")
    await _subscriber(sessions, "8002", "kfar-blum", "treasurer")  # a renewed kibbutz
    await _subscriber(sessions, "8003", "sasa", "secretary")
    await _subscriber(sessions, "8004", "kfar-masaryk", "secretary", "treasurer")
    imported = await _imported_treasurer_on_the_list(sessions)
    await _write(national)
    assert "4 מנויים" in national.text  # the imported treasurer is not counted
    await national.press("צמצום הקהל")
    await national.press("תפקיד: הכול")
    await national.says("גזבר/ית", "3 מנויים")
    await national.press("זרם: הכול")
    await national.says("השיתופי", "לשני מנויים")
    await national.press("חזרה לתצוגה המקדימה")
    assert "לשני מנויים" in national.text and "רק: גזבר/ית · השיתופי" in national.text
    await national.press("לשלוח עכשיו")
    async with sessions() as session, session.begin():
        assert await publish_due_bulletins(session, NOW, CONFIG, QUIET) == 2
    assert await _recipients(sessions) == ["8001", "8004"]
    async with sessions() as session:
        bulletin = await session.scalar(select(Bulletin))
        assert bulletin is not None and bulletin.audience == "role=treasurer;stream=cooperative"
        reached = await session.scalars(
            select(ChannelIdentity.person_id).join(
                OutboxMessage, OutboxMessage.identity_id == ChannelIdentity.id
            )
        )
        assert imported not in reached.all()


async def test_a_narrowed_filter_can_be_dropped_and_an_unnarrowed_bulletin_goes_to_all(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _subscriber(sessions, "8101", "kfar-blum", "treasurer")
    await _subscriber(sessions, "8102", "hatzerim", "secretary")  # in the south
    await _write(national)
    await national.press("צמצום הקהל")
    await national.press("אזור: הכול")
    await national.says("צפון", "למנוי אחד")  # typed: the option's label
    await national.press("אזור: צפון")
    await national.says("הכול", "לשני מנויים")
    await national.press("חזרה לתצוגה המקדימה")
    assert "רק:" not in national.text
    await national.press("לשלוח עכשיו")
    async with sessions() as session, session.begin():
        await publish_due_bulletins(session, NOW, CONFIG, QUIET)
    assert await _recipients(sessions) == ["8101", "8102"]


async def test_a_regional_coordinator_cannot_narrow_to_another_region(
    catalog: None, regional: Chat, sessions: Sessions
) -> None:
    await _subscriber(sessions, "8201", "sasa", "treasurer")
    await regional.send("/bulletin")
    topics = regional.labels
    assert "עלון המעגל השיתופי" not in topics  # a movement-wide topic is not theirs
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.region == "north"))
        assert topic is not None
        session.add(Bulletin(topic_id=topic.id, content={"he": {"title": "x", "body": ""}}))
    async with sessions() as session:
        bulletin_id = await session.scalar(select(Bulletin.id))
        assert bulletin_id is not None
    await regional.press_payload(BulletinFilter(bulletin_id, "region", "south").pack())
    assert "לרכזים בלבד" in regional.text
    async with sessions() as session:
        refused = await session.scalar(select(AuditEntry).where(AuditEntry.allowed.is_(False)))
        assert refused is not None and refused.action == "bulletin.audience"
        assert (await session.get(Bulletin, bulletin_id)).audience is None  # type: ignore[union-attr]
    await regional.press_payload(BulletinFilter(bulletin_id, "region").pack())
    assert [label for label in regional.labels if label != "הכול"] == ["צפון"]
