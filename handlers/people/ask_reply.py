"""The person's side of a thread after the team answered: replying to the answer, and free
text the bot cannot place, offered to the team (as a reply when an answer awaits one).

(unplaced text) → CHOOSE (handlers.people.ask): the catalogue's answers, or the offer to send
                  it (AskSend), or to add it to the thread the team answered (AskReply now)
AskReply         → REPLY; AskReply(now) at CHOOSE → the text just typed added (flow ends)
REPLY  a reply   → added to the thread, back to the team (flow ends)
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.menu import main_menu, not_understood
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.people.ask import MAX_QUESTION, Asking, AskSend, AskStep, faq_reply
from locales import Translator
from models.faq import find_answers
from models.questions import (
    Thread,
    ThreadStatus,
    awaiting_reply,
    first_words,
    headline,
    open_threads_of,
    person_replied,
)

router = Router("ask_reply")


@dataclass(frozen=True)
class AskReply(CallbackData, prefix="qr"):
    """Reply to the team's answer in a thread: first press asks for the text; `now` sends
    the text already kept in the flow."""

    thread_id: int
    now: bool = False


@dataclass(frozen=True)
class Replying(FlowData):
    """The thread the person is replying in."""

    thread_id: int = 0


async def _theirs(ctx: Ctx, thread_id: int) -> Thread:
    """The person's own thread, or Stale."""
    thread = await ctx.session.get(Thread, thread_id)
    if thread is None or thread.person_id != ctx.person.id:
        raise Stale(thread_id)
    return thread


def reply_button(t: Translator, thread_id: int) -> Button:
    """The button under the team's answer, in the person's language."""
    return Button(t("ask.reply"), AskReply(thread_id).pack())


async def reply_offer(ctx: Ctx, thread: Thread) -> Reply:
    """Offer to add the text just typed to the thread the team answered last, or the menu."""
    words = (await first_words(ctx.session, thread.id))[:80]
    buttons = [
        [Button(ctx.t("ask.as_reply"), AskReply(thread.id, now=True).pack())],
        [Button(ctx.t("ask.as_new"), AskSend().pack())],
        *main_menu(ctx).buttons,
    ]
    return Reply(ctx.t("ask.reply_offer", question=words), buttons=buttons)


@router.callback(AskReply)
async def start_reply(ctx: Ctx, choice: AskReply) -> list[Reply]:
    """Reply to the team: ask for the words, or send those just typed."""
    thread = await _theirs(ctx, choice.thread_id)
    # `now` comes with the offer for text just typed, kept while the offer waits at CHOOSE.
    text = ctx.flow(Asking).text if ctx.state.step == AskStep.CHOOSE else None
    if choice.now and text:
        return await _send_reply(ctx, thread, text)
    ctx.goto(AskStep.REPLY, Replying(thread.id))
    return [Reply(ctx.t("ask.reply_prompt"))]


@router.step(AskStep.REPLY)
async def typed_reply(ctx: Ctx) -> list[Reply]:
    """The person's reply goes into the same thread, back to the team."""
    thread = await _theirs(ctx, ctx.flow(Replying).thread_id)
    text = " ".join(ctx.text.split())
    if not any(ch.isalpha() for ch in text):
        return [Reply(ctx.t("ask.need_words"))]
    if len(text) > MAX_QUESTION:
        return [Reply(ctx.t("ask.too_long", limit=MAX_QUESTION))]
    return await _send_reply(ctx, thread, text)


async def _send_reply(ctx: Ctx, thread: Thread, text: str) -> list[Reply]:
    await person_replied(ctx.session, thread, text, ctx.now)
    thread.pushed_at = None  # the team is told again
    ctx.end()
    return [Reply(ctx.t("ask.reply_sent")), main_menu(ctx)]


async def with_open_questions(ctx: Ctx, reply: Reply) -> Reply:
    """/my's reply with the person's questions and leads the team has not closed added (one
    message, so the numbers of its options run on)."""
    threads = await open_threads_of(ctx.session, ctx.person.id)
    if not threads:
        return reply
    lines = [reply.text, "", ctx.t("my.questions")]
    buttons = list(reply.buttons)
    for thread in threads:
        words = (await headline(ctx.session, thread, ctx.locale))[:80]
        state = "answered" if thread.status == ThreadStatus.ANSWERED else "waiting"
        lines.append(ctx.t(f"my.question.{state}", id=thread.id, words=words))
        if thread.status == ThreadStatus.ANSWERED:
            buttons.append(
                [Button(ctx.t("my.question.reply", id=thread.id), AskReply(thread.id).pack())]
            )
    return Reply("\n".join(lines), buttons=buttons)


@router.unplaced_text
async def offer_to_send(ctx: Ctx) -> list[Reply]:
    """Free text we cannot place: the catalogue's answers if any fit, else the offer to send
    it to the team (as a reply when the team's last answer is waiting for one)."""
    text = " ".join(ctx.text.split())
    if not (3 <= len(text) <= MAX_QUESTION and any(ch.isalpha() for ch in text)):
        return not_understood(ctx)
    ctx.goto(AskStep.CHOOSE, Asking(about="x", text=text))
    if found := await find_answers(ctx.session, text):
        return [faq_reply(ctx, found, text)]
    thread = await awaiting_reply(ctx.session, ctx.person.id)
    if thread is not None and thread.status == ThreadStatus.ANSWERED:
        return [await reply_offer(ctx, thread)]
    send = [Button(ctx.t("ask.offer_yes"), AskSend().pack())]
    return [Reply(ctx.t("ask.offer"), buttons=[send, *main_menu(ctx).buttons])]
