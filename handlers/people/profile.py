"""/profile: a person's place in the movement — their kibbutz (found by typing its name) and
the roles they hold (from the catalogue's list). Asked too after registering for an event meant
for role holders, when we do not know them yet.

    /profile → buttons: ProfileEdit(kibbutz) → KIBBUTZ (a typed name) → ProfileKibbutz → /profile
                        ProfileEdit(roles) → ProfileRole… (toggles) → ProfileEdit(done) → /profile
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.inputs.name_search import closest
from models.catalog import Event
from models.kibbutzim import Kibbutz
from models.localized import localized
from models.movement import movement_roles

router = Router("profile")

NONE = "-"
"""The kibbutz choice of someone who lives in no kibbutz."""
FOUND = 6
"""Kibbutzim offered for one typed name."""


class ProfileStep(StrEnum):
    """KIBBUTZ: waiting for the name (or part of it) of the person's kibbutz."""

    KIBBUTZ = "profile.kibbutz"


@dataclass(frozen=True)
class ProfileEdit(CallbackData, prefix="pfe"):
    """Change the kibbutz or the roles; `done` shows the profile again."""

    what: str


@dataclass(frozen=True)
class ProfileKibbutz(CallbackData, prefix="pfk"):
    slug: str


@dataclass(frozen=True)
class ProfileRole(CallbackData, prefix="pfr"):
    slug: str


@router.command("profile", "פרופיל")
async def profile(ctx: Ctx) -> list[Reply]:
    """Show the person's kibbutz and roles, with buttons to change them."""
    ctx.end()
    return [await _shown(ctx)]


async def _shown(ctx: Ctx, intro: str = "profile.title") -> Reply:
    kibbutz = await _kibbutz_name(ctx, ctx.person.kibbutz)
    held = set(ctx.person.roles or [])
    names = [
        localized(role.content, "name", ctx.locale)
        for role in await movement_roles(ctx.session)
        if role.slug in held
    ]
    text = ctx.t(
        intro,
        kibbutz=kibbutz or ctx.t("profile.unknown"),
        roles=", ".join(names) or ctx.t("profile.unknown"),
    )
    buttons = [
        [Button(ctx.t("profile.edit_kibbutz"), ProfileEdit("kibbutz").pack())],
        [Button(ctx.t("profile.edit_roles"), ProfileEdit("roles").pack())],
    ]
    return Reply(text, buttons=buttons)


async def _slugs(ctx: Ctx) -> list[str]:
    return [role.slug for role in await movement_roles(ctx.session)]


async def _kibbutz_name(ctx: Ctx, slug: str | None) -> str | None:
    found = await ctx.session.scalar(select(Kibbutz).where(Kibbutz.slug == slug)) if slug else None
    return localized(found.content, "name", ctx.locale) if found else None


async def ask_place(ctx: Ctx, event: Event) -> list[Reply]:
    """After registering for a role holders' event: ask for what we do not know yet."""
    if not event.for_role_holders or (ctx.person.kibbutz and ctx.person.roles):
        return []
    return [await _shown(ctx, "profile.asked")]


@router.callback(ProfileEdit)
async def edit(ctx: Ctx, choice: ProfileEdit) -> list[Reply]:
    """Ask for the kibbutz, offer the roles, or show the profile when done."""
    if choice.what == "kibbutz":
        ctx.goto(ProfileStep.KIBBUTZ)
        return [_ask_kibbutz(ctx)]
    if choice.what == "roles":
        ctx.end()
        return [await _roles(ctx)]
    if choice.what == "done":
        ctx.end()
        return [await _shown(ctx, "profile.saved")]
    raise Stale(choice.what)


def _ask_kibbutz(ctx: Ctx, key: str = "profile.ask_kibbutz") -> Reply:
    return Reply(
        ctx.t(key), buttons=[[Button(ctx.t("profile.no_kibbutz"), ProfileKibbutz(NONE).pack())]]
    )


@router.reask(ProfileStep.KIBBUTZ)
async def ask_again(ctx: Ctx) -> list[Reply]:
    """Ask for the kibbutz again (after a change of language)."""
    return [_ask_kibbutz(ctx)]


@router.step(ProfileStep.KIBBUTZ)
async def typed_kibbutz(ctx: Ctx) -> list[Reply]:
    """Offer the kibbutzim whose names come close to what was typed, in either language."""
    if not ctx.text or ctx.incoming.media:
        return [_ask_kibbutz(ctx)]
    found = await ctx.session.scalars(select(Kibbutz))
    names = [(kibbutz.slug, _both_names(kibbutz)) for kibbutz in found]
    hits = closest(ctx.text, names)[:FOUND]
    if not hits:
        return [_ask_kibbutz(ctx, "profile.no_match")]
    buttons = [[Button(label, ProfileKibbutz(slug).pack())] for slug, label in hits]
    buttons.append([Button(ctx.t("profile.no_kibbutz"), ProfileKibbutz(NONE).pack())])
    return [Reply(ctx.t("profile.which_kibbutz"), buttons=buttons)]


def _both_names(kibbutz: Kibbutz) -> str:
    """ "סאסא / Sasa": found by either."""
    names = (localized(kibbutz.content, "name", lang) for lang in ("he", "en"))
    return " / ".join(dict.fromkeys(names))


@router.callback(ProfileKibbutz)
async def chose_kibbutz(ctx: Ctx, choice: ProfileKibbutz) -> list[Reply]:
    """Keep the kibbutz picked (or none) and show the profile."""
    if choice.slug != NONE and await _kibbutz_name(ctx, choice.slug) is None:
        raise Stale(choice.slug)
    ctx.person.kibbutz = None if choice.slug == NONE else choice.slug
    ctx.end()
    return [await _shown(ctx, "profile.saved")]


async def _roles(ctx: Ctx) -> Reply:
    held = set(ctx.person.roles or [])
    buttons = [
        [
            Button(
                ("✅ " if role.slug in held else "") + localized(role.content, "name", ctx.locale),
                ProfileRole(role.slug).pack(),
            )
        ]
        for role in await movement_roles(ctx.session)
    ]
    buttons.append([Button(ctx.t("profile.done"), ProfileEdit("done").pack())])
    return Reply(ctx.t("profile.ask_roles"), buttons=buttons)


@router.callback(ProfileRole)
async def toggle_role(ctx: Ctx, choice: ProfileRole) -> list[Reply]:
    """Add or remove one role the catalogue lists."""
    if choice.slug not in await _slugs(ctx):
        raise Stale(choice.slug)
    held = set(ctx.person.roles or [])
    ctx.person.roles = sorted(held ^ {choice.slug})
    return [await _roles(ctx)]
