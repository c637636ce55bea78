"""The one gate to coordinator tools: who may use them, over which audience, and the /admin menu.

Coordinator features register on a `CoordinatorRouter` instead of a plain router, so no admin
handler can be reached without the role check, and every refusal is audited in one place.
Features audit the actions they carry out themselves (what was sent, created, exported), since
only they know what the action changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Handler, Refused, Router, Stale, Steps, expect_step
from handlers.core.types import Button, Reply
from models.audit import audit
from models.catalog import Event, Track
from models.discovery import REGION, option_label, questionnaire
from models.localized import localized
from models.roles import Authority, authority_of

CoordinatorHandler = Callable[[Ctx, Authority], Awaitable[list[Reply]]]
CoordinatorCallback = Callable[[Ctx, Authority, Any], Awaitable[list[Reply]]]
D = TypeVar("D", bound=CallbackData)


@dataclass(frozen=True)
class AdminChoice(CallbackData, prefix="adm"):
    command: str


async def require_coordinator(ctx: Ctx, action: str, target: str | None = None) -> Authority:
    """The coordinator behind this chat, or Refused (audited)."""
    authority = await authority_of(ctx.session, ctx.identity, ctx.config.admin_addresses)
    if authority is None:
        await audit(
            ctx.session, ctx.person.id, action, target, allowed=False, reason="not_coordinator"
        )
        raise Refused(action)
    return authority


async def require_reach(
    ctx: Ctx,
    authority: Authority,
    action: str,
    target: str | None = None,
    *,
    region: str | None = None,
    track: str | None = None,
) -> None:
    """Refuse (audited) what lies outside a regional coordinator's regions and tracks."""
    if not authority.covers(region=region, track=track):
        await _refuse_scope(ctx, action, target, region=region, track=track)


async def require_event(ctx: Ctx, authority: Authority, action: str, event: Event) -> None:
    """Refuse (audited) an event outside the coordinator's reach."""
    if not await authority.covers_event(ctx.session, event):
        await _refuse_scope(ctx, action, f"event:{event.slug}", region=event.region)


async def _refuse_scope(ctx: Ctx, action: str, target: str | None, **asked: str | None) -> None:
    await audit(ctx.session, ctx.person.id, action, target, allowed=False, reason="scope", **asked)
    raise Refused(action)


class CoordinatorRouter(Router):
    """A coordinator feature's router: every command, button and step it registers passes the
    role check first, and the refusal is audited."""

    def command(  # type: ignore[override]
        self, *names: str, menu: bool = True
    ) -> Callable[[CoordinatorHandler], CoordinatorHandler]:
        """Register a coordinator command; `menu` lists it under /admin."""

        def register(handler: CoordinatorHandler) -> CoordinatorHandler:
            async def guarded(ctx: Ctx) -> list[Reply]:
                return await handler(ctx, await require_coordinator(ctx, f"/{names[0]}", ctx.args))

            guarded.__doc__ = handler.__doc__
            Router.command(self, *names)(guarded)
            if menu:
                self.admin_menu.append(names[0])
            return handler

        return register

    def callback(  # type: ignore[override]
        self, kind: type[D], step: Steps = None
    ) -> Callable[[CoordinatorCallback], CoordinatorCallback]:
        """Register a coordinator button; pressing it without the role is refused, and with
        `step` (one, or a tuple), pressing it while the flow waits elsewhere is stale."""

        def register(handler: CoordinatorCallback) -> CoordinatorCallback:
            async def guarded(ctx: Ctx, data: D) -> list[Reply]:
                authority = await require_coordinator(ctx, kind.prefix)
                expect_step(ctx, step)
                return await handler(ctx, authority, data)

            Router.callback(self, kind)(guarded)
            self.gated[kind.prefix] = require_coordinator
            return handler

        return register

    def panel(self, handler: CoordinatorHandler) -> CoordinatorHandler:
        """Show what `handler` returns under /admin's menu (the menu has checked the role)."""
        self.panels.append(handler)
        return handler

    def step(  # type: ignore[override]
        self, name: StrEnum, whole_labels: bool = False, files: bool = False
    ) -> Callable[[CoordinatorHandler], CoordinatorHandler]:
        """Register a coordinator free-text step (`files`: a sent file too); a revoked role
        ends the flow at the next step."""

        def register(handler: CoordinatorHandler) -> CoordinatorHandler:
            Router.step(self, name, whole_labels, files)(_guarded(name, handler))
            return handler

        return register

    def reask(  # type: ignore[override]
        self, *names: StrEnum
    ) -> Callable[[CoordinatorHandler], CoordinatorHandler]:
        """Register what asks coordinator steps' question again (after a change of language)."""

        def register(handler: CoordinatorHandler) -> CoordinatorHandler:
            for name in names:
                Router.reask(self, name)(_guarded(name, handler))
            return handler

        return register


def _guarded(name: StrEnum, handler: CoordinatorHandler) -> Handler:
    async def guarded(ctx: Ctx) -> list[Reply]:
        try:
            authority = await require_coordinator(ctx, name.value)
        except Refused:
            ctx.end()
            raise
        return await handler(ctx, authority)

    return guarded


coordinator = CoordinatorRouter("admin")


@coordinator.command("admin", menu=False)
async def admin_menu(ctx: Ctx, authority: Authority) -> list[Reply]:
    """List the coordinator tools, saying whose audience this coordinator reaches."""
    buttons = [
        [Button(ctx.t(f"admin.menu.{name}"), AdminChoice(name).pack())]
        for name in ctx.routes.admin_menu
    ]
    if authority.national:
        reach = ctx.t("admin.reach.national")
    else:
        questions = await questionnaire(ctx.session)
        regions = [
            option_label(questions, REGION, region, ctx.locale)
            for region in sorted(authority.regions)
        ]
        found = await ctx.session.scalars(
            select(Track).where(Track.slug.in_(authority.tracks)).order_by(Track.slug)
        )
        tracks = [localized(track.content, "title", ctx.locale) for track in found]
        reach = ctx.t(
            "admin.reach.regional",
            regions=", ".join(regions) or "—",
            tracks=", ".join(tracks) or "—",
        )
    replies = [Reply(ctx.t("admin.title", reach=reach), buttons=buttons)]
    for panel in ctx.routes.panels:
        replies += await panel(ctx, authority)
    return replies


@coordinator.callback(AdminChoice)
async def open_admin_item(ctx: Ctx, authority: Authority, choice: AdminChoice) -> list[Reply]:
    """Open the coordinator tool behind an /admin button, leaving any flow in progress."""
    handler = ctx.routes.commands.get(choice.command)
    if choice.command not in ctx.routes.admin_menu or handler is None:
        raise Stale(choice.command)
    ctx.end()
    return await handler(ctx)
