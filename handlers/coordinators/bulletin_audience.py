"""Narrowing a bulletin's audience from its preview: the topic's subscribers who hold a role,
belong to a kibbutz or a stream, or live in a region, the filters AND-ed, each value offered and
checked by its audience object (models.audience_places) within the coordinator's reach; the
exact count comes with every change, and the filters are kept on the draft itself.

(preview) BulletinAudience → the filters; BulletinFilter(name) → its values (a page at a time);
BulletinFilter(name, value) → set ("-" drops it) → the filters; BulletinPreview → the preview
"""

from __future__ import annotations

from handlers.coordinators.broadcast_pick import PAGE
from handlers.coordinators.bulletins import (
    BulletinAudience,
    BulletinFilter,
    BulletinPreview,
    bulletin_in_reach,
)
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.core.context import Ctx
from handlers.core.pages import Page, navigation, page_of
from handlers.core.router import Refused, Stale
from handlers.core.types import Button, Reply
from models.audience_base import Choice
from models.audience_places import FILTERS, pack_filters, parse_filters
from models.audit import audit
from models.bulletin_audience import allows, count_readers
from models.bulletins import Bulletin, BulletinStatus
from models.roles import Authority, RoleScope

coordinator = CoordinatorRouter("bulletin_audience")


async def _draft(ctx: Ctx, authority: Authority, bulletin_id: int) -> Bulletin:
    """The draft a button names, within reach; Stale once it is no longer a draft."""
    found = await bulletin_in_reach(ctx, authority, bulletin_id, "bulletin.edit")
    if found is None or found[0].status != BulletinStatus.DRAFT:
        raise Stale(bulletin_id)
    return found[0]


@coordinator.callback(BulletinAudience)
async def audience(ctx: Ctx, authority: Authority, choice: BulletinAudience) -> list[Reply]:
    """The audience so far, its exact count, and a button per filter."""
    return [await _filters(ctx, await _draft(ctx, authority, choice.bulletin_id))]


async def _filters(ctx: Ctx, bulletin: Bulletin) -> Reply:
    chosen = parse_filters(bulletin.audience) or {}
    count = await count_readers(ctx.session, bulletin.topic_id, bulletin.audience)
    buttons = []
    for name, kind in FILTERS.items():
        value = chosen.get(name)
        label = await kind.name(ctx.session, ctx.t, value) if value else ctx.t("broadcast.any")
        text = ctx.t(f"broadcast.filter.{name}", value=label)
        buttons.append([Button(text, BulletinFilter(bulletin.id, name).pack())])
    done = ctx.t.n("bulletins.narrow_done", count)
    buttons.append([Button(done, BulletinPreview(bulletin.id).pack())])
    return Reply(ctx.t.n("bulletins.narrow_intro", count), buttons=buttons)


@coordinator.callback(BulletinFilter)
async def filter_pick(ctx: Ctx, authority: Authority, choice: BulletinFilter) -> list[Reply]:
    """List one filter's values, or set (or drop) it and show the audience again."""
    bulletin = await _draft(ctx, authority, choice.bulletin_id)
    if choice.name not in FILTERS:
        raise Stale(choice.name)
    if choice.value is None:
        found = await FILTERS[choice.name].choices(ctx.session, authority, ctx.t, ctx.now)
        return [_values(ctx, bulletin, choice.name, page_of(found, choice.page, PAGE))]
    chosen = parse_filters(bulletin.audience) or {}
    if choice.value == "-":
        chosen.pop(choice.name, None)
    else:
        chosen[choice.name] = choice.value
    narrowed = pack_filters(chosen) or None
    if not await allows(ctx.session, authority, narrowed):
        anyone = Authority(authority.person_id, RoleScope.NATIONAL)
        if not await allows(ctx.session, anyone, narrowed):
            raise Stale(narrowed)
        await audit(
            ctx.session,
            ctx.person.id,
            "bulletin.audience",
            f"bulletin:{bulletin.id}",
            allowed=False,
            reason="scope",
            audience=narrowed,
        )
        raise Refused("bulletin.audience")
    bulletin.audience = narrowed
    return [await _filters(ctx, bulletin)]


def _values(ctx: Ctx, bulletin: Bulletin, name: str, page: Page[Choice]) -> Reply:
    def pick(value: str) -> str:
        return BulletinFilter(bulletin.id, name, value).pack()

    buttons = [[Button(label, pick(value))] for value, label in page.items]
    if nav := navigation(ctx, page, lambda n: BulletinFilter(bulletin.id, name, None, n)):
        buttons.append(nav)
    buttons.append([Button(ctx.t("broadcast.any"), pick("-"))])
    text = ctx.t("broadcast.pick_filter", filter=ctx.t(f"broadcast.filter_name.{name}"))
    return Reply(text, buttons=buttons)
