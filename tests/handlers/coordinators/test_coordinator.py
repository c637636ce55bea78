"""Coordinator tools open only to coordinators; every refused attempt is on the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.coordinator import AdminChoice
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.audit import AuditEntry
from models.people import Channel, ChannelIdentity, Person, person_at
from models.roles import revoke
from tests.support import Chat, Clock

PHONE = "+972501234567"


async def _refusals(sessions: async_sessionmaker[AsyncSession]) -> list[AuditEntry]:
    async with sessions() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))
        return list(rows)


async def test_the_configured_coordinator_sees_the_tools_and_reaches_everyone(
    national: Chat,
) -> None:
    await national.send("/language en")
    await national.send("/admin")
    assert "Coordinator tools" in national.text and "reach everyone" in national.text
    assert len(national.labels) == len(national.engine.routes.admin_menu)


async def test_a_regional_coordinator_is_told_their_reach_by_name(
    catalog: None, regional: Chat
) -> None:
    await regional.send("/admin")
    assert "כלי רכזים" in regional.text and "אזורים: צפון" in regional.text
    assert "north" not in regional.text
    await regional.send("/language en")
    await regional.send("/admin")
    assert "regions: North" in regional.text


async def test_someone_without_a_role_is_refused_every_coordinator_tool_and_it_is_logged(
    member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    commands = ["admin", *member.engine.routes.admin_menu]
    for name in commands:
        await member.send(f"/{name}")
        assert "לרכזים בלבד" in member.text, name
    refused = await _refusals(sessions)
    assert sorted(entry.action for entry in refused) == sorted(f"/{name}" for name in commands)
    assert {entry.details["reason"] for entry in refused} == {"not_coordinator"}


async def test_a_forged_admin_button_is_refused_too(
    member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await member.press_payload(AdminChoice("admin").pack())
    assert "לרכזים בלבד" in member.text
    assert [entry.action for entry in await _refusals(sessions)] == ["adm"]


async def test_a_forged_coordinator_button_that_does_not_parse_is_refused_and_logged(
    member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for forged in ("bcx:1:1", "mev:north:1"):
        await member.press_payload(forged)
        assert "לרכזים בלבד" in member.text, forged
    refused = await _refusals(sessions)
    assert [(entry.action, entry.target) for entry in refused] == [
        ("bcx", "bcx:1:1"),
        ("mev", "mev:north:1"),
    ]


async def test_a_refused_command_with_a_long_argument_is_logged_cut_to_fit(
    member: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await member.send("/admin " + "x" * 210)
    assert "לרכזים בלבד" in member.text
    [entry] = await _refusals(sessions)
    assert entry.target == "x" * 128


async def test_a_revoked_coordinator_loses_the_tools_at_once(
    regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await regional.send("/admin")
    assert "כלי רכזים" in regional.text
    async with sessions() as session, session.begin():
        person = await person_at(session, telegram_id=regional.address)
        assert await revoke(session, person.id)
    await regional.send("/admin")
    assert "לרכזים בלבד" in regional.text


async def test_typing_a_coordinators_phone_makes_nobody_a_coordinator(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    engine = Engine(
        sessions, EngineConfig(admin_addresses=frozenset({PHONE})), clock=clock, features=FEATURES
    )
    coordinator = Chat(engine, address=f"whatsapp:{PHONE}", channel=Channel.WHATSAPP)
    await coordinator.send("/admin")
    assert "כלי רכזים" in coordinator.text
    await coordinator.send("/start ev_forum-north-january")
    await coordinator.press("להרשמה")
    await coordinator.send("רכזת הצפון")
    await coordinator.send("עין השופט")
    await coordinator.press("כן, לרשום")
    assert "נרשמתם" in coordinator.text

    stranger = Chat(engine, address="5555", channel=Channel.TELEGRAM)
    await stranger.send("/start ev_forum-north-january")
    await stranger.press("להרשמה")
    await stranger.send("מישהו")
    await stranger.send("050-1234567")
    assert "כבר מקושר לפרופיל אחר" in stranger.text and stranger.replies[0].request_contact
    await stranger.send("/admin")
    assert "לרכזים בלבד" in stranger.text
    async with sessions() as session:
        owner = await session.scalar(select(Person).where(Person.phone == PHONE))
        assert owner is not None and owner.name == "רכזת הצפון"  # no stranger's name joined
        identities = await session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.person_id == owner.id)
        )
        assert [i.channel for i in identities] == [Channel.WHATSAPP]
