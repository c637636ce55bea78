"""Audiences by role, kibbutz, stream and region, combined with AND and counted exactly; a
regional coordinator kept inside their region whatever they combine or forge; the event picker
that pages through every upcoming event and finds one by name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.broadcast_flow import AudienceChoice, FilterPick
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.audit import AuditEntry
from models.catalog import Event, EventStatus, Topic
from models.people import Channel, identify
from models.subscriptions import subscribe
from tests.conftest import NATIONAL_ID
from tests.support import NOW, Chat, Clock

Sessions = async_sessionmaker[AsyncSession]
REFUSED = "לרכזים בלבד"
STALE = "כבר לא בתוקף"


async def _member(
    sessions: Sessions,
    address: str,
    *,
    kibbutz: str | None = None,
    region: str | None = None,
    roles: tuple[str, ...] = (),
    consented: bool = True,
) -> None:
    """Someone who has written to the bot, of a kibbutz, holding roles, maybe subscribed."""
    async with sessions() as session, session.begin():
        identity = await identify(session, Channel.TELEGRAM, address, None, NOW)
        identity.person.kibbutz = kibbutz
        identity.person.region = region
        identity.person.roles = list(roles)
        if consented:
            topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
            assert topic is not None
            await subscribe(session, identity.person_id, topic.id, Channel.TELEGRAM, NOW)


async def _to_builder(chat: Chat, kind: str = "לפי תפקיד, קיבוץ, זרם ואזור") -> None:
    await chat.send("/broadcast")
    await chat.send("כנס גזברים")
    await chat.press("בלי נוסח באנגלית")
    await chat.press("בלי קישור")
    await chat.press(kind)


async def _refusals(sessions: Sessions) -> list[AuditEntry]:
    async with sessions() as session:
        query = select(AuditEntry).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id)
        return list((await session.scalars(query)).all())


async def test_treasurers_of_cooperative_kibbutzim_in_the_north_are_counted_exactly(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    await _member(sessions, "6001", kibbutz="sasa", roles=("treasurer",))
    await _member(sessions, "6002", kibbutz="kfar-blum", roles=("treasurer",))  # renewed
    await _member(sessions, "6003", kibbutz="hatzerim", roles=("treasurer",))  # south
    await _member(sessions, "6004", kibbutz="sasa", roles=("secretary",))
    await _member(sessions, "6005", kibbutz="kfar-masaryk", roles=("secretary", "treasurer"))
    await _member(sessions, "6006", kibbutz="sasa", roles=("treasurer",), consented=False)
    await _member(sessions, "6007", region="north", roles=("treasurer",))  # no kibbutz known
    await _to_builder(national)
    await national.press("תפקיד: הכול")
    await national.says("גזבר/ית", "נמענים עכשיו: 5")
    await national.press("זרם: הכול")
    await national.says("השיתופי", "נמענים עכשיו: 3")
    await national.press("אזור: הכול")
    assert "צפון" in national.labels and "דרום" in national.labels
    await national.says("צפון", "נמענים עכשיו: 2")
    assert "תפקיד: גזבר/ית" in national.labels and "זרם: השיתופי" in national.labels
    await national.press("לתצוגה מקדימה (2)")
    assert "נמענים: 2" in national.text and "גזבר/ית · השיתופי · צפון" in national.text
    await national.press("לשנות את הקהל")
    await national.press("לפי תפקיד")  # the conditions are kept
    await national.press("אזור: צפון")
    await national.says("הכול", "נמענים עכשיו: 3")


async def test_a_regional_coordinator_cannot_reach_outside_the_region_by_any_combination(
    catalog: None, regional: Chat, sessions: Sessions
) -> None:
    await _member(sessions, "6101", kibbutz="sasa", roles=("treasurer",))
    await _member(sessions, "6102", kibbutz="gan-shmuel", roles=("treasurer",))  # center
    await _member(sessions, "6103", kibbutz="hatzerim", roles=("treasurer",))  # south
    await _member(sessions, "6104", region="center", roles=("treasurer",))
    await _to_builder(regional)
    await regional.press("תפקיד: הכול")
    await regional.says("גזבר/ית", "נמענים עכשיו: 1")  # four treasurers, one in the north
    await regional.press("אזור: הכול")
    assert [label for label in regional.labels if label != "הכול"] == ["צפון"]
    await regional.press("צפון")
    await regional.press("קיבוץ: הכול")
    assert "כפר בלום" in regional.shown and "חלק מהשם" in regional.text  # ten, a page of 8
    assert "גן שמואל" not in regional.shown
    await regional.send("גן שמואל")  # typed: a search within reach finds nothing there
    assert "גן שמואל" not in regional.shown
    await regional.send("סאסא")
    assert "סאסא" in regional.labels

    for forged in (FilterPick("region", "center"), FilterPick("kibbutz", "gan-shmuel")):
        await regional.press_payload(forged.pack())
        assert REFUSED in regional.text
    await regional.press_payload(AudienceChoice("kibbutz", "hatzerim").pack())
    assert REFUSED in regional.text
    await regional.press_payload(AudienceChoice("people", "region=center").pack())
    assert STALE in regional.text
    refused = [(r.details["kind"], r.details["value"]) for r in await _refusals(sessions)]
    assert refused == [("region", "center"), ("kibbutz", "gan-shmuel"), ("kibbutz", "hatzerim")]
    assert all(r.action == "broadcast.audience" for r in await _refusals(sessions))

    # A whole stream, offered to no one regional: the reach still holds.
    await regional.press_payload(AudienceChoice("stream", "cooperative").pack())
    assert "נמענים: 1" in regional.text
    await regional.press("לשנות את הקהל")
    await regional.press("הזמנה לבעלי תפקידים")
    await regional.press("תפקיד: הכול")
    await regional.says("גזבר/ית", "נמענים עכשיו: 1")


async def test_the_event_picker_pages_to_the_seventeenth_event_and_finds_it_by_name(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    async with sessions() as session, session.begin():
        last = await session.scalar(select(Event).order_by(Event.starts_at.desc()).limit(1))
        assert last is not None
        for n, (slug, title) in enumerate(
            (("ketura-treasurers", "סדנת גזברים בקטורה"), ("year-end", "מפגש סיכום שנה")), 1
        ):
            session.add(
                Event(
                    slug=slug,
                    content={"he": {"title": title}},
                    starts_at=last.starts_at + timedelta(days=7 * n),
                    capacity=30,
                    status=EventStatus.PUBLISHED,
                    reminder_offsets=[],
                )
            )
    await national.send("/broadcast")
    await national.send("עדכון לנרשמים")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לנרשמים לאירוע")
    assert "סדנת גזברים בקטורה" not in national.shown and "חלק מהשם" in national.text
    seen = set(national.labels)
    while True:  # page on until a page shows nothing new
        await national.press("עוד")
        if set(national.labels) <= seen:
            break
        seen |= set(national.labels)
    assert any("סדנת גזברים בקטורה" in label for label in seen)
    events = {label for label in seen if "·" in label}
    async with sessions() as session:
        upcoming = await session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > NOW)
        )
    assert len(events) == upcoming  # every upcoming event, page after page
    await national.press("חזרה")
    await national.press("לנרשמים לאירוע")
    await national.send("גזברים בקטורה")
    assert next(label for label in national.labels if "·" in label).startswith("סדנת גזברים")
    await national.press("סדנת גזברים בקטורה")
    assert "הנרשמים ל״סדנת גזברים בקטורה" in national.text and "נמענים: 0" in national.text


async def test_a_message_to_an_events_people_links_to_its_public_page(
    catalog: None, sessions: Sessions, clock: Clock
) -> None:
    config = EngineConfig(
        admin_addresses=frozenset({NATIONAL_ID}), public_base_url="https://kibbutz.example"
    )
    national = Chat(
        Engine(sessions, config, clock=clock, features=FEATURES),
        NATIONAL_ID,
        channel=Channel.TELEGRAM,
    )
    await national.send("/broadcast")
    await national.send("עדכון לנרשמים")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לנרשמים לאירוע")
    await national.press("ערב פתוח: מסלול הנח")
    assert "🔗 https://kibbutz.example/e/nahal-open-evening" in national.text

    # A link of the coordinator's own is kept, and a marketing audience gets no page.
    await national.send("/broadcast")
    await national.send("עדכון לנרשמים")
    await national.press("בלי נוסח באנגלית")
    await national.send("https://example.org/program")
    await national.press("לנרשמים לאירוע")
    await national.press("ערב פתוח: מסלול הנח")
    assert "https://example.org/program" in national.text and "/e/" not in national.text
    await national.send("/broadcast")
    await national.send("עדכון לכולם")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("כל המנויים")
    assert "🔗" not in national.text
