"""People registering the way they do in the chat, for the coordinator tools' stories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from models.people import Person
from models.registrations import Registration
from tests.support import Chat


async def sign_up(
    engine: Engine, address: str, slug: str, name: str, phone: str, home: str = "יזרעאל"
) -> Chat:
    """Open the event's link, press its register (or waiting-list) button and answer everything."""
    person = Chat(engine, address=address)
    await person.send(f"/start ev_{slug}")
    await person.press_payload(person.replies[0].buttons[0][0].payload)
    await person.send(name)
    await person.send(phone)
    await person.send(home)
    await person.press("כן, לרשום")
    return person


async def code_of(sessions: async_sessionmaker[AsyncSession], name: str) -> str:
    async with sessions() as session:
        code = await session.scalar(
            select(Registration.checkin_code)
            .join(Person, Person.id == Registration.person_id)
            .where(Person.name == name)
        )
        assert code is not None, name
        return code
