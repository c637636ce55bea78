"""/privacy: a person sees everything we hold about them, and can have it deleted."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event
from models.conversation import ConversationState
from models.outbox import OutboxKind, OutboxMessage
from models.people import Channel, ChannelIdentity, Person
from models.registrations import Lead, Registration, RegistrationStatus
from models.subscriptions import ConsentRecord, Subscription
from tests.handlers.attendees import sign_up
from tests.support import NOW, Chat

pytestmark = pytest.mark.usefixtures("catalog")


async def known_person(chat: Chat, sessions: async_sessionmaker[AsyncSession]) -> int:
    """Someone who answered the questionnaire, left interest, subscribed and registered."""
    await chat.send("/tracks")
    await chat.press('נח"ל')
    await chat.press("לפני הגיוס")
    for _ in range(3):
        await chat.press("לדלג")
    await chat.press("חקלאות")
    await chat.press("סיימתי")
    await chat.press('מסלול הנח"ל הקיבוצי')
    await chat.press("מעניין אותי")
    await chat.send("נועה כהן")
    await chat.send("050-1234567")
    await chat.press("לדלג")
    await chat.press("כן, שייצרו")
    await chat.press("חזרה")
    await chat.press("לקבל עדכונים")
    await chat.press("מאשרים")
    async with sessions() as session, session.begin():
        person = await session.scalar(select(Person))
        event = await session.scalar(select(Event).where(Event.slug == "nahal-open-evening"))
        assert person is not None and event is not None
        person.name = "נועה כהן"
        person.phone = "+972501234567"
        event.taken += 1
        session.add(
            Registration(
                event_id=event.id,
                person_id=person.id,
                status=RegistrationStatus.CONFIRMED,
                checkin_code="K7Q2M9",
                channel="console",
            )
        )
        session.add(ChannelIdentity(person_id=person.id, channel="whatsapp", address="w:+9725"))
        return person.id


async def count(sessions: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_export_reads_well_and_the_json_holds_everything(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await known_person(chat, sessions)
    await chat.send("/privacy")
    assert chat.labels == ["📄 להציג את המידע שלי", "🗑️ למחוק את המידע שלי"]
    await chat.press("להציג")
    text = chat.text
    assert "שם: נועה כהן" in text
    assert 'רקע: נח"ל' in text and "שלב בחיים: לפני הגיוס" in text
    assert "תחומי עניין: חקלאות" in text
    assert "console: person-1" in text and "whatsapp: w:+9725" in text
    assert 'ערב פתוח: מסלול הנח"ל הקיבוצי — רשומים' in text
    assert 'עדכוני מסלול הנח"ל הקיבוצי — פעיל' in text
    assert 'הסכמה ניתנה — עדכוני מסלול הנח"ל הקיבוצי (console, 2026-11-v1)' in text
    assert '🙋 התעניינות במסלולים\n• מסלול הנח"ל הקיבוצי' in text
    pdf, attachment = chat.replies[0].attachments
    assert attachment.mime == "application/json"
    assert pdf.mime == "application/pdf"
    written = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for line in ("נועה כהן", "חקלאות", "לפני הגיוס", "פרופיל"):
        assert line in written, line
    data = json.loads(attachment.data)
    assert data["profile"]["phone"] == "+972501234567"
    assert data["profile"]["interests"] == ["agriculture"]
    assert [c["channel"] for c in data["channels"]] == ["console", "whatsapp"]
    assert data["registrations"][0]["checkin_code"] == "K7Q2M9"
    assert data["subscriptions"][0]["topic"] == "track-nahal-kibbutz"
    assert data["consents"][0]["at"] == "2026-11-23T10:00:00+00:00"
    assert data["leads"][0]["track"] == "nahal-kibbutz"


async def test_a_new_person_sees_an_almost_empty_export_in_english(chat: Chat) -> None:
    await chat.send("/language en")
    await chat.send("/privacy")
    await chat.press("Show my data")
    assert "Language: English" in chat.text
    assert "🎟️ Event registrations\n• nothing" in chat.text
    assert "attached as a file" in chat.text


async def test_deleting_needs_confirmation_and_anonymises_what_counts_must_keep(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    person_id = await known_person(chat, sessions)
    await chat.send("/privacy")
    await chat.press("למחוק")
    assert "אי אפשר לבטל" in chat.text
    await chat.send("כן")
    assert "יש ללחוץ על ״כן, למחוק הכול״" in chat.text
    assert await count(sessions, Person) == 1
    confirm = chat.button("כן, למחוק הכול").payload
    await chat.press_payload(confirm)
    assert "המידע שלכם נמחק" in chat.text
    assert await count(sessions, Person) == 0
    assert await count(sessions, ChannelIdentity) == 0
    assert await count(sessions, Subscription) == 0
    assert await count(sessions, ConversationState) == 0
    async with sessions() as session:
        registration = await session.scalar(select(Registration))
        event = await session.scalar(select(Event).where(Event.slug == "nahal-open-evening"))
        lead = await session.scalar(select(Lead))
        consent = await session.scalar(select(ConsentRecord))
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "privacy.delete")
        )
        # The upcoming seat went back to the event; the anonymous row keeps the count of
        # cancellations right.
        assert registration is not None and registration.person_id is None
        assert registration.status == RegistrationStatus.CANCELLED
        assert event is not None and event.taken == 0
        assert lead is not None and lead.person_id is None
        assert consent is not None and consent.person_id is None
        assert audit is not None and audit.target == f"person:{person_id}"

    await chat.press_payload(confirm)  # a second tap meets a brand-new stranger
    assert "כבר לא בתוקף" in chat.text
    await chat.send("/privacy")
    await chat.press("להציג")
    assert "נועה" not in chat.text and "רשומים" not in chat.text
    assert await count(sessions, Person) == 1


async def test_keeping_changes_nothing(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await known_person(chat, sessions)
    await chat.send("/language en")
    await chat.send("/privacy")
    await chat.press("Delete my data")
    confirm = chat.button("Yes, delete everything").payload
    await chat.press("No, keep it")
    assert "Nothing was deleted" in chat.text
    await chat.press_payload(confirm)
    assert "no longer valid" in chat.text
    assert await count(sessions, Person) == 1
    assert await count(sessions, Subscription) == 1


async def test_the_other_channel_of_a_deleted_person_starts_afresh(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await known_person(chat, sessions)
    await chat.send("/privacy")
    await chat.press("למחוק")
    await chat.press("כן, למחוק הכול")
    whatsapp = Chat(chat.engine, address="w:+9725", channel=Channel.WHATSAPP)
    await whatsapp.send("/tracks")
    assert "מה שסיפרתם לנו קודם" not in whatsapp.text
    async with sessions() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.name is None and person.background is None


async def test_a_newcomer_never_inherits_a_deleted_persons_id(
    engine: Engine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    leaving = Chat(engine, "leaving")
    await leaving.send("/start")
    async with sessions() as session:
        old_id = await session.scalar(select(func.max(Person.id)))
    await leaving.send("/privacy")
    await leaving.press("🗑️")
    await leaving.press("כן, למחוק")
    await Chat(engine, "newcomer").send("/start")
    async with sessions() as session:
        new_id = await session.scalar(select(func.max(Person.id)))
    assert old_id is not None and new_id is not None and new_id > old_id


async def test_deleting_frees_an_upcoming_seat_for_the_line_and_keeps_past_attendance(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    leaving = await sign_up(chat.engine, "leaving", "workshop-mini-demo", "עוזבת", "054-3330001")
    await sign_up(chat.engine, "staying", "workshop-mini-demo", "נשארת", "054-3330002")
    waiting = await sign_up(chat.engine, "waiting", "workshop-mini-demo", "ממתין", "054-3330003")
    assert "רשימת ההמתנה" in waiting.text
    async with sessions() as session, session.begin():
        # A study day last month that she came to: attendance the counts keep.
        person = await session.scalar(select(Person).where(Person.name == "עוזבת"))
        past = Event(
            slug="last-month",
            content={"he": {"title": "יום עיון שעבר"}},
            starts_at=NOW - timedelta(days=30),
            capacity=10,
            taken=1,
        )
        session.add(past)
        await session.flush()
        assert person is not None
        session.add(
            Registration(
                event_id=past.id,
                person_id=person.id,
                status=RegistrationStatus.CONFIRMED,
                checkin_code="PAST77",
                checked_in_at=NOW - timedelta(days=30),
            )
        )

    await leaving.send("/privacy")
    await leaving.press("למחוק")
    await leaving.press("כן, למחוק הכול")

    async with sessions() as session:
        rows = (
            await session.execute(
                select(Registration.status, Person.name, Event.slug, Event.taken)
                .join(Event, Event.id == Registration.event_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .order_by(Registration.id)
            )
        ).all()
        offer = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.WAITLIST_OFFER)
        )
    assert [tuple(row) for row in rows] == [
        ("cancelled", None, "workshop-mini-demo", 2),
        ("confirmed", "נשארת", "workshop-mini-demo", 2),
        ("offered", "ממתין", "workshop-mini-demo", 2),
        ("confirmed", None, "last-month", 1),
    ]
    assert offer is not None and "התפנה מקום" in offer.payload["text"]
