"""Whom a proactive message goes to: one reachable identity per person."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import QueryableAttribute

from models.people import ChannelIdentity, IdentityStatus


def reachable_identity(
    person_id: QueryableAttribute[int] | QueryableAttribute[int | None],
) -> ScalarSelect[int]:
    """The identity to write to: one that has not blocked us, the most recently used first.
    A correlated subquery, so a whole audience is resolved in the query that selects it."""
    return (
        select(ChannelIdentity.id)
        .where(
            ChannelIdentity.person_id == person_id,
            ChannelIdentity.status == IdentityStatus.ACTIVE,
        )
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id.desc())
        .limit(1)
        .correlate_except(ChannelIdentity)
        .scalar_subquery()
    )
