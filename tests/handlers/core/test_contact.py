"""A phone shared while no question waits for it is kept, and joins a person already known."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.people import ChannelIdentity, Person
from tests.support import Chat


async def test_a_shared_phone_is_saved_and_the_menu_offered(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/start")
    await chat.share_contact("+972 50-123-4567")
    assert "מספר הטלפון נשמר" in chat.text and "📅 אירועים קרובים" in chat.labels
    async with sessions() as session:
        assert await session.scalar(select(Person.phone)) == "+972501234567"


async def test_the_same_phone_from_a_second_chat_makes_one_person(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    await chat.share_contact("+972501234567")
    other = Chat(chat.engine, address="person-2")
    await other.share_contact("972501234567")
    assert "phone number is saved" in other.text  # the person's stored language carries over
    async with sessions() as session:
        people = (await session.scalars(select(ChannelIdentity.person_id))).all()
        assert len(people) == 2 and len(set(people)) == 1


async def test_an_unreadable_shared_number_is_not_saved(chat: Chat) -> None:
    await chat.share_contact("12")
    assert "לא הצלחנו לקרוא" in chat.text
