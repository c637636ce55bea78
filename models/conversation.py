"""Conversation state, kept in the database so any process can continue any chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, bindparam, select, update
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


CONVERSATION = (
    select(ChannelIdentity, ConversationState)
    .outerjoin(ConversationState, ConversationState.identity_id == ChannelIdentity.id)
    .where(
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.address == bindparam("address"),
    )
    .with_for_update(of=ChannelIdentity)
)
"""Built once: SQLAlchemy then finds the compiled form by a cache key it keeps on the object."""


async def open_conversation(
    session: AsyncSession, channel: Channel, address: str, display_name: str | None, now: datetime
) -> tuple[ChannelIdentity, ConversationState]:
    """The identity behind an inbound message (created if new, marked seen) and its state,
    read in one round trip; the identity's row lock serialises a person's messages."""
    row = (await session.execute(CONVERSATION, {"channel": channel, "address": address})).first()
    if row is None:
        identity = await identify(session, channel, address, display_name, now)
        return identity, _fresh(identity.id)
    identity, state = row
    identity.seen(now, display_name)  # written with the rest of the transaction, if it changed
    if state is None:
        return identity, _fresh(identity.id)
    if session.get_bind().dialect.name == "postgresql":
        # After waiting for the lock PostgreSQL re-reads only the locked identity row; the joined
        # state may predate the transaction we waited for. (SQLite runs writers one at a time.)
        await session.refresh(state)
    session.expunge(state)
    return identity, state


def _fresh(identity_id: int) -> ConversationState:
    return ConversationState(identity_id=identity_id, step=None, data={}, menu=[], version=0)


STATES = Base.metadata.tables[ConversationState.__tablename__]
SAVE = (
    update(STATES)
    .where(
        STATES.c.identity_id == bindparam("loaded_id"),
        STATES.c.version == bindparam("loaded_version"),
    )
    .values(version=STATES.c.version + 1)
)
"""A table-level UPDATE: the ORM's bulk-update machinery would only look for loaded objects to
synchronise, and the state is never kept in the session."""


async def save_state(session: AsyncSession, state: ConversationState, now: datetime) -> None:
    """Write the state if nobody else did since we loaded it (optimistic concurrency)."""
    values = {"step": state.step, "data": state.data, "menu": state.menu, "updated_at": now}
    if state.version == 0:
        exists = await session.get(ConversationState, state.identity_id)
        if exists is not None:
            raise ConcurrentUpdate(state.identity_id)
        session.add(ConversationState(identity_id=state.identity_id, version=1, **values))
        await session.flush()
        return
    result = await session.execute(
        SAVE, {"loaded_id": state.identity_id, "loaded_version": state.version, **values}
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentUpdate(state.identity_id)


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
