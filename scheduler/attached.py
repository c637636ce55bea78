"""The files queued messages name by token (a broadcast's photo), loaded for the senders: once
per process while a broadcast goes out, not once per copy."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import Reply
from models.shared_files import FileToShare, shared

log = logging.getLogger(__name__)

KEPT = 4
"""Files held in memory at once: broadcasts with a photo seldom overlap."""


class AttachedFiles:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self._kept: OrderedDict[str, FileToShare | None] = OrderedDict()
        self._loading = asyncio.Lock()

    async def loaded(self, reply: Reply) -> Reply:
        """The reply with the bytes of every file it names by token; a file gone (expired)
        is left out, so the text still goes."""
        if not any(a.shared and not a.data for a in reply.attachments):
            return reply
        attachments = []
        for attachment in reply.attachments:
            if attachment.shared and not attachment.data:
                found = await self._file(attachment.shared)
                if found is None:
                    log.warning("shared file of a queued message is gone: sent without it")
                    continue
                attachment = replace(attachment, data=found.data)
            attachments.append(attachment)
        return replace(
            reply, attachments=attachments, captioned=reply.captioned and bool(attachments)
        )

    async def _file(self, token: str) -> FileToShare | None:
        async with self._loading:
            if token in self._kept:
                self._kept.move_to_end(token)
                return self._kept[token]
            async with self.sessions() as session:
                found = await shared(session, token, self.clock())
            self._kept[token] = found
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
            return found
