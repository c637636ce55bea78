"""My registrations: the list, the calendar file again, cancelling with a confirm step."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event
from models.outbox import OutboxMessage
from models.registrations import Registration, RegistrationStatus
from tests.support import Chat


async def register(chat: Chat, slug: str, name: str, phone: str) -> None:
    await chat.send(f"/start ev_{slug}")
    await chat.press("✅" if "✅" in " ".join(chat.labels) else "⏳")
    if chat.replies[0].text.startswith(("מה השם", "What is your full")):
        await chat.send(name)
        await chat.send(phone)
        await chat.send("עין השופט")
    await chat.press("לרשום" if "לרשום" in " ".join(chat.labels) else "register me")


async def test_nothing_yet_points_to_the_events(catalog: None, chat: Chat) -> None:
    await chat.send("/my")
    assert "אין לכם הרשמות" in chat.text and "📅 אירועים קרובים" in chat.labels


async def test_list_calendar_again_and_cancel_after_confirming(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await register(chat, "forum-north-january", "מיכל", "0521234567")
    await register(chat, "nahal-open-evening", "מיכל", "0521234567")
    await chat.send("/my")
    assert chat.text.index('נח"ל') < chat.text.index("פורום צפון")  # soonest first
    assert "קוד הצ'ק־אין" in chat.text
    await chat.press("פורום צפון")
    await chat.press("הוספה ליומן")
    [attachment] = chat.replies[0].attachments
    assert attachment.filename == "forum-north-january.ics"
    await chat.send("/my")
    await chat.press("פורום צפון")
    await chat.press("ביטול ההרשמה")
    assert "לבטל את ההרשמה" in chat.text
    await chat.press("לא, להשאיר")
    cancel = chat.button("ביטול ההרשמה").payload
    await chat.press_payload(cancel)
    await chat.press("כן, לבטל")
    assert "בוטלה" in chat.text
    await chat.press("ההרשמות שלי")
    assert "פורום צפון" not in chat.text and 'נח"ל' in chat.text
    await chat.press_payload(cancel)  # an old cancel button of a cancelled registration
    assert "הכפתור הזה כבר לא בתוקף" in chat.text
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None and event.taken == 0


async def test_cancelling_offers_the_seat_to_the_first_in_line(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = [Chat(chat.engine, address=f"p{n}") for n in range(4)]
    for n, person in enumerate(people):
        await register(person, "workshop-mini-demo", f"אדם {n}", f"050-000000{n}")
    await people[0].send("/my")
    await people[0].press("מושב ניסיון")
    await people[0].press("ביטול ההרשמה")
    await people[0].press("כן, לבטל")
    async with sessions() as session:
        rows = (await session.scalars(select(Registration).order_by(Registration.id))).all()
        assert [r.status for r in rows] == [
            RegistrationStatus.CANCELLED,
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.OFFERED,
            RegistrationStatus.WAITLISTED,
        ]
        [offer] = (await session.scalars(select(OutboxMessage))).all()
        assert offer.dedupe_key == f"offer:{rows[2].id}" and offer.kind == "waitlist_offer"
        assert "התפנה מקום" in offer.payload["text"]
    await people[3].send("/my")
    assert "במקום 1" in people[3].text
    await people[2].send("/my")
    assert "מחכה לכם מקום" in people[2].text
