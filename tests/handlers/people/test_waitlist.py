"""Waiting-list offers: accept takes the seat, decline or expiry passes it on, stale is polite."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.people.waitlist import expire_offers
from models.outbox import OutboxMessage, OutboxStatus, Priority
from models.people import ChannelIdentity
from models.registrations import Registration
from tests.handlers.people.test_my import register
from tests.support import Chat, Clock


async def _full_workshop_with_a_cancellation(chat: Chat) -> list[Chat]:
    """Four people for two seats; the first cancels, so the third gets an offer."""
    people = [Chat(chat.engine, address=f"w{n}") for n in range(4)]
    await people[2].send("/language en")
    for n, person in enumerate(people):
        await register(person, "workshop-mini-demo", f"Person {n}", f"054-111111{n}")
    await people[0].send("/my")
    await people[0].press("מושב ניסיון")
    await people[0].press("ביטול ההרשמה")
    await people[0].press("כן, לבטל")
    return people


async def _offers(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _statuses(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(Registration).order_by(Registration.id))
        return [row.status for row in rows]


async def test_the_offer_is_in_the_persons_language_and_accepting_gives_the_ticket(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _full_workshop_with_a_cancellation(chat)
    [offer] = await _offers(sessions)
    assert offer.priority == Priority.NOTICE
    assert "A seat has freed up at Trial session" in offer.payload["text"]
    assert "24 November 2026, 00:00" in offer.payload["text"]  # 12 hours from 10:00 UTC
    accept = offer.payload["buttons"][0][0]
    assert accept["label"] == "✅ Yes, I'm coming"
    await people[2].press_payload(accept["payload"])
    assert "You're registered for Trial session" in people[2].text
    assert people[2].replies[1].attachments[0].mime == "text/calendar"
    await people[2].press_payload(accept["payload"])
    assert "no open offer" in people[2].text
    assert await _statuses(sessions) == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    # Not yet sent when she accepted through the chat: it must not arrive for a seat she holds.
    assert [o.status for o in await _offers(sessions)] == [OutboxStatus.SKIPPED]


async def test_declining_passes_the_seat_to_the_next_in_line(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _full_workshop_with_a_cancellation(chat)
    [offer] = await _offers(sessions)
    await people[2].press_payload(offer.payload["buttons"][0][1]["payload"])
    assert "goes to the next person" in people[2].text
    assert await _statuses(sessions) == ["cancelled", "confirmed", "declined", "offered"]
    first, second = await _offers(sessions)
    assert (first.status, second.status) == (OutboxStatus.SKIPPED, OutboxStatus.PENDING)
    assert "התפנה מקום" in second.payload["text"]
    # Someone else's offer button does nothing for me.
    await people[1].press_payload(second.payload["buttons"][0][0]["payload"])
    assert "הכפתור הזה כבר לא בתוקף" in people[1].text


async def test_an_unanswered_offer_expires_and_moves_on(
    catalog: None,
    chat: Chat,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    people = await _full_workshop_with_a_cancellation(chat)
    [offer] = await _offers(sessions)
    clock.advance(hours=11)
    async with sessions() as session, session.begin():
        assert await expire_offers(session, clock.now, EngineConfig()) == 0
    clock.advance(hours=1)
    await people[2].press_payload(offer.payload["buttons"][0][0]["payload"])
    assert "offer has expired" in people[2].text
    assert await _statuses(sessions) == ["cancelled", "confirmed", "expired", "offered"]
    lapsed, following = await _offers(sessions)
    assert (lapsed.status, following.status) == (OutboxStatus.SKIPPED, OutboxStatus.PENDING)


async def test_someone_who_deletes_their_data_leaves_the_queue_and_their_offer_moves_on(
    catalog: None, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = await _full_workshop_with_a_cancellation(chat)  # person 2 holds an offer
    await people[2].send("/privacy")
    await people[2].press("Delete")
    await people[2].press("Yes")
    assert await _statuses(sessions) == ["cancelled", "confirmed", "cancelled", "offered"]
    [offer] = await _offers(sessions)  # the deleted person's own messages went with them
    async with sessions() as session:
        identity = await session.get(ChannelIdentity, offer.identity_id)
    assert identity is not None and identity.address == "w3"
