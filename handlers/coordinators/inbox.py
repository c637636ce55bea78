"""/inbox: the response team's open questions and leads within the coordinator's reach, oldest
first, a page at a time; one item's thread, and claiming it, marking it done or handing it over.
Answering and notes are in inbox_reply; every action is audited, and so is every refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.coordinators.coordinator import CoordinatorRouter, require_reach
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.pages import Page, navigation, window
from handlers.core.router import Stale
from handlers.core.types import Button, Reply
from locales.dates import format_date_time
from models.audit import audit
from models.catalog import Event, Track
from models.discovery import REGION, option_label, questionnaire
from models.localized import localized
from models.people import ChannelIdentity, Person
from models.questions import (
    Author,
    Thread,
    ThreadKind,
    ThreadStatus,
    add_message,
    headline,
    messages,
)
from models.registrations import Lead
from models.roles import Authority
from models.team_routing import covering, inbox_counts, inbox_page, inbox_total

coordinator = CoordinatorRouter("inbox")

PAGE_SIZE = 8
SNIPPET = 40


@dataclass(frozen=True)
class InboxList(CallbackData, prefix="ibl"):
    page: int = 0


@dataclass(frozen=True)
class InboxOpen(CallbackData, prefix="ibo"):
    thread_id: int


@dataclass(frozen=True)
class InboxAct(CallbackData, prefix="iba"):
    """c: claim, d: done, h: choose whom to hand it to."""

    thread_id: int
    act: str


@dataclass(frozen=True)
class InboxWrite(CallbackData, prefix="ibw"):
    """Type an answer for the person, or (`note`) a note only coordinators see (inbox_reply)."""

    thread_id: int
    note: bool = False


@dataclass(frozen=True)
class InboxHand(CallbackData, prefix="ibh"):
    thread_id: int
    to: int


@dataclass(frozen=True)
class InboxExport(CallbackData, prefix="ibx"):
    """Questions or leads (`kind`) within reach as XLSX, or CSV where the channel takes it."""

    kind: str
    csv: bool = False


async def thread_in_reach(ctx: Ctx, authority: Authority, thread_id: int, action: str) -> Thread:
    """The thread, or Stale when gone; Refused (audited) when outside the coordinator's reach."""
    thread = await ctx.session.get(Thread, thread_id)
    if thread is None:
        raise Stale(thread_id)
    track = await ctx.session.get(Track, thread.track_id) if thread.track_id else None
    await require_reach(
        ctx,
        authority,
        action,
        f"thread:{thread.id}",
        region=thread.region,
        track=track.slug if track else None,
    )
    return thread


@coordinator.command("inbox")
async def inbox_command(ctx: Ctx, authority: Authority) -> list[Reply]:
    """The first page of the inbox."""
    ctx.end()
    return await show_page(ctx, authority, InboxList())


@coordinator.callback(InboxList)
async def show_page(ctx: Ctx, authority: Authority, choice: InboxList) -> list[Reply]:
    """Counts, then a page of items: waiting longest first, answered ones after."""
    counts = await inbox_counts(ctx.session, authority)
    total = await inbox_total(ctx.session, authority)
    number, count, start = window(total, choice.page, PAGE_SIZE)
    threads = await inbox_page(ctx.session, authority, start, PAGE_SIZE)
    head = ctx.t(
        "inbox.title",
        questions=counts[ThreadKind.QUESTION],
        leads=counts[ThreadKind.LEAD],
    )
    await audit(ctx.session, authority.person_id, "inbox.view", None, page=number)
    if not threads:
        return [Reply(f"{head}\n\n{ctx.t('inbox.empty')}")]
    buttons = [
        [Button(await _label(ctx, thread), InboxOpen(thread.id).pack())] for thread in threads
    ]
    nav = navigation(ctx, Page(threads, number, count), lambda page: InboxList(page))
    if nav:
        buttons.append(nav)
    return [Reply(head, buttons=buttons)]


async def _label(ctx: Ctx, thread: Thread) -> str:
    icon = "🙋" if thread.kind == ThreadKind.LEAD else "❓"
    mark = "✅ " if thread.status == ThreadStatus.ANSWERED else ""
    words = await headline(ctx.session, thread, ctx.locale) or await _subject(ctx, thread)
    words = words if len(words) <= SNIPPET else words[: SNIPPET - 1] + "…"
    return f"{mark}{icon} #{thread.id} · {_age(ctx, thread.waiting_since)} · {words}"


def _age(ctx: Ctx, since: datetime) -> str:
    hours = int((ctx.now - since).total_seconds() // 3600)
    return (
        ctx.t("inbox.age.days", days=hours // 24)
        if hours >= 24
        else ctx.t("inbox.age.hours", hours=hours)
    )


async def _subject(ctx: Ctx, thread: Thread) -> str:
    """What the thread is about: its event, else its track, else nothing."""
    if thread.event_id and (event := await ctx.session.get(Event, thread.event_id)):
        return localized(event.content, "title", ctx.locale)
    if thread.track_id and (track := await ctx.session.get(Track, thread.track_id)):
        return localized(track.content, "title", ctx.locale)
    return ""


async def _name(ctx: Ctx, person_id: int | None) -> str:
    """A person's name, else the name their chat shows, else their number with us."""
    if person_id is None:
        return "—"
    person = await ctx.session.get(Person, person_id)
    shown = await ctx.session.scalar(
        select(ChannelIdentity.display_name)
        .where(ChannelIdentity.person_id == person_id, ChannelIdentity.display_name.is_not(None))
        .limit(1)
    )
    return (person.name if person else None) or shown or f"#{person_id}"


@coordinator.callback(InboxOpen)
async def show_thread(ctx: Ctx, authority: Authority, choice: InboxOpen) -> list[Reply]:
    """One item: who, where from, what was said, and what can be done."""
    thread = await thread_in_reach(ctx, authority, choice.thread_id, "inbox.open")
    await audit(ctx.session, authority.person_id, "inbox.open", f"thread:{thread.id}")
    return [await thread_card(ctx, thread)]


async def thread_card(ctx: Ctx, thread: Thread, intro: str | None = None) -> Reply:
    region = (
        option_label(await questionnaire(ctx.session), REGION, thread.region, ctx.locale)
        if thread.region
        else "—"
    )
    lines = [intro] if intro else []
    lines.append(
        ctx.t(
            f"inbox.card.{thread.kind}",
            id=thread.id,
            status=ctx.t(f"inbox.status.{thread.status}"),
            name=await _name(ctx, thread.person_id),
            region=region,
            subject=await _subject(ctx, thread) or "—",
            language=thread.locale,
            holder=await _name(ctx, thread.claimed_by) if thread.claimed_by else "—",
        )
    )
    if thread.lead_id and (lead := await ctx.session.get(Lead, thread.lead_id)):
        verified = ctx.t("inbox.lead.verified" if lead.phone_verified else "inbox.lead.typed")
        lines.append(ctx.t("inbox.lead.contact", phone=lead.phone or "—", verified=verified))
    for message in await messages(ctx.session, thread.id):
        when = format_date_time(message.created_at, ctx.locale, ctx.config.timezone)
        lines.append(ctx.t(f"inbox.message.{message.author}", when=when, text=message.text or "—"))
    buttons = [
        [Button(ctx.t("inbox.answer"), InboxWrite(thread.id).pack())],
        [Button(ctx.t("inbox.note"), InboxWrite(thread.id, note=True).pack())],
    ]
    if thread.status != ThreadStatus.DONE:
        if thread.claimed_by != ctx.person.id:  # another's item may be taken over
            buttons.insert(0, [Button(ctx.t("inbox.claim"), InboxAct(thread.id, "c").pack())])
        buttons.append([Button(ctx.t("inbox.hand"), InboxAct(thread.id, "h").pack())])
        buttons.append([Button(ctx.t("inbox.done"), InboxAct(thread.id, "d").pack())])
    buttons.append([Button(ctx.t("inbox.back"), InboxList().pack())])
    return Reply("\n\n".join(lines)[:4000], buttons=buttons)


@coordinator.callback(InboxAct)
async def act(ctx: Ctx, authority: Authority, choice: InboxAct) -> list[Reply]:
    """Claim, mark done or list whom to hand to."""
    thread = await thread_in_reach(ctx, authority, choice.thread_id, f"inbox.{choice.act}")
    if choice.act == "c":
        thread.claimed_by = authority.person_id
        if thread.status == ThreadStatus.OPEN:
            thread.status = ThreadStatus.CLAIMED
        await audit(ctx.session, authority.person_id, "inbox.claim", f"thread:{thread.id}")
        return [await thread_card(ctx, thread, ctx.t("inbox.claimed"))]
    if choice.act == "d":
        thread.status, thread.done_at = ThreadStatus.DONE, ctx.now
        await audit(ctx.session, authority.person_id, "inbox.done", f"thread:{thread.id}")
        return [
            Reply(ctx.t("inbox.marked_done", id=thread.id)),
            *await show_page(ctx, authority, InboxList()),
        ]
    if choice.act == "h":
        others = [
            a.person_id
            for a in await covering(ctx.session, thread, ctx.config.admin_addresses)
            if a.person_id != authority.person_id
        ]
        if not others:
            return [await thread_card(ctx, thread, ctx.t("inbox.nobody_to_hand"))]
        buttons = [
            [Button(await _name(ctx, other), InboxHand(thread.id, other).pack())]
            for other in others
        ]
        buttons.append([Button(ctx.t("inbox.back"), InboxOpen(thread.id).pack())])
        return [Reply(ctx.t("inbox.hand_to", id=thread.id), buttons=buttons)]
    raise Stale(choice.act)


@coordinator.callback(InboxHand)
async def hand(ctx: Ctx, authority: Authority, choice: InboxHand) -> list[Reply]:
    """Hand the item to another coordinator who can reach it; they are told."""
    thread = await thread_in_reach(ctx, authority, choice.thread_id, "inbox.hand")
    reach = await covering(ctx.session, thread, ctx.config.admin_addresses)
    if choice.to not in {a.person_id for a in reach}:
        raise Stale(choice.to)
    thread.claimed_by = choice.to
    if thread.status == ThreadStatus.OPEN:
        thread.status = ThreadStatus.CLAIMED
    thread.pushed_at = None  # the new holder is told (scheduler.team)
    name = await _name(ctx, choice.to)
    await add_message(ctx.session, thread, Author.HANDOFF, authority.person_id, name, ctx.now)
    await audit(ctx.session, authority.person_id, "inbox.hand", f"thread:{thread.id}", to=choice.to)
    return [await thread_card(ctx, thread, ctx.t("inbox.handed", name=name))]
