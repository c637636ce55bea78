"""Registering for an event through the engine, in Hebrew and English, bad input included."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, EventStatus
from models.people import Channel, Person
from models.registrations import Registration, RegistrationStatus
from tests.support import Chat, Clock


async def _open_card(chat: Chat, slug: str = "forum-north-january") -> None:
    await chat.send(f"/start ev_{slug}")


async def test_a_newcomer_gives_name_phone_and_home_then_gets_ticket_and_calendar(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _open_card(chat)
    assert "פורום צפון" in chat.text and "19 בינואר 2027" in chat.text
    assert "נשארו 40 מקומות" in chat.text
    await chat.press("להרשמה")
    assert "השם המלא" in chat.text
    await chat.send("🎉🎉")
    assert "באותיות" in chat.text
    await chat.send("א" * 101)
    assert "עד 100 תווים" in chat.text
    await chat.send("‏נועה כהן ")
    assert "נייד" in chat.text and chat.replies[0].request_contact
    await chat.send("12345")
    assert "לא נראה כמו מספר טלפון" in chat.text
    await chat.send("050-123 4567")
    assert "קיבוץ או עיר" in chat.text
    await chat.send("יזרעאל")
    assert "נועה כהן" in chat.text and "+972501234567" in chat.text
    await chat.send("אולי")
    assert "אחד הכפתורים" in chat.text and "נועה כהן" in chat.text
    await chat.press("כן, לרשום")
    assert "נרשמתם" in chat.text and "קוד הצ'ק־אין" in chat.text
    # The code stands alone in its own message, offering the PDF; the calendar file follows.
    confirmation, calendar = chat.replies
    assert not confirmation.attachments
    [attachment] = calendar.attachments
    assert attachment.mime == "text/calendar" and b"BEGIN:VEVENT" in attachment.data
    assert [b.label for b in confirmation.options()] == ["🎟️ כרטיס PDF", "📅 חזרה לאירועים"]
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.name == "נועה כהן"))
        assert person is not None and person.phone == "+972501234567" and person.home == "יזרעאל"
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None and event.taken == 1
        registration = await session.scalar(select(Registration))
        assert registration is not None and registration.checkin_code in confirmation.text
        assert registration.checkin_code.encode() in attachment.data
    [ticket] = (await chat.press("כרטיס PDF"))[0].attachments
    assert ticket.mime == "application/pdf" and ticket.data.startswith(b"%PDF")


async def test_english_flow_with_a_shared_contact_and_a_double_tap(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    await chat.send("/events")
    assert "Upcoming events (23)" in chat.text
    await chat.press("Northern forum")
    await chat.press("Register")
    await chat.send("Dana Levi")
    await chat.share_contact("+972 52-765-4321")
    await chat.send("Kibbutz Sa'ad")
    confirm = chat.button("Yes, register me").payload
    await chat.press_payload(confirm)
    assert "You're registered for Northern forum" in chat.text
    await chat.press_payload(confirm)
    assert "already registered" in chat.text and "check-in code" in chat.text
    await chat.send("/start ev_forum-north-january")
    assert "You're registered" in chat.text and "Register" not in chat.labels
    async with sessions() as session:
        assert len((await session.scalars(select(Registration))).all()) == 1
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None and event.taken == 1


async def test_a_known_person_on_whatsapp_is_only_asked_what_is_missing(
    catalog: None, chat: Chat
) -> None:
    chat.channel = Channel.WHATSAPP
    chat.address = "whatsapp:+972541112233"
    await _open_card(chat, "forum-south-january")
    await chat.press("להרשמה")
    await chat.send("יואב")
    assert "קיבוץ או עיר" in chat.text  # the phone came with WhatsApp
    await chat.send("סעד")
    assert "+972541112233" in chat.text
    await chat.press("כן, לרשום")
    assert "נרשמתם" in chat.text
    await _open_card(chat, "forum-center-january")
    await chat.press("להרשמה")
    assert "כדאי לבדוק את הפרטים" in chat.text  # nothing left to ask


async def test_a_full_event_puts_people_on_the_waiting_list_with_their_position(
    catalog: None, chat: Chat
) -> None:
    for n, address in enumerate(["a", "b", "c", "d"], 1):
        other = Chat(chat.engine, address=address)
        await other.send("/start ev_workshop-mini-demo")
        await other.press("רשימת ההמתנה" if n > 2 else "להרשמה")
        await other.send(f"אדם {address}")
        await other.send(f"05{n}-1234567")
        await other.send("גבעת ברנר")
        await other.press("כן, לרשום")
        if n <= 2:
            assert "נרשמתם" in other.text
        else:
            assert f"במקום {n - 2}" in other.text and not other.replies[0].attachments


async def test_a_cancelled_event_answers_its_old_buttons_clearly(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _open_card(chat)
    register = chat.button("להרשמה").payload
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
        event.status = EventStatus.CANCELLED
    await chat.press_payload(register)
    assert "האירוע בוטל" in chat.text and "להרשמה" not in chat.labels
    await chat.press_payload("evk:999999")
    assert "הכפתור הזה כבר לא בתוקף" in chat.text


async def test_closed_window_and_past_events_take_no_registrations(
    catalog: None, chat: Chat, clock: Clock
) -> None:
    clock.advance(days=46)  # 2027-01-08: the national study day closed on the 7th
    await _open_card(chat, "study-day-participatory-management")
    assert "ההרשמה לאירוע הזה נסגרה" in chat.text and "להרשמה" not in chat.labels
    await _open_card(chat, "nahal-open-evening")
    assert "כבר התקיים" in chat.text


async def test_unknown_link_lists_the_events(catalog: None, chat: Chat) -> None:
    await chat.send("/start ev_no-such-event")
    assert "לא מצאנו" in chat.text and "אירועים קרובים (23)" in chat.text


async def test_not_now_keeps_no_registration_and_landlines_are_accepted(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _open_card(chat)
    await chat.press("להרשמה")
    await chat.send("רות")
    await chat.send("+972 3 1234567")
    await chat.send("תל אביב")
    await chat.press("לא עכשיו")
    async with sessions() as session:
        assert (await session.scalars(select(Registration))).all() == []
    await chat.send("/start ev_forum-north-january")
    await chat.press("להרשמה")
    await chat.send("רות")
    await chat.send("03-1234567")
    await chat.send("תל אביב")
    await chat.press("כן, לרשום")
    async with sessions() as session:
        [registration] = (await session.scalars(select(Registration))).all()
        assert registration.status == RegistrationStatus.CONFIRMED
