"""Whom a proactive message goes to: one reachable identity per person."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Exists, ScalarSelect, Subquery, exists, func, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import QueryableAttribute

from locales import SUPPORTED_LOCALES
from models.people import ChannelIdentity, IdentityStatus, Person


def reachable_identity(
    person_id: QueryableAttribute[int] | QueryableAttribute[int | None],
) -> ScalarSelect[int]:
    """The identity to write to: one that has not blocked us, the most recently used first.
    A correlated subquery, for lists of a few thousand (an event's registrants); a whole
    movement's audience joins `reachable()` instead."""
    return (
        select(ChannelIdentity.id)
        .where(
            ChannelIdentity.person_id == person_id,
            ChannelIdentity.status == IdentityStatus.ACTIVE,
        )
        .order_by(*PREFERENCE)
        .limit(1)
        .correlate_except(ChannelIdentity)
        .scalar_subquery()
    )


PREFERENCE = (ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id.desc())
"""Which of a person's identities to write to first: the one they used last."""


def reachable(dialect: str) -> Subquery:
    """(person_id, identity_id): every reachable person once, with the identity to write to,
    chosen for everyone in one pass over the identities rather than one lookup per person:
    DISTINCT ON on PostgreSQL (whose planner estimates it well), a window on SQLite."""
    active = ChannelIdentity.status == IdentityStatus.ACTIVE
    if dialect == "postgresql":
        return (
            select(ChannelIdentity.person_id, ChannelIdentity.id.label("identity_id"))
            .where(active)
            .ext(distinct_on(ChannelIdentity.person_id))
            .order_by(ChannelIdentity.person_id, *PREFERENCE)
            .subquery("reachable")
        )
    rank = func.row_number().over(partition_by=ChannelIdentity.person_id, order_by=PREFERENCE)
    ranked = (
        select(
            ChannelIdentity.person_id,
            ChannelIdentity.id.label("identity_id"),
            rank.label("preference"),
        )
        .where(active)
        .subquery("ranked")
    )
    return (
        select(ranked.c.person_id, ranked.c.identity_id)
        .where(ranked.c.preference == 1)
        .subquery("reachable")
    )


def can_reach(person_id: QueryableAttribute[int] | QueryableAttribute[int | None]) -> Exists:
    """Whether the person has an identity we may still write to (which one does not matter)."""
    return exists().where(
        ChannelIdentity.person_id == person_id,
        ChannelIdentity.status == IdentityStatus.ACTIVE,
    )


def speaks(locale: str, default_locale: str) -> ColumnElement[bool]:
    """People whose messages are rendered in `locale`; anyone without one gets the default."""
    if locale != default_locale:
        return Person.locale == locale
    others = [other for other in SUPPORTED_LOCALES if other != locale]
    return or_(Person.locale.is_(None), Person.locale.not_in(others))
