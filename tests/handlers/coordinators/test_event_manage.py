"""/manage_events: coordinators move, resize and cancel events; registrants hear of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_manage import Action, Manage
from models.audit import AuditEntry
from models.catalog import Event, EventStatus
from models.outbox import OutboxStatus, Priority
from models.registrations import Registration
from scheduler.reminders import plan_reminders
from tests.handlers.people.test_my import register
from tests.scheduler.support import CONFIG, QUIET, outbox
from tests.support import NOW, Chat

NORTH_FORUM = "פורום צפון"
TRIAL_SEAT = "מושב ניסיון"


async def _event(sessions: async_sessionmaker[AsyncSession], slug: str) -> Event:
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == slug))
        assert event is not None
        return event


async def _statuses(sessions: async_sessionmaker[AsyncSession], slug: str) -> list[str]:
    event = await _event(sessions, slug)
    async with sessions() as session:
        rows = await session.scalars(
            select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
        )
        return [row.status for row in rows]


async def _plan_reminders(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        await plan_reminders(session, NOW, CONFIG, QUIET)


async def _people(national: Chat, slug: str, count: int) -> list[Chat]:
    """`count` people registered in turn; the second reads English."""
    people = [Chat(national.engine, address=f"p{n}") for n in range(count)]
    await people[1].send("/language en")
    for n, person in enumerate(people):
        await register(person, slug, f"Person {n}", f"054-222222{n}")
    return people


async def _open(national: Chat, title: str) -> None:
    await national.send("/manage_events")
    await national.press(title)


async def test_moving_an_event_tells_every_registrant_in_their_language_and_moves_reminders(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "forum-north-january", 2)
    await _plan_reminders(sessions)
    await _open(national, NORTH_FORUM)
    assert "רשומים: 2" in national.text
    await national.press("שינוי המועד")
    await national.send("לא יודעים")
    assert "לא הצלחנו לקרוא את המועד" in national.text
    await national.send("26.1.2027 18:00")
    assert "יום שלישי, 26 בינואר 2027, 18:00–21:00" in national.text  # the length is kept
    assert "מספר הרשומים שיקבלו הודעה על השינוי: 2" in national.text
    assert "שבת" not in national.text
    # A change of language on the way shows the same change again, in English, still waiting.
    await national.send("/language en")
    assert "Carrying on where we were" in national.text
    assert "New time: Tuesday, 26 January 2027, 18:00–21:00" in national.text
    await national.send("/language he")
    assert await outbox(sessions, "event_changed") == []  # nothing before the confirmation
    await national.press("לשמור ולעדכן")
    assert "הודעה על השינוי נשלחת לשני נרשמים" in national.text

    hebrew, english = await outbox(sessions, "event_changed")
    assert hebrew.priority == Priority.REMINDER
    assert "שינוי באירוע פורום צפון" in hebrew.payload["text"]
    assert "יום שלישי, 26 בינואר 2027, 18:00–21:00" in hebrew.payload["text"]
    assert "📍 קיבוץ יזרעאל" in hebrew.payload["text"]
    assert "Tuesday, 26 January 2027, 18:00–21:00" in english.payload["text"]
    assert english.payload["buttons"][0][0]["label"] == "📋 My registration"

    await _plan_reminders(sessions)
    day_before = [r for r in await outbox(sessions, "reminder") if r.dedupe_key.endswith(":1440")]
    assert {r.not_before for r in day_before} == {datetime(2027, 1, 25, 16, 0, tzinfo=UTC)}
    # One reminder in Hebrew and one in English, both on the new day.
    assert sorted(
        ("26 בינואר" in r.payload["text"], "26 January" in r.payload["text"]) for r in day_before
    ) == [(False, True), (True, False)]


async def test_a_new_place_is_told_and_the_same_time_again_tells_nobody(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "forum-north-january", 2)
    await _open(national, NORTH_FORUM)
    await national.press("שינוי המקום")
    await national.send("קיבוץ גבע")
    await national.press("לשמור ולעדכן")
    hebrew, english = await outbox(sessions, "event_changed")
    assert "📍 קיבוץ גבע" in hebrew.payload["text"] and "📍 קיבוץ גבע" in english.payload["text"]
    await national.press("שינוי המועד")
    await national.send("19.1.2027 18:00")
    assert "אל 0 נרשמים" in national.text
    assert len(await outbox(sessions, "event_changed")) == 2


async def test_more_seats_go_to_the_waiting_list_and_fewer_than_taken_is_refused(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "workshop-mini-demo", 3)
    assert await _statuses(sessions, "workshop-mini-demo") == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    await _open(national, TRIAL_SEAT)
    await national.press("שינוי מספר המקומות")
    await national.send("1")
    assert "שני מקומות כבר תפוסים" in national.text
    await national.send("3")
    assert "מקומות שהוצעו עכשיו לרשימת ההמתנה: 1" in national.text
    assert await _statuses(sessions, "workshop-mini-demo") == ["confirmed", "confirmed", "offered"]
    [offer] = await outbox(sessions, "waitlist_offer")
    assert "התפנה מקום" in offer.payload["text"]
    assert (await _event(sessions, "workshop-mini-demo")).capacity == 3


async def test_cancelling_tells_everyone_releases_the_waiting_list_and_stops_reminders(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _people(national, "workshop-mini-demo", 4)
    await people[0].send("/my")
    await people[0].press(TRIAL_SEAT)
    await people[0].press("ביטול ההרשמה")
    await people[0].press("כן, לבטל")
    await _plan_reminders(sessions)
    assert await _statuses(sessions, "workshop-mini-demo") == [
        "cancelled",
        "confirmed",
        "offered",
        "waitlisted",
    ]
    await _open(national, TRIAL_SEAT)
    await national.press("ביטול האירוע")
    assert "לבטל את מושב ניסיון" in national.text
    await national.press("לא, להשאיר")
    assert (await _event(sessions, "workshop-mini-demo")).status == EventStatus.PUBLISHED
    await national.press("ביטול האירוע")
    await national.press("כן, לבטל את האירוע")
    assert "נשלחות הודעות אל 3 אנשים" in national.text

    event = await _event(sessions, "workshop-mini-demo")
    assert (event.status, event.taken) == (EventStatus.CANCELLED, 0)
    assert set(await _statuses(sessions, "workshop-mini-demo")) == {"cancelled"}
    notices = await outbox(sessions, "event_cancelled")
    assert len(notices) == 3 and {n.priority for n in notices} == {Priority.REMINDER}
    assert "The event" not in notices[0].payload["text"]
    assert any("has been cancelled" in n.payload["text"] for n in notices)
    assert all("בוטל" in n.payload["text"] for n in notices if "cancelled" not in n.payload["text"])
    [offer] = await outbox(sessions, "waitlist_offer")
    assert offer.status == OutboxStatus.SKIPPED
    reminders = await outbox(
        sessions, "reminder"
    )  # withdrawn with the event, before any planner run
    assert reminders and {r.status for r in reminders} == {OutboxStatus.SKIPPED}

    await people[3].send("/start ev_workshop-mini-demo")
    assert "האירוע בוטל" in people[3].text
    await national.press_payload(Manage(event.id, Action.CANCEL_SURE).pack())
    assert "כבר לא בתוקף" in national.text
    async with sessions() as session:
        [entry] = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "event.cancel")
        )
    assert entry.details["told"] == 3 and entry.target == "event:workshop-mini-demo"


async def test_a_regional_coordinator_manages_only_their_regions_events(
    catalog: None, regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await regional.send("/manage_events")
    assert any(NORTH_FORUM in label for label in regional.labels)
    assert not any("פורום דרום" in label for label in regional.labels)
    south = await _event(sessions, "forum-south-january")
    await regional.press_payload(Manage(south.id, Action.STARTS_AT).pack())
    assert "לרכזים בלבד" in regional.text
    await regional.press_payload(Manage(south.id, Action.CANCEL_SURE).pack())
    assert "לרכזים בלבד" in regional.text
    async with sessions() as session:
        refused = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))
        )
    assert [(e.action, e.target, e.details["reason"]) for e in refused] == [
        ("event.starts_at", "event:forum-south-january", "scope"),
        ("event.cancel_sure", "event:forum-south-january", "scope"),
    ]
    assert (await _event(sessions, "forum-south-january")).status == EventStatus.PUBLISHED
    assert (await _event(sessions, "forum-south-january")).starts_at - NOW > timedelta(days=50)


async def test_a_move_to_shabbat_is_warned_and_a_move_back_leaves_one_notice_each(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "forum-north-january", 2)
    await _open(national, NORTH_FORUM)
    await national.press("שינוי המועד")
    await national.send("23.1.2027 10:00")  # a Saturday morning
    assert "⚠️ המועד נופל בשבת או בחג" in national.text
    await national.press("לשמור ולעדכן")
    await national.press("שינוי המועד")
    await national.send("26.1.2027 18:00")  # a Tuesday evening
    assert "⚠️" not in national.text
    await national.press("לשמור ולעדכן")

    notices = await outbox(sessions, "event_changed")
    pending = [n for n in notices if n.status == OutboxStatus.PENDING]
    assert len(pending) == 2 and len({n.identity_id for n in pending}) == 2
    assert sorted(
        ("26 בינואר" in n.payload["text"], "26 January" in n.payload["text"]) for n in pending
    ) == [(False, True), (True, False)]
    assert {n.status for n in notices if n not in pending} == {OutboxStatus.SKIPPED}


async def test_a_time_change_waits_for_the_button(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "forum-north-january", 2)
    await _open(national, NORTH_FORUM)
    before = (await _event(sessions, "forum-north-january")).starts_at
    await national.press("שינוי המועד")
    await national.send("26.1.2027 18:00")
    await national.send("כן")
    assert "נא לבחור בכפתורים" in national.text
    await national.press("בלי שינוי")
    assert (await _event(sessions, "forum-north-january")).starts_at == before
    assert await outbox(sessions, "event_changed") == []


async def test_a_seat_held_for_an_offer_is_not_shown_as_free(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _people(national, "workshop-mini-demo", 3)  # two seats: two confirmed, one waits
    await _open(national, TRIAL_SEAT)
    await national.press("שינוי מספר המקומות")
    await national.send("3")  # the third seat is offered to the one waiting, and held
    assert "המקומות אזלו" in national.text and "הוצע להם מקום: 1" in national.text
    assert await _statuses(sessions, "workshop-mini-demo") == ["confirmed", "confirmed", "offered"]

    newcomer = Chat(national.engine, address="newcomer")
    await newcomer.send("/start ev_workshop-mini-demo")
    assert "המקומות אזלו" in newcomer.text and "נשארו" not in newcomer.text
    await newcomer.press("הצטרפות לרשימת ההמתנה")
    await newcomer.send("חדשה")
    await newcomer.send("054-9990000")
    await newcomer.send("יזרעאל")
    await newcomer.press("כן, לרשום")
    assert "נכנסתם לרשימת ההמתנה — במקום 1" in newcomer.text
    await _open(national, TRIAL_SEAT)
    assert "המקומות אזלו" in national.text


async def test_a_change_of_language_mid_edit_asks_the_same_question_in_the_new_language(
    catalog: None, national: Chat
) -> None:
    await _open(national, NORTH_FORUM)
    await national.press("שינוי מספר המקומות")
    await national.send("/language en")
    assert "Carrying on where we were" in national.text
    assert "How many seats should there be?" in national.text
    await national.send("45")
    assert "45 seats left" in national.text
