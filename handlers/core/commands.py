"""Commands available everywhere: /start, /help, /menu, /cancel, /language."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.menu import main_menu
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from locales import SUPPORTED_LOCALES, supported

router = Router("commands")


@dataclass(frozen=True)
class LanguageChoice(CallbackData, prefix="lang"):
    locale: str


@router.command("start")
async def start(ctx: Ctx) -> list[Reply]:
    """Greet, or open what a deep link (`/start ev_<slug>`) points at."""
    ctx.end()
    payload = ctx.args
    for prefix, handler in ctx.routes.deep_links.items():
        if payload.startswith(prefix):
            return await handler(ctx, payload.removeprefix(prefix))
    return [main_menu(ctx, "start.welcome")]


@router.command("menu")
async def menu(ctx: Ctx) -> list[Reply]:
    """Show the main menu."""
    return [main_menu(ctx)]


@router.command("cancel")
async def cancel(ctx: Ctx) -> list[Reply]:
    """Abandon the flow in progress; nothing half-done is kept, and a flow that saved as it
    went (check-in) says what it saved."""
    had_flow = ctx.state.step is not None
    closing = ctx.routes.closings.get(ctx.state.step or "")
    if closing is not None:
        summary = closing(ctx)
        ctx.end()
        return [summary, main_menu(ctx)]
    ctx.end()
    return [main_menu(ctx, "cancel.done" if had_flow else "cancel.nothing")]


@router.command("language", menu=True)
async def language(ctx: Ctx) -> list[Reply]:
    """Switch language directly (`/language en`) or offer the choice."""
    chosen = supported(ctx.args)
    if chosen:
        return await choose_language(ctx, LanguageChoice(chosen))
    buttons = [
        [Button(ctx.t(f"language.name.{code}"), LanguageChoice(code).pack())]
        for code in SUPPORTED_LOCALES
    ]
    return [Reply(ctx.t("language.choose"), buttons=buttons)]


@router.callback(LanguageChoice)
async def choose_language(ctx: Ctx, choice: LanguageChoice) -> list[Reply]:
    """Remember the chosen language and answer in it from now on, asking the question of a
    flow in progress again in the new language."""
    if choice.locale not in SUPPORTED_LOCALES:
        raise Stale(choice.locale)
    ctx.set_locale(choice.locale)
    again = ctx.routes.reasks.get(ctx.state.step or "")
    if again is not None:
        return [Reply(ctx.t("language.changed_mid_flow")), *await again(ctx)]
    if ctx.state.step is not None:
        return [Reply(ctx.t("language.changed_keep_answering"))]
    return [main_menu(ctx, "language.changed")]


@router.command("help", menu=True)
async def help_(ctx: Ctx) -> list[Reply]:
    """Explain what the bot does and list the commands."""
    return [Reply(ctx.t("help.text")), main_menu(ctx)]
