"""Who coordinates, and what a regional coordinator's reach covers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event, Track
from models.people import Channel, ChannelIdentity, person_at
from models.roles import (
    Authority,
    RoleScope,
    UnknownScope,
    authority_of,
    check_scope,
    coordinator_people,
    grant,
    revoke,
)
from tests.support import NOW

NORTH = Authority(1, RoleScope.REGIONAL, frozenset({"north"}), frozenset({"nahal"}))


def test_a_regional_reach_is_its_regions_and_tracks() -> None:
    assert NORTH.covers(region="north")
    assert NORTH.covers(region="south", track="nahal")
    assert not NORTH.covers(region="south")
    assert not NORTH.covers()
    assert Authority(2, RoleScope.NATIONAL).covers(region="south")


async def test_an_event_is_in_reach_by_its_region_or_its_track(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        nahal = Track(slug="nahal", content={})
        session.add(nahal)
        await session.flush()
        south_nahal = Event(slug="a", content={}, region="south", track_id=nahal.id, starts_at=NOW)
        south = Event(slug="b", content={}, region="south", starts_at=NOW + timedelta(days=1))
        session.add_all([south_nahal, south])
        await session.flush()
        assert await NORTH.covers_event(session, south_nahal)
        assert not await NORTH.covers_event(session, south)


async def test_configured_phones_and_ids_and_granted_roles_all_coordinate(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    admins = frozenset({"777", "+972501234567"})
    async with sessions() as session, session.begin():
        by_id = await person_at(session, telegram_id="777")
        by_phone = await person_at(session, phone="+972501234567")
        session.add(
            ChannelIdentity(
                person=by_phone, channel=Channel.WHATSAPP, address="whatsapp:+972501234567"
            )
        )
        granted = await person_at(session, telegram_id="888")
        await grant(session, granted, RoleScope.REGIONAL, regions=["south", "south"])
        nobody = await person_at(session, telegram_id="999")
        await session.flush()
        people = set(await session.scalars(coordinator_people(admins)))
        assert people == {by_id.id, by_phone.id, granted.id}

        identities = {i.person_id: i for i in await session.scalars(select(ChannelIdentity))}
        configured = await authority_of(session, identities[by_phone.id], admins)
        assert configured is not None and configured.national
        regional = await authority_of(session, identities[granted.id], admins)
        assert regional == Authority(granted.id, RoleScope.REGIONAL, frozenset({"south"}))
        assert await authority_of(session, identities[nobody.id], admins) is None


async def test_a_national_grant_replaces_a_regional_role(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        person = await person_at(session, phone="+972521111111")
        await grant(session, person, RoleScope.REGIONAL, regions=["north"])
        role = await grant(session, person, RoleScope.NATIONAL, regions=["north"])
        assert (role.scope, role.regions) == (RoleScope.NATIONAL, [])
        assert await person_at(session, phone="+972521111111") is person


async def test_a_regional_grant_adds_and_a_partial_revoke_removes_one(
    catalog: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        person = await person_at(session, phone="+972521111111")
        with pytest.raises(UnknownScope, match=r"unknown region nort .*unknown track nahal "):
            await check_scope(session, ["nort", "north"], ["nahal"])
        await check_scope(session, ["north"], ["nahal-kibbutz"])
        await grant(session, person, RoleScope.REGIONAL, regions=["north"])
        role = await grant(session, person, RoleScope.REGIONAL, tracks=["nahal-kibbutz"])
        assert (role.regions, role.tracks) == (["north"], ["nahal-kibbutz"])
        assert await revoke(session, person.id, regions=["south"]) is False
        assert await revoke(session, person.id, regions=["north"]) is True
        assert (role.regions, role.tracks) == ([], ["nahal-kibbutz"])
        assert await revoke(session, person.id, tracks=["nahal-kibbutz"]) is True
        assert await revoke(session, person.id) is False  # the last scope took the role
