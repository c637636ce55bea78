"""Writing in an inbox thread: an answer, delivered to the person on the channel they asked
from through the outbox (on WhatsApp outside the 24-hour window: the notice template, then the
answer in full when they reply), or an internal note only coordinators see.

InboxWrite → ANSWER, or NOTE when it is a note's button
ANSWER  a text → delivered to the person and kept in the thread (flow ends)
NOTE    a text → kept in the thread for the team (flow ends)
        (empty or too long: asked again)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.inbox import InboxWrite, thread_card, thread_in_reach
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.types import Reply, reply_to_payload
from handlers.people.ask_reply import reply_button
from locales import Translator
from models.audience import reachable_identity
from models.audit import audit
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import ChannelIdentity, IdentityStatus, Person
from models.questions import MAX_TEXT, Author, Thread, ThreadStatus, add_message, first_words
from models.roles import Authority

coordinator = CoordinatorRouter("inbox_reply")

QUOTE = 120


class InboxStep(StrEnum):
    """The coordinator is typing an ANSWER for the person, or a NOTE for the team."""

    ANSWER = "inbox.answer"
    NOTE = "inbox.note"


@dataclass(frozen=True)
class Writing(FlowData):
    """The thread written in."""

    thread_id: int = 0


@coordinator.callback(InboxWrite)
async def start_writing(ctx: Ctx, authority: Authority, choice: InboxWrite) -> list[Reply]:
    """Ask for the answer (saying where it will go) or the note."""
    thread = await thread_in_reach(ctx, authority, choice.thread_id, "inbox.write")
    if choice.note:
        ctx.goto(InboxStep.NOTE, Writing(thread.id))
        return [Reply(ctx.t("inbox.note_prompt", id=thread.id))]
    ctx.goto(InboxStep.ANSWER, Writing(thread.id))
    channel = await _channel(ctx.session, thread)
    return [Reply(ctx.t("inbox.answer_prompt", id=thread.id, channel=channel or "—"))]


@coordinator.step(InboxStep.ANSWER)
async def typed_answer(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Send the answer to the person and keep it in the thread."""
    thread = await thread_in_reach(ctx, authority, ctx.flow(Writing).thread_id, "inbox.answer")
    text = ctx.text.strip()
    if not text or len(text) > MAX_TEXT:
        return [Reply(ctx.t("inbox.bad_text", limit=MAX_TEXT))]
    ctx.end()
    message = await add_message(
        ctx.session, thread, Author.TEAM, authority.person_id, text, ctx.now
    )
    thread.claimed_by = thread.claimed_by or authority.person_id
    thread.first_answer_at = thread.first_answer_at or ctx.now
    if thread.status != ThreadStatus.DONE:
        thread.status = ThreadStatus.ANSWERED
    delivered = await deliver_answer(ctx.session, thread, text, message.id, ctx.now)
    await audit(
        ctx.session,
        authority.person_id,
        "inbox.answer",
        f"thread:{thread.id}",
        queued=delivered,
    )
    intro = ctx.t("inbox.answer_sent" if delivered else "inbox.answer_unreachable")
    return [await thread_card(ctx, thread, intro)]


@coordinator.step(InboxStep.NOTE)
async def typed_note(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Keep a note in the thread for the team; the person never sees it."""
    thread = await thread_in_reach(ctx, authority, ctx.flow(Writing).thread_id, "inbox.note")
    text = ctx.text.strip()
    if not text or len(text) > MAX_TEXT:
        return [Reply(ctx.t("inbox.bad_text", limit=MAX_TEXT))]
    ctx.end()
    await add_message(ctx.session, thread, Author.NOTE, authority.person_id, text, ctx.now)
    await audit(ctx.session, authority.person_id, "inbox.note", f"thread:{thread.id}")
    return [await thread_card(ctx, thread, ctx.t("inbox.note_saved"))]


async def _recipient(session: AsyncSession, thread: Thread) -> int | None:
    """The chat the question came from while it can be written to, else the person's
    most recently used one."""
    if thread.identity_id is not None:
        found = await session.scalar(
            select(ChannelIdentity.id).where(
                ChannelIdentity.id == thread.identity_id,
                ChannelIdentity.status == IdentityStatus.ACTIVE,
            )
        )
        if found is not None:
            return found
    if thread.person_id is None:
        return None
    return await session.scalar(
        select(reachable_identity(Person.id)).where(Person.id == thread.person_id)
    )


async def _channel(session: AsyncSession, thread: Thread) -> str | None:
    identity_id = await _recipient(session, thread)
    if identity_id is None:
        return None
    return await session.scalar(
        select(ChannelIdentity.channel).where(ChannelIdentity.id == identity_id)
    )


async def deliver_answer(
    session: AsyncSession, thread: Thread, text: str, message_id: int, now: datetime
) -> bool:
    """Queue the answer for the person, in their language, with a button to reply; False when
    they can no longer be reached."""
    identity_id = await _recipient(session, thread)
    if identity_id is None:
        return False
    t = Translator(thread.locale)
    question = await first_words(session, thread.id)
    question = question if len(question) <= QUOTE else question[: QUOTE - 1] + "…"
    reply = Reply(
        t("team.answer", question=question, answer=text), buttons=[[reply_button(t, thread.id)]]
    )
    await enqueue(
        session,
        to_one(identity_id, f"{OutboxKind.TEAM_ANSWER}:{message_id}"),
        OutboxKind.TEAM_ANSWER,
        reply_to_payload(reply),
        priority=Priority.INTERACTIVE,
        not_before=now,
    )
    return True
