"""/broadcast: send a composed broadcast now or at a typed time, have a large national one
approved by a second coordinator, and cancel one that is running or waiting for its time.
Copies are planned into the outbox by scheduler.broadcasts once a broadcast is APPROVED and
its time has come."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.coordinators.broadcast_compose import edit, start
from handlers.coordinators.broadcast_flow import (
    Act,
    BroadcastAct,
    BroadcastReview,
    BroadcastStep,
    Scheduling,
)
from handlers.coordinators.broadcast_image import image_of, keep_image
from handlers.coordinators.broadcast_message import describe, message
from handlers.coordinators.broadcast_scheduled import scheduled
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.router import Refused, Stale
from handlers.core.types import Button, Reply, reply_to_payload
from handlers.inputs.date_input import Problem, read_moment
from locales import Translator, reply_locale
from locales.dates import format_date_time, local
from models.audit import audit
from models.broadcast_audience import count_recipients, reach_of, reviewers
from models.broadcasts import RUNNING, Broadcast, BroadcastStatus, cancel, move, tally
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import Person
from models.roles import Authority

coordinator = CoordinatorRouter("broadcast")

EDITS = {
    Act.EDIT: BroadcastStep.COMPOSE,
    Act.EDIT_EN: BroadcastStep.ENGLISH,
    Act.IMAGE: BroadcastStep.IMAGE,
}
"""The preview's buttons that change the draft, and the step each asks at."""


@coordinator.command("broadcast")
async def broadcast_command(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Start composing; `/broadcast list` shows what waits to go; `/broadcast cancel` stops this
    coordinator's running broadcast."""
    asked = ctx.args.casefold()
    if asked in ("list", "רשימה"):
        ctx.end()
        return await scheduled(ctx, authority)
    if asked not in ("cancel", "ביטול"):
        return await start(ctx)
    running = await ctx.session.scalar(
        select(Broadcast)
        .where(Broadcast.author_id == ctx.person.id, Broadcast.status.in_(RUNNING))
        .order_by(Broadcast.id.desc())
        .limit(1)
    )
    if running is None:
        return [Reply(ctx.t("broadcast.nothing_running"))]
    return await _stop(ctx, running)


async def _mine(ctx: Ctx, authority: Authority, act: BroadcastAct) -> Broadcast:
    """The broadcast a button names, if this coordinator wrote it (national ones may stop any)."""
    broadcast = await ctx.session.get(Broadcast, act.broadcast_id)
    if broadcast is None:
        raise Stale(act.broadcast_id)
    if broadcast.author_id != ctx.person.id and not (act.act == Act.STOP and authority.national):
        target = f"broadcast:{broadcast.id}"
        await audit(
            ctx.session,
            ctx.person.id,
            f"broadcast.{act.act}",
            target,
            allowed=False,
            reason="not_author",
        )
        raise Refused(act.act)
    return broadcast


@coordinator.callback(BroadcastAct)
async def act_on(ctx: Ctx, authority: Authority, act: BroadcastAct) -> list[Reply]:
    """Send, schedule, edit, discard or stop a broadcast, as its button says."""
    broadcast = await _mine(ctx, authority, act)
    if act.act == Act.STOP:
        return await _stop(ctx, broadcast)
    if broadcast.status != BroadcastStatus.DRAFT:
        raise Stale(broadcast.status)
    if act.act in EDITS:
        return await edit(ctx, broadcast, EDITS[act.act])
    ctx.end()
    if act.act == Act.DISCARD:
        draft, discarded = BroadcastStatus.DRAFT, BroadcastStatus.CANCELLED
        if not await move(ctx.session, broadcast, draft, discarded, finished_at=ctx.now):
            raise Stale(broadcast.id)
        await audit(ctx.session, ctx.person.id, "broadcast.discard", f"broadcast:{broadcast.id}")
        return [Reply(ctx.t("broadcast.discarded"))]
    if act.act == Act.LATER:
        ctx.goto(BroadcastStep.WHEN, Scheduling(draft=broadcast.id))
        return [Reply(ctx.t("broadcast.ask_when", example=_example(ctx)))]
    return await _send(ctx, authority, broadcast)


def _example(ctx: Ctx) -> str:
    """Tomorrow at nine, typed the way we ask for it."""
    return f"{local(ctx.now + timedelta(days=1), ctx.config.timezone):%d/%m/%Y} 09:00"


@coordinator.reask(BroadcastStep.WHEN)
async def ask_when_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Ask for the time again (after a change of language)."""
    return [Reply(ctx.t("broadcast.ask_when", example=_example(ctx)))]


@coordinator.step(BroadcastStep.WHEN)
async def when(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Read a future time the Israeli way, then send the draft at that time."""
    broadcast = await ctx.session.get(Broadcast, ctx.flow(Scheduling).draft)
    if broadcast is None or broadcast.status != BroadcastStatus.DRAFT:
        ctx.end()
        raise Stale("no draft")
    at = read_moment(ctx.text[:100], ctx.now, ctx.config.timezone)
    if isinstance(at, Problem):
        problem = ctx.t(at.key, **at.values)
        return [Reply(ctx.t("broadcast.bad_when", problem=problem, example=_example(ctx)))]
    if at <= ctx.now:
        shown = format_date_time(at, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t("broadcast.past_when", when=shown, example=_example(ctx)))]
    ctx.end()
    broadcast.send_at = at
    await keep_image(ctx.session, broadcast.image, at)
    return await _send(ctx, authority, broadcast)


async def _send(ctx: Ctx, authority: Authority, broadcast: Broadcast) -> list[Reply]:
    """Approve the draft (at once, or through a second national coordinator)."""
    reach = reach_of(authority)
    if broadcast.reach != reach:
        # The author's role changed since the preview: what it promised no longer holds.
        broadcast.reach = reach
        raise Stale("reach")
    count = await count_recipients(ctx.session, broadcast)
    if not count:
        raise Stale("nobody")
    if authority.national and count > ctx.config.broadcast_approval_threshold:
        return await _ask_approval(ctx, broadcast, count)
    if not await move(ctx.session, broadcast, BroadcastStatus.DRAFT, BroadcastStatus.APPROVED):
        raise Stale(broadcast.id)
    await audit(
        ctx.session,
        ctx.person.id,
        "broadcast.send",
        f"broadcast:{broadcast.id}",
        audience=broadcast.audience,
        recipients=count,
        send_at=broadcast.send_at.isoformat() if broadcast.send_at else None,
    )
    if broadcast.send_at is not None:
        at = format_date_time(broadcast.send_at, ctx.locale, ctx.config.timezone)
        return [Reply(ctx.t.n("broadcast.scheduled", count, when=at))]
    return [Reply(ctx.t.n("broadcast.confirmed", count))]


async def _ask_approval(ctx: Ctx, broadcast: Broadcast, count: int) -> list[Reply]:
    """Send a large national broadcast, with its photo, to every other national coordinator
    for approval."""
    others = await reviewers(ctx.session, ctx.config.admin_addresses, ctx.person.id)
    if not others:
        return [Reply(ctx.t.n("broadcast.no_reviewer", ctx.config.broadcast_approval_threshold))]
    waiting = BroadcastStatus.AWAITING_APPROVAL
    if not await move(ctx.session, broadcast, BroadcastStatus.DRAFT, waiting):
        raise Stale(broadcast.id)
    target = f"broadcast:{broadcast.id}"
    await audit(ctx.session, ctx.person.id, "broadcast.submit", target, recipients=count)
    image = await image_of(ctx.session, broadcast.image, ctx.now, loaded=False)
    for person_id, identity_id, locale in others:
        t = Translator(reply_locale(locale, ctx.config.default_locale))
        request = t.n(
            "broadcast.review.request",
            count,
            author=_who(ctx, t),
            audience=await describe(ctx.session, t, broadcast),
            sample=message(t.locale, broadcast).text,
        )
        buttons = [
            [Button(t("broadcast.review.approve"), BroadcastReview(broadcast.id, True).pack())],
            [Button(t("broadcast.review.reject"), BroadcastReview(broadcast.id, False).pack())],
        ]
        await enqueue(
            ctx.session,
            to_one(identity_id, f"bcr:{broadcast.id}:{person_id}"),
            OutboxKind.BROADCAST_NOTE,
            reply_to_payload(Reply(request, buttons, attachments=[image] if image else [])),
            priority=Priority.INTERACTIVE,
            not_before=ctx.now,
        )
    threshold = ctx.config.broadcast_approval_threshold
    return [Reply(ctx.t.n("broadcast.awaiting", count, threshold=threshold))]


def _who(ctx: Ctx, t: Translator) -> str:
    """How another coordinator knows this one: their name, else their chat's name, else their
    number here; never a channel address (a phone, or `console:boss`)."""
    return (
        ctx.person.name
        or ctx.identity.display_name
        or t("broadcast.review.unnamed", id=ctx.person.id)
    )


async def _stop(ctx: Ctx, broadcast: Broadcast) -> list[Reply]:
    """Cancel a running broadcast: what is queued is skipped, what went out is counted."""
    if not await cancel(ctx.session, broadcast):
        return [Reply(ctx.t("broadcast.not_running"))]
    if not broadcast.recipients:
        broadcast.finished_at = ctx.now  # never planned: there is nothing to report on
    counts = await tally(ctx.session, broadcast.id)
    target = f"broadcast:{broadcast.id}"
    await audit(ctx.session, ctx.person.id, "broadcast.cancel", target, withheld=counts.withheld)
    return [Reply(ctx.t("broadcast.cancelled", sent=counts.sent, withheld=counts.withheld))]


@coordinator.callback(BroadcastReview)
async def review(ctx: Ctx, authority: Authority, choice: BroadcastReview) -> list[Reply]:
    """A second national coordinator approves or rejects; the author never reviews their own."""
    broadcast = await ctx.session.get(Broadcast, choice.broadcast_id)
    if broadcast is None or broadcast.status != BroadcastStatus.AWAITING_APPROVAL:
        raise Stale(choice.broadcast_id)
    target = f"broadcast:{broadcast.id}"
    if not authority.national or broadcast.author_id == ctx.person.id:
        reason = "own_broadcast" if authority.national else "not_national"
        await audit(
            ctx.session, ctx.person.id, "broadcast.review", target, allowed=False, reason=reason
        )
        return [Reply(ctx.t(f"broadcast.review.{reason}"))]
    verdict = BroadcastStatus.APPROVED if choice.approve else BroadcastStatus.REJECTED
    if not await move(
        ctx.session,
        broadcast,
        BroadcastStatus.AWAITING_APPROVAL,
        verdict,
        reviewed_by=ctx.person.id,
    ):
        raise Stale(choice.broadcast_id)
    await audit(ctx.session, ctx.person.id, f"broadcast.{verdict}", target)
    if broadcast.author_identity_id is not None:
        author = await ctx.session.get(Person, broadcast.author_id) if broadcast.author_id else None
        t = Translator(reply_locale(author.locale if author else None, ctx.config.default_locale))
        note = t(f"broadcast.review.told_{verdict}", reviewer=_who(ctx, t))
        await enqueue(
            ctx.session,
            to_one(broadcast.author_identity_id, f"bcr:{broadcast.id}:verdict"),
            OutboxKind.BROADCAST_NOTE,
            reply_to_payload(Reply(note)),
            priority=Priority.INTERACTIVE,
            not_before=ctx.now,
        )
    return [Reply(ctx.t(f"broadcast.review.done_{verdict}"))]
