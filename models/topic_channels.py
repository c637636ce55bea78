"""A topic's Telegram channel: published bulletins also go there, through the outbox like any
other message, to an identity that stands for the channel (its person has no name, no phone,
no subscriptions and no role, so no audience ever selects it)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.catalog_entries import CatalogError
from models.people import Channel, ChannelIdentity, IdentityStatus, person_at

CHANNEL = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}|-100\d{6,16}")
"""A public channel's @username, or a channel's numeric chat id (-100…)."""


def channel_of(slug: str, value: object) -> str | None:
    """The catalogue's `telegram_channel:` for a topic, checked; None when it has none."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not CHANNEL.fullmatch(text):
        raise CatalogError(
            f"topics/{slug}: telegram_channel must be @username or a chat id like -1001234567890"
        )
    return text


async def channel_identity(session: AsyncSession, address: str) -> int:
    """The identity that stands for the channel, made on first use. Marked active on each
    publication: a channel that refused the bot (403, the bot not yet its admin) is tried again
    with the next bulletin, since a channel never writes to us to say it is back."""
    await person_at(session, telegram_id=address)
    identity = await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == Channel.TELEGRAM, ChannelIdentity.address == address
        )
    )
    assert identity is not None
    identity.status = IdentityStatus.ACTIVE
    await session.flush()
    return identity.id
