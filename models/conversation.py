"""Conversation state, kept in the database so any process can continue any chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Update,
    bindparam,
    column,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UTCDateTime, utcnow
from models.people import Channel, ChannelIdentity, identify


class ConcurrentUpdate(Exception):
    """Another process changed this conversation since we read it; retry from the start."""


class ConversationState(Base):
    __tablename__ = "conversation_states"

    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str | None] = mapped_column(String(64), doc="the step awaiting free text")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    menu: Mapped[list[list[str]]] = mapped_column(
        JSONType, default=list, doc="[label, payload] pairs last offered, for numbered answers"
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


IDENTITIES = (
    select(ChannelIdentity)
    .where(
        tuple_(ChannelIdentity.channel, ChannelIdentity.address).in_(
            bindparam("addresses", expanding=True)
        )
    )
    .order_by(ChannelIdentity.id)  # locked in one order by every transaction
    .with_for_update(of=ChannelIdentity)
)
"""Built once: SQLAlchemy then finds the compiled form by a cache key it keeps on the object."""

Sender = tuple[Channel, str, str | None]
"""Who wrote: channel, address, and the display name the platform gave, if any."""


async def open_conversations(
    session: AsyncSession, senders: Sequence[Sender], now: datetime
) -> list[tuple[ChannelIdentity, ConversationState]]:
    """Each sender's identity (created if new, marked seen) and state, in the senders' order:
    the identities locked in one round trip, then their states read in another. The lock
    serialises a person's messages, so the states read after it are the latest. A sender named
    twice gets the same state object: the second message sees the first one's changes."""
    addresses = list({(channel, address) for channel, address, _ in senders})
    found = {
        (identity.channel, identity.address): identity
        for identity in (await session.scalars(IDENTITIES, {"addresses": addresses}))
    }
    identities = []
    for channel, address, display_name in senders:
        identity = found.get((channel, address))
        if identity is None:
            identity = found[(channel, address)] = await identify(
                session, channel, address, display_name, now
            )
        else:
            identity.seen(now, display_name)  # written with the transaction, if it changed
        identities.append(identity)
    states = await _states(session, {identity.id for identity in identities})
    return [(identity, states[identity.id]) for identity in identities]


STATES = Base.metadata.tables[ConversationState.__tablename__]
READ = select(STATES).where(STATES.c.identity_id.in_(bindparam("ids", expanding=True)))


async def _states(session: AsyncSession, ids: set[int]) -> dict[int, ConversationState]:
    """The states of these identities, a fresh one for each that has none yet: plain objects,
    never kept in the session (`save_states` writes them)."""
    states = {
        row.identity_id: ConversationState(
            identity_id=row.identity_id,
            step=row.step,
            data=row.data,
            menu=row.menu,
            version=row.version,
        )
        for row in await session.execute(READ, {"ids": list(ids)})
    }
    for identity_id in ids - states.keys():
        states[identity_id] = _fresh(identity_id)
    return states


def _fresh(identity_id: int) -> ConversationState:
    return ConversationState(identity_id=identity_id, step=None, data={}, menu=[], version=0)


SAVED = (
    column("identity_id", Integer),
    column("version", Integer),
    column("step", String),
    column("data", JSONType),
    column("menu", JSONType),
)


@cache
def _save(count: int) -> Update:
    """One UPDATE for `count` states, each only where its version is still the one we loaded,
    returning the ids it wrote: a table-level statement (the state is never kept in the
    session), built once per count. Its rows are SELECTs joined by UNION ALL, not a VALUES
    list: SQLAlchemy caches no statement with a multi-row VALUES, and compiled this one anew
    for every batch (4 % of the answering process's CPU)."""
    rows = [
        select(*(bindparam(f"s{n}_{c.name}", type_=c.type).label(c.name) for c in SAVED))
        for n in range(count)
    ]
    saved = (union_all(*rows) if count > 1 else rows[0]).cte("saved")
    return (
        update(STATES)
        .where(STATES.c.identity_id == saved.c.identity_id)
        .where(STATES.c.version == saved.c.version)
        .values(
            step=saved.c.step,
            data=saved.c.data,
            menu=saved.c.menu,
            version=STATES.c.version + 1,
            updated_at=bindparam("now"),
        )
        .returning(STATES.c.identity_id)
    )


async def save_states(
    session: AsyncSession, states: Sequence[ConversationState], now: datetime
) -> None:
    """Write each state if nobody else did since we loaded it, the known ones in one round
    trip; ConcurrentUpdate if any was written meanwhile (the caller answers again)."""
    distinct = {state.identity_id: state for state in states}.values()
    known = [state for state in distinct if state.version]
    for state in distinct:
        if state.version == 0:
            await _create(session, state, now)
    if not known:
        return
    params: dict[str, Any] = {"now": now}
    for n, state in enumerate(known):
        params |= {
            f"s{n}_identity_id": state.identity_id,
            f"s{n}_version": state.version,
            f"s{n}_step": state.step,
            f"s{n}_data": state.data,
            f"s{n}_menu": state.menu,
        }
    written = set((await session.execute(_save(len(known)), params)).scalars())
    for state in known:
        if state.identity_id not in written:
            raise ConcurrentUpdate(state.identity_id)


async def _create(session: AsyncSession, state: ConversationState, now: datetime) -> None:
    """The first state of an identity, unless another transaction made one meanwhile."""
    exists = await session.get(ConversationState, state.identity_id)
    if exists is not None:
        raise ConcurrentUpdate(state.identity_id)
    fields = {"step": state.step, "data": state.data, "menu": state.menu, "updated_at": now}
    session.add(ConversationState(identity_id=state.identity_id, version=1, **fields))
    await session.flush()


OFFER = (
    update(STATES)
    .where(STATES.c.identity_id == bindparam("offered_to"))
    .values(menu=bindparam("menu"), version=STATES.c.version + 1, updated_at=bindparam("now"))
)


async def offer_options(
    session: AsyncSession, offers: list[tuple[int, list[list[str]]]], now: datetime
) -> None:
    """Queued messages showed these numbered options (identity, [label, payload] pairs): each
    person's next "1" means its first, not the first of whatever they were last shown. The
    version moves on, so an answer being worked out from the older menu is retried."""
    if offers:
        await session.execute(
            OFFER, [{"offered_to": identity, "menu": menu, "now": now} for identity, menu in offers]
        )
