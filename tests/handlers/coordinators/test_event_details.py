"""An event's further details from /manage_events: description, place in English, deadline,
minimum and go/no-go date; people see them on the card and the deadline closes registration."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_manage import Manage
from handlers.core.engine import Engine
from models.audit import AuditEntry
from models.catalog import Event
from tests.support import Chat, Clock

Sessions = async_sessionmaker[AsyncSession]
NAHAL = "nahal-open-evening"
"""80 seats, 15.12.2026 18:30 in Tel Aviv."""


async def _event(sessions: Sessions) -> Event:
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == NAHAL))
        assert event is not None
        return event


async def test_deadline_minimum_and_english_details_are_set_checked_and_shown(
    catalog: None, coordinated: Engine, national: Chat, clock: Clock, sessions: Sessions
) -> None:
    event = await _event(sessions)
    await national.press_payload(Manage(event.id).pack())
    await national.press("פרטים נוספים")
    assert "• המקום באנגלית: Kibbutz Movement House, Tel Aviv" in national.text
    assert "• מינימום משתתפים: —" in national.text

    await national.press("מועד אחרון להרשמה")
    await national.says("20.12.2026 10:00", "לא לפני תחילת האירוע")
    await national.says("1.11.2026 10:00", "עבר")
    await national.says("10.12.2026 23:59", "נשמר", "10 בדצמבר 2026")

    await national.press("מינימום משתתפים")
    await national.says("x" * 5000, "מספר שלם")
    await national.says("500", "גבוה ממספר המקומות (80)")
    await national.says("12", "נשמר", "• מינימום משתתפים: 12")
    await national.press("מועד ההחלטה")
    await national.says("8.12.2026 12:00", "נשמר")

    await national.press("תיאור (אנגלית)")
    await national.says("א" * 5000, "1500")
    await national.says("An evening with the garin's graduates.\nBring questions!", "נשמר")
    await national.press("המקום באנגלית")
    await national.says("🙂🙂", "אותיות")
    await national.says("Beit HaTnua, Tel Aviv", "נשמר")

    async with sessions() as session:
        edits = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "event.edit"))
        ).all()
        assert {entry.details["field"] for entry in edits} == {
            "deadline",
            "minimum",
            "decide_by",
            "description_en",
            "place_en",
        }

    person = Chat(coordinated, address="p1")
    await person.send(f"/start ev_{NAHAL}")
    assert "ההרשמה נסגרת ב-" in person.text and "בהשתתפות 12 לפחות" in person.text
    await person.send("/language en")
    await person.send(f"/start ev_{NAHAL}")
    assert "An evening with the garin's graduates.\nBring questions!" in person.text
    assert "Beit HaTnua, Tel Aviv" in person.text and "at least 12 participants" in person.text

    clock.now = datetime(2026, 12, 11, 8, 0, tzinfo=UTC)  # after the deadline
    await person.send(f"/start ev_{NAHAL}")
    assert "Register" not in " ".join(person.labels)
    async with sessions() as session:
        saved = await session.scalar(select(Event).where(Event.slug == NAHAL))
        assert saved is not None and saved.decide_by == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


async def test_a_stale_detail_button_and_a_forged_field_change_nothing(
    catalog: None, national: Chat, sessions: Sessions
) -> None:
    event = await _event(sessions)
    await national.press_payload(f"mdt:{event.id}:capacity")
    assert "כבר לא בתוקף" in national.text
    await national.press_payload("mdt:999999:")
    assert "כבר לא בתוקף" in national.text
    assert (await _event(sessions)).capacity == 80
