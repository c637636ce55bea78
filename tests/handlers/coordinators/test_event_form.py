"""/newevent: a coordinator creates an event question by question, sees the card, publishes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_form import FormChoice, FormSave
from models.audit import AuditEntry
from models.catalog import Event, EventStatus, Track
from tests.regions import add_jerusalem
from tests.support import Chat, Clock


async def _created(sessions: async_sessionmaker[AsyncSession]) -> Event:
    async with sessions() as session:
        [event] = (await session.scalars(select(Event).where(Event.slug.like("2027%")))).all()
        return event


async def _audit(sessions: async_sessionmaker[AsyncSession]) -> list[AuditEntry]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())


async def test_a_coordinator_publishes_a_workshop_in_hebrew_and_people_can_register(
    catalog: None, national: Chat, member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await national.send("/admin")
    await national.press("אירוע חדש")
    assert "מה שם האירוע בעברית" in national.text
    await national.send("סדנת גזברות בגליל")
    await national.press("בלי שם באנגלית")
    await national.press("סדנה")
    assert set(national.labels) >= {"צפון", "מרכז", "דרום", 'חו"ל', "ארצי"}
    await national.press("צפון")
    await national.press("בלי מסלול")
    await national.send("12.1.2027 18:30")
    await national.send("21:00")
    await national.send("קיבוץ יפעת")
    await national.send("30")
    assert "כך יראו את האירוע" in national.text
    assert "סדנת גזברות בגליל" in national.text
    assert "יום שלישי, 12 בינואר 2027, 18:30–21:00" in national.text
    assert "📍 קיבוץ יפעת" in national.text and "נשארו 30 מקומות" in national.text
    await national.press("לפרסם עכשיו")
    assert "האירוע פורסם" in national.text and "/start ev_" in national.text

    event = await _created(sessions)
    assert event.status == EventStatus.PUBLISHED and event.region == "north"
    assert event.starts_at == datetime(2027, 1, 12, 16, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 1, 12, 19, 0, tzinfo=UTC)
    assert (event.capacity, event.track_id) == (30, None)
    [created] = [entry for entry in await _audit(sessions) if entry.action == "event.create"]
    assert created.target == f"event:{event.slug}" and created.details["status"] == "published"

    await member.send(f"/start ev_{event.slug}")
    assert "סדנת גזברות בגליל" in member.text and "להרשמה" in " ".join(member.labels)
    # A second press of the publish button creates nothing more.
    await national.press_payload(FormSave(True).pack())
    assert "כבר לא בתוקף" in national.text
    assert (await _created(sessions)).id == event.id


async def test_an_english_speaking_coordinator_keeps_a_national_track_event_as_a_draft(
    catalog: None, national: Chat, member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await national.send("/language en")
    await national.send("/newevent")
    await national.send("ערב מחזור מכינות")
    await national.send("Mechinot graduates' evening")
    await national.press("Study day")
    await national.press("National")
    await national.press("pre-military academies")
    await national.send("3/3/2027 9:00")
    await national.send("7.5 hours")
    await national.press("No place")
    await national.send("0")
    assert "This is how people will see the event" in national.text
    assert "Mechinot graduates' evening" in national.text
    assert "Wednesday, 3 March 2027, 09:00–16:30" in national.text
    await national.press("Save as a draft")
    assert "Saved as a draft" in national.text and "Publish" in " ".join(national.labels)

    event = await _created(sessions)
    assert event.status == EventStatus.DRAFT and event.region is None
    assert event.capacity is None and "place" not in event.content["he"]
    assert event.content["en"]["title"] == "Mechinot graduates' evening"
    async with sessions() as session:
        track = await session.get(Track, event.track_id)
        assert track is not None and track.slug == "mechinot"
    await member.send(f"/start ev_{event.slug}")
    assert "ערב מחזור מכינות" not in member.text  # drafts are shown to nobody


async def test_bad_answers_are_explained_and_nothing_is_lost(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await national.send("/newevent")
    await national.send("א" * 5000)
    assert "5000 תווים" in national.text and "עד 120" in national.text
    await national.send("🎉🎉🎉")
    assert "טקסט עם אותיות" in national.text
    await national.send_media("photo")
    assert "רק בטקסט ובכפתורים" in national.text
    await national.send("\u200fפורום 🎉 צפון\u200f")
    assert "באנגלית" in national.text
    await national.press("בלי שם באנגלית")
    await national.send("סדנה")  # typed while buttons are expected: the label works
    await national.send("something else")
    assert "לבחור באחד הכפתורים" in national.text and "באיזה אזור" in national.text
    await national.press_payload(FormChoice("capacity", "40").pack())  # out of turn
    assert "כבר לא בתוקף" in national.text
    await national.press_payload(FormChoice("region", "atlantis").pack())  # forged
    assert "כבר לא בתוקף" in national.text
    await national.send("hello?")  # the form is still there, asking the same question
    assert "באיזה אזור" in national.text
    await national.send("1")  # the first region offered
    await national.press("בלי מסלול")
    for typed, answer in [
        ("tomorrow evening", "לא הצלחנו לקרוא את המועד"),
        ("31.2.2027 10:00", "בחודש 2 אין יום 31"),
        ("1.11.2026 10:00", "כבר עבר"),
        ("1.1.2035 10:00", "יותר משלוש שנים"),
    ]:
        await national.send(typed)
        assert answer in national.text, typed
    await national.send("19.1.27 18:00")
    await national.send("17:00")
    assert "אחרי שעת ההתחלה" in national.text
    await national.send("3")
    assert "שעות או דקות?" in national.text
    await national.send("3 שעות")
    await national.send("x" * 201)
    assert "עד 200" in national.text
    await national.send("בית העם")
    await national.send("100001")
    assert "עד 100000" in national.text
    await national.send("ארבעים")
    assert "עד 100000, או 0 אם אין הגבלה" in national.text
    await national.send("40")
    assert "פורום 🎉 צפון" in national.text and "18:00–21:00" in national.text
    await national.send("נו?")
    assert "לבחור באחד הכפתורים" in national.text and "כך יראו את האירוע" in national.text
    await national.press("לפרסם")
    event = await _created(sessions)
    assert event.content["he"]["title"] == "פורום 🎉 צפון" and event.region == "north"
    assert event.kind == "workshop"


async def test_a_form_left_open_past_its_start_asks_again_and_cancel_keeps_nothing(
    catalog: None, national: Chat, clock: Clock, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await national.send("/newevent")
    await national.send("ערב שירה")
    await national.press("בלי שם באנגלית")
    await national.press("אחר")
    await national.press("מרכז")
    await national.press("בלי מסלול")
    await national.send("24.11.2026 19:00")
    await national.send("2 שעות")
    await national.press("בלי מקום")
    await national.send("0")
    assert "ללא הגבלה" not in national.text and "ההרשמה פתוחה" in national.text
    clock.advance(days=2)
    await national.press("לפרסם")
    assert "המועד הזה כבר עבר" in national.text and "מתי מתחילים" in national.text
    await national.send("1.12.2026 19:00")
    await national.send("שעתיים")
    assert "יום שלישי, 1 בדצמבר 2026, 19:00–21:00" in national.text
    await national.send("/cancel")
    await national.press_payload(FormSave(True).pack())
    assert "כבר לא בתוקף" in national.text
    async with sessions() as session:
        assert await session.scalar(select(Event).where(Event.slug.like("2026%"))) is None


async def test_a_regional_coordinator_creates_only_in_their_region(
    catalog: None, regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await regional.send("/newevent")
    await regional.send("פורום דרום")
    await regional.press("בלי שם באנגלית")
    await regional.press("פורום אזורי")
    assert regional.labels == ["צפון"]
    await regional.press_payload(FormChoice("region", "south").pack())
    assert "לרכזים בלבד" in regional.text
    await regional.press_payload(FormChoice("region", "national").pack())
    assert "לרכזים בלבד" in regional.text
    refused = [entry for entry in await _audit(sessions) if not entry.allowed]
    assert [(e.action, e.details["reason"], e.details["region"]) for e in refused] == [
        ("newevent", "scope", "south"),
        ("newevent", "scope", None),
    ]
    await regional.press_payload(FormChoice("region", "north").pack())
    assert "מסלול" in regional.text


async def _up_to_the_start(national: Chat) -> None:
    await national.says("/newevent", "מה שם האירוע בעברית")
    await national.says("ערב שירה", "השם באנגלית")
    await national.says("בלי שם באנגלית", "איזה סוג אירוע")
    await national.says("אחר", "באיזה אזור")
    await national.says("מרכז", "שייך למסלול")
    await national.says("בלי מסלול", "מתי מתחילים?")


async def test_dates_are_read_the_way_people_type_them(catalog: None, national: Chat) -> None:
    """NOW is 23 November 2026: a year-less January date is the coming one."""
    await _up_to_the_start(national)
    await national.says("12.1 18:30", "מתי הוא נגמר?", absent=("כבר עבר",))
    await national.says("30", "שעות או דקות?")
    await national.says("30 דקות", "איפה?")
    await national.says("בלי מקום", "כמה מקומות")
    await national.says("0", "כך יראו את האירוע", "יום שלישי, 12 בינואר 2027, 18:30–19:00")
    await national.send("/cancel")
    await _up_to_the_start(national)
    await national.says("5.1.2027 25:00", "השעה 25 לא קיימת", absent=("31.2", "לוח השנה"))
    await national.says("2027-01-12 18:30", "מתי הוא נגמר?")
    await national.says("שעתיים", "איפה?")
    await national.send("/cancel")
    await _up_to_the_start(national)
    await national.says("ב-12.1.2027 בשעה 18:30", "מתי הוא נגמר?")
    await national.says("30 שעות", "איפה?")
    await national.says("בית העם", "כמה מקומות")
    await national.says("0", "יום שלישי, 12 בינואר 2027, 18:30 – יום חמישי, 14 בינואר 2027, 00:30")


async def test_a_region_the_catalogue_adds_is_a_choice_named_as_the_questionnaire_names_it(
    catalog: None, national: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_jerusalem(sessions)
    await national.send("/language en")
    await national.send("/newevent")
    await national.send("פורום ירושלים")
    await national.press("No English title")
    await national.press("Regional forum")
    assert national.labels[:6] == ["North", "Center", "South", "Abroad", "Jerusalem", "National"]
    await national.press("Jerusalem")
    assert "Does the event belong to a track?" in national.text
