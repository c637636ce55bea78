"""Choosing a broadcast's audience: a kind, then one of its values a page at a time (or found by
typing part of its name), or a combined audience built filter by filter. Every value comes from
and is checked by its kind's object (models.audience_kinds): a forged button outside the
coordinator's reach is refused and audited."""

from __future__ import annotations

from dataclasses import replace

from handlers.coordinators.broadcast_flow import (
    AudienceChoice,
    AudienceMenu,
    BroadcastStep,
    Drafting,
    FilterDone,
    FilterPick,
)
from handlers.coordinators.broadcast_preview import preview
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.pages import Page, navigation, page_of
from handlers.core.public_links import event_path, public_url
from handlers.core.router import Refused, Stale
from handlers.core.types import Button, Reply
from handlers.inputs.name_search import closest
from models.audience_base import Choice, Kind
from models.audience_kinds import KINDS
from models.audience_places import FILTERS, pack_filters
from models.audit import audit
from models.broadcast_audience import count_recipients, reach_of
from models.broadcasts import AudienceKind, Broadcast, BroadcastStatus
from models.catalog import Event
from models.roles import Authority, RoleScope

coordinator = CoordinatorRouter("broadcast_pick")

PAGE = 8
"""Values per page: the 17th upcoming event is on the third."""


def kinds(ctx: Ctx) -> Reply:
    """The kinds of audience, as buttons."""
    buttons = [
        [Button(ctx.t(f"broadcast.kind.{kind.kind}"), AudienceMenu(kind.kind).pack())]
        for kind in KINDS.values()
        if kind.offered
    ]
    return Reply(ctx.t("broadcast.ask_audience"), buttons=buttons)


@coordinator.reask(BroadcastStep.AUDIENCE)
async def ask_again(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Offer the kinds of audience again (after a change of language)."""
    return [kinds(ctx)]


def _drafting(ctx: Ctx) -> Drafting:
    """The broadcast written so far; Stale when there is none (an old button)."""
    data = ctx.flow(Drafting)
    if data.text is None:
        raise Stale("no draft")
    return data


def _kind(name: str | None) -> Kind:
    try:
        return KINDS[AudienceKind(name or "")]
    except ValueError as exc:
        raise Stale(name) from exc


@coordinator.callback(AudienceMenu, step=BroadcastStep.AUDIENCE)
async def audience_menu(ctx: Ctx, authority: Authority, choice: AudienceMenu) -> list[Reply]:
    """List the kinds of audience, or a page of one kind's values within reach."""
    data = _drafting(ctx)
    if choice.kind is None:
        return [kinds(ctx)]
    kind = _kind(choice.kind)
    if kind.immediate:
        return await chosen(ctx, authority, AudienceChoice(kind.kind))
    if kind.combined:
        filters = data.filters if data.builder == kind.kind else {}
        data = replace(data, builder=kind.kind.value, filters=filters, menu=None)
        ctx.goto(BroadcastStep.AUDIENCE, data)
        return [await _builder(ctx, authority, data)]
    ctx.goto(BroadcastStep.AUDIENCE, replace(data, menu=kind.kind.value))
    found = await kind.choices(ctx.session, authority, ctx.t, ctx.now)
    return [_values(ctx, kind.kind, page_of(found, choice.page, PAGE))]


def _values(ctx: Ctx, kind: AudienceKind, page: Page[Choice]) -> Reply:
    buttons = [[Button(label, AudienceChoice(kind, value).pack())] for value, label in page.items]
    if nav := navigation(ctx, page, lambda n: AudienceMenu(kind, n)):
        buttons.append(nav)
    buttons.append([Button(ctx.t("broadcast.back"), AudienceMenu().pack())])
    key = "broadcast.pick" if page.items else "broadcast.pick_none"
    text = ctx.t(key, kind=ctx.t(f"broadcast.kind.{kind}"))
    if page.count > 1:
        text += "\n" + ctx.t("broadcast.search_hint")
    return Reply(text, buttons=buttons)


@coordinator.step(BroadcastStep.AUDIENCE)
async def typed_at_audience(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Find the values whose names come close to what was typed; else offer the buttons."""
    menu = ctx.flow(Drafting).menu or ""
    name = menu.removeprefix("filter:")
    if not ctx.text or not menu or (menu.startswith("filter:") and name not in FILTERS):
        return [Reply(ctx.t("broadcast.use_buttons")), kinds(ctx)]
    if menu.startswith("filter:"):
        found = await FILTERS[name].choices(ctx.session, authority, ctx.t, ctx.now)
        hits = closest(ctx.text, found)
        return [_filter_values(ctx, name, Page(hits[:PAGE], 0, 1))]
    kind = _kind(menu)
    found = await kind.choices(ctx.session, authority, ctx.t, ctx.now)
    return [_values(ctx, kind.kind, Page(closest(ctx.text, found)[:PAGE], 0, 1))]


@coordinator.callback(AudienceChoice, step=BroadcastStep.AUDIENCE)
async def chosen(ctx: Ctx, authority: Authority, choice: AudienceChoice) -> list[Reply]:
    """Check the audience is within reach, save the draft and preview it."""
    data = _drafting(ctx)
    kind = _kind(choice.kind)
    if kind.combined:
        raise Stale(kind.kind)
    await _check(ctx, authority, kind, choice.value)
    return await _draft(ctx, authority, data, kind, choice.value)


async def _check(ctx: Ctx, authority: Authority, kind: Kind, value: str | None) -> None:
    """Stale when the value names nothing; Refused (audited) when it lies beyond reach."""
    if await kind.allows(ctx.session, authority, value):
        return
    anyone = Authority(authority.person_id, RoleScope.NATIONAL)
    if not await kind.allows(ctx.session, anyone, value):
        raise Stale(f"{kind.kind}:{value}")
    target = f"{kind.kind}:{value or ''}"
    await audit(
        ctx.session,
        ctx.person.id,
        "broadcast.audience",
        target,
        allowed=False,
        reason="scope",
        kind=kind.kind.value,
        value=value,
    )
    raise Refused("broadcast.audience")


async def _draft(
    ctx: Ctx, authority: Authority, data: Drafting, kind: Kind, value: str | None
) -> list[Reply]:
    draft = Broadcast(
        author_id=ctx.person.id,
        author_identity_id=ctx.identity.id,
        text=data.text or "",
        text_en=data.text_en,
        link=data.link or await _event_page(ctx, kind, value),
        image=data.image,
        audience={"kind": kind.kind.value, "value": value},
        reach=reach_of(authority),
        status=BroadcastStatus.DRAFT,
        created_at=ctx.now,
    )
    ctx.session.add(draft)
    await ctx.session.flush()
    return await preview(ctx, draft)


async def _event_page(ctx: Ctx, kind: Kind, value: str | None) -> str | None:
    """A message to an event's people links to its public page, unless the coordinator gave a
    link of their own (nothing when the site has no address)."""
    if not kind.transactional or value is None or not value.isdigit():
        return None
    event = await ctx.session.get(Event, int(value))
    return public_url(ctx.config, event_path(event.slug)) if event else None


async def _builder(ctx: Ctx, authority: Authority, data: Drafting) -> Reply:
    """The combined audience so far, its exact count, and a button per filter."""
    kind, filters = _kind(data.builder), data.filters
    sample = Broadcast(audience={"kind": kind.kind.value, "value": pack_filters(filters) or None})
    sample.reach = reach_of(authority)
    count = await count_recipients(ctx.session, sample) if filters else 0
    buttons = []
    for name, filter_kind in FILTERS.items():
        value = filters.get(name)
        label = (
            await filter_kind.name(ctx.session, ctx.t, value) if value else ctx.t("broadcast.any")
        )
        text = ctx.t(f"broadcast.filter.{name}", value=label)
        buttons.append([Button(text, FilterPick(name).pack())])
    if filters:
        buttons.append([Button(ctx.t("broadcast.filters_done", count=count), FilterDone().pack())])
    buttons.append([Button(ctx.t("broadcast.back"), AudienceMenu().pack())])
    return Reply(ctx.t(f"broadcast.builder.{kind.kind}", count=count), buttons=buttons)


@coordinator.callback(FilterPick, step=BroadcastStep.AUDIENCE)
async def filter_pick(ctx: Ctx, authority: Authority, choice: FilterPick) -> list[Reply]:
    """List one filter's values, or set (or drop) it and show the audience again."""
    data = _drafting(ctx)
    if data.builder is None or choice.name not in FILTERS:
        raise Stale(choice.name)
    filters = dict(data.filters)
    if choice.value is None:
        ctx.goto(BroadcastStep.AUDIENCE, replace(data, menu=f"filter:{choice.name}"))
        found = await FILTERS[choice.name].choices(ctx.session, authority, ctx.t, ctx.now)
        return [_filter_values(ctx, choice.name, page_of(found, choice.page, PAGE))]
    if choice.value == "-":
        filters.pop(choice.name, None)
    else:
        await _check(ctx, authority, FILTERS[choice.name], choice.value)
        filters[choice.name] = choice.value
    data = replace(data, filters=filters, menu=None)
    ctx.goto(BroadcastStep.AUDIENCE, data)
    return [await _builder(ctx, authority, data)]


def _filter_values(ctx: Ctx, name: str, page: Page[Choice]) -> Reply:
    buttons = [[Button(label, FilterPick(name, value).pack())] for value, label in page.items]
    if nav := navigation(ctx, page, lambda n: FilterPick(name, None, n)):
        buttons.append(nav)
    buttons.append([Button(ctx.t("broadcast.any"), FilterPick(name, "-").pack())])
    text = ctx.t("broadcast.pick_filter", filter=ctx.t(f"broadcast.filter_name.{name}"))
    if page.count > 1:
        text += "\n" + ctx.t("broadcast.search_hint")
    return Reply(text, buttons=buttons)


@coordinator.callback(FilterDone, step=BroadcastStep.AUDIENCE)
async def filters_done(ctx: Ctx, authority: Authority, choice: FilterDone) -> list[Reply]:
    """Check every filter again (the state may be old) and preview the combined audience."""
    data = _drafting(ctx)
    if data.builder is None or not data.filters:
        raise Stale("no filters")
    kind = _kind(data.builder)
    value = pack_filters(data.filters)
    await _check(ctx, authority, kind, value)
    return await _draft(ctx, authority, data, kind, value)
