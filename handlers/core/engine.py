"""The conversation engine: one `Incoming` in, the replies out, state saved in between."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core import commands, menu
from handlers.core.callback import InvalidPayload, unpack
from handlers.core.context import Ctx, EngineConfig, NeedsFile, clean_text
from handlers.core.menu import fallback, media_answer, stale
from handlers.core.optout import is_opt_out, opt_out
from handlers.core.router import Handler, Refused, Router, Stale
from handlers.core.types import (
    Attachment,
    FileFetchError,
    FileProblem,
    FileSource,
    Incoming,
    Reply,
)
from handlers.inputs.typed_choice import choose
from locales import Translator, reply_locale
from models.base import utcnow
from models.conversation import (
    ConcurrentUpdate,
    ConversationState,
    open_conversations,
    save_states,
)
from models.people import Channel, ChannelIdentity, Person

log = logging.getLogger(__name__)

CORE: tuple[Router, ...] = (commands.router, menu.router)
"""What every engine has: /start, /help, /menu, /cancel, /language and the main menu's buttons."""

ATTEMPTS = 3
"""A conflicting write from another process is retried from scratch, reading fresh state."""


@dataclass(frozen=True)
class Answer:
    """The replies to one message, and the language they are in (the channel renders its
    own labels, such as the share-my-phone button, in the same one)."""

    replies: list[Reply]
    locale: str
    identity_id: int | None = None
    """Whom they are for; None when the person just asked to be forgotten."""


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: EngineConfig | None = None,
        clock: Callable[[], datetime] = utcnow,
        *,
        features: Iterable[Router],
    ) -> None:
        self.sessions = sessions
        self.config = config or EngineConfig()
        self.clock = clock
        self.routes = routes(features)
        self.files: dict[Channel, FileSource] = {}
        """How each channel fetches a file a person sent (its adapter registers itself)."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one inbound message (see `answer`)."""
        return (await self.answer(incoming)).replies

    async def answer(self, incoming: Incoming) -> Answer:
        """Answer one inbound message; all its writes commit together or not at all."""
        attempt = 1
        while True:
            try:
                async with self.sessions() as session, session.begin():
                    [answer] = await self._handle_all(session, [incoming])
                return await made_files(answer)
            except NeedsFile as need:
                incoming = await self._fetched(incoming, need.limit)
            except (ConcurrentUpdate, IntegrityError) as exc:
                if attempt == ATTEMPTS:
                    raise
                attempt += 1
                log.info("retrying a %s message after %s", incoming.channel, type(exc).__name__)

    async def _fetched(self, incoming: Incoming, limit: int) -> Incoming:
        """The message with its file's bytes, or with the reason there are none (never asked
        twice: the step then answers from `data` or `problem`)."""
        file = incoming.file
        assert file is not None  # Ctx.file_data asks only when there is one
        source = self.files.get(incoming.channel)
        try:
            if source is None:
                raise FileFetchError(FileProblem.UNAVAILABLE)
            fetched = dataclasses.replace(file, data=await source.fetch(file, limit))
        except FileFetchError as exc:
            log.info("a %s file could not be fetched: %s", incoming.channel, exc.problem)
            size = exc.size or file.size
            fetched = dataclasses.replace(file, size=size, problem=exc.problem)
        return dataclasses.replace(incoming, file=fetched)

    async def handle_together(self, batch: Sequence[Incoming]) -> list[Answer | Exception]:
        """Answer several people's messages in one transaction, in order: one BEGIN and one
        COMMIT for all. Should any of them fail, each is answered again on its own, so a
        failure costs nobody else their answer and is reported for its own message only."""
        if len(batch) > 1:
            try:
                async with self.sessions() as session, session.begin():
                    answers = await self._handle_all(session, batch)
                return [await made_files(answer) for answer in answers]
            except Exception as exc:
                failure = type(exc).__name__
                log.info("answering %d messages one by one after %s", len(batch), failure)
        return [await self._outcome(incoming) for incoming in batch]

    async def _outcome(self, incoming: Incoming) -> Answer | Exception:
        try:
            return await self.answer(incoming)
        except Exception as exc:
            return exc

    async def locale_of(self, incoming: Incoming) -> str:
        """The language `answer` would choose, for a reply made outside it (an apology when
        answering failed): the stored choice, else the channel's hint, else the default."""
        async with self.sessions() as session:
            stored = await session.scalar(
                select(Person.locale)
                .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
                .where(
                    ChannelIdentity.channel == incoming.channel,
                    ChannelIdentity.address == incoming.address,
                )
            )
        return reply_locale(stored, self.config.default_locale, hint=incoming.locale_hint)

    async def _handle_all(self, session: AsyncSession, batch: Sequence[Incoming]) -> list[Answer]:
        """Answer messages in order within one transaction: their conversations read before the
        first is answered (two round trips for all), their states written after the last (one)."""
        now = self.clock()
        senders = [(i.channel, i.address, i.display_name) for i in batch]
        conversations = await open_conversations(session, senders, now)
        answers, kept = [], []
        for incoming, (identity, state) in zip(batch, conversations, strict=True):
            answer = await self._handle(session, incoming, identity, state, now)
            answers.append(answer)
            if answer.identity_id is not None:
                kept.append(state)
        await save_states(session, kept, now)
        return answers

    async def _handle(
        self,
        session: AsyncSession,
        incoming: Incoming,
        identity: ChannelIdentity,
        state: ConversationState,
        now: datetime,
    ) -> Answer:
        """Answer one message; its state is left for the caller to save, with the menu offered."""
        locale = reply_locale(
            identity.person.locale, self.config.default_locale, hint=incoming.locale_hint
        )
        ctx = Ctx(
            incoming, session, identity, state, self.config, now, Translator(locale), self.routes
        )
        try:
            replies = await self._dispatch(ctx)
        except Refused:
            replies = [Reply(ctx.t("admin.refused"))]
        if inspect(identity).deleted or inspect(identity).was_deleted:
            # The person asked to be forgotten: keep no state either.
            return Answer(replies, ctx.t.locale)
        offered = [button for reply in replies for button in reply.options()]
        state.menu = [[button.label, button.payload] for button in offered]
        return Answer(replies, ctx.t.locale, identity.id)

    async def _dispatch(self, ctx: Ctx) -> list[Reply]:
        if resumed := self.routes.renamed.get(ctx.state.step or ""):
            ctx.state.step = resumed(ctx).value
        text = ctx.text
        if is_opt_out(text):
            return await opt_out(ctx)
        if text.startswith("/"):
            return await self._command(ctx, text)
        payload = ctx.incoming.payload or self._chosen(ctx, text)
        if payload:
            return await self._button(ctx, payload)
        step = self.routes.steps.get(ctx.state.step or "")
        sent = ctx.incoming.file or ctx.incoming.media
        if sent and step is not None and ctx.state.step in self.routes.file_steps:
            return await step(ctx)
        if ctx.incoming.media and not text:
            return [media_answer(ctx, ctx.incoming.media)]
        if step is not None and (text or ctx.incoming.contact_phone):
            return await step(ctx)
        if reask := self.routes.reasks.get(ctx.state.step or ""):
            return await reask(ctx)  # a blank message (spaces, direction marks): asked again
        if ctx.incoming.contact_phone and self.routes.contact is not None:
            return await self.routes.contact(ctx)
        return await fallback(ctx)

    async def _command(self, ctx: Ctx, text: str) -> list[Reply]:
        name, _, args = text[1:].partition(" ")
        handler: Handler | None = self.routes.commands.get(name.split("@")[0].lower())
        if handler is None:
            return [Reply(ctx.t("error.unknown_command", command=text.split()[0][:32]))]
        ctx.args = clean_text(args)
        return await handler(ctx)

    def _chosen(self, ctx: Ctx, text: str) -> str | None:
        """Map a typed option number or label to the payload of the buttons last offered."""
        starts = (ctx.state.step or "") not in self.routes.whole_labels
        return choose(text, ctx.state.menu or [], starts=starts)

    async def _button(self, ctx: Ctx, payload: str) -> list[Reply]:
        try:
            data = unpack(payload, self.routes.kinds)
        except InvalidPayload:
            prefix = payload.partition(":")[0]
            if (gate := self.routes.gated.get(prefix)) is not None:
                await gate(ctx, prefix, payload)  # someone without the role: Refused, audited
            return await stale(ctx)
        handler = self.routes.callbacks.get(type(data))
        if handler is None:
            return await stale(ctx)
        try:
            return await handler(ctx, data)
        except Stale:
            return await stale(ctx)


def routes(features: Iterable[Router]) -> Router:
    """One router with the given features and the core, their menu items in this order."""
    built = Router("bot")
    for feature in (*features, *CORE):
        built.include_router(feature)
    return built


async def made_files(answer: Answer) -> Answer:
    """Make the files the conversation left for after its commit (Attachment.later)."""
    for reply in answer.replies:
        if any(file.later is not None for file in reply.attachments):
            reply.attachments = [await _made(file) for file in reply.attachments]
    return answer


async def _made(file: Attachment) -> Attachment:
    if file.later is None:
        return file
    # In a thread: the event loop goes on acknowledging and answering meanwhile.
    data = await asyncio.to_thread(file.later)
    return dataclasses.replace(file, data=data, later=None)
