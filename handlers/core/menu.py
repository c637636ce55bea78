"""The main menu, and the answers for things we did not understand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Router
from handlers.core.types import Button, Reply
from locales import SUPPORTED_LOCALES

router = Router("menu")

GREETINGS = frozenset(
    {
        "שלום", "היי", "הי", "הלו", "אהלן", "הללו", "בוקר טוב", "ערב טוב", "צהריים טובים",
        "מה נשמע", "hi", "hello", "hey", "hiya", "shalom", "good morning", "good evening",
    }
)  # fmt: skip
"""What people type to open a chat (WhatsApp users never type /start)."""


@dataclass(frozen=True)
class MenuChoice(CallbackData, prefix="m"):
    command: str


def language_button(ctx: Ctx, payload: Callable[[str], CallbackData]) -> Button:
    """A button that switches to the other language; `payload` says what then shows again."""
    other = next(code for code in SUPPORTED_LOCALES if code != ctx.locale)
    return Button(ctx.t(f"language.switch.{other}"), payload(other).pack())


def main_menu(ctx: Ctx, intro_key: str = "menu.title") -> Reply:
    """The menu of everything a person can do, in their language: each item opens the command
    of the same name, in the order of the features that offer them."""
    buttons = [[Button(ctx.t(f"menu.{item}"), MenuChoice(item).pack())] for item in ctx.routes.menu]
    return Reply(ctx.t(intro_key), buttons=buttons)


@router.callback(MenuChoice)
async def open_menu_item(ctx: Ctx, choice: MenuChoice) -> list[Reply]:
    """Open the feature behind a menu button, leaving any flow in progress."""
    handler = ctx.routes.commands.get(choice.command)
    if choice.command not in ctx.routes.menu or handler is None:
        return await stale(ctx)
    ctx.end()
    return await handler(ctx)


def is_greeting(text: str) -> bool:
    """A greeting word, forgiving case, punctuation and emoji around it ("היי!", "Hi 👋")."""
    words = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text.casefold())
    return " ".join(words.split()) in GREETINGS


def media_answer(ctx: Ctx, kind: str) -> Reply:
    """What we say to a picture, file, location or voice note, naming what was sent."""
    if kind == "location":
        return Reply(ctx.t("error.media.location"))
    if kind == "voice" or kind.startswith("audio"):
        return Reply(ctx.t("error.media.voice"))
    if kind == "sticker":
        return Reply(ctx.t("error.media.sticker"))
    return Reply(ctx.t("error.media"))


async def fallback(ctx: Ctx) -> list[Reply]:
    """Text we cannot place: a first message or a greeting gets the welcome and the menu,
    anything else goes to the unplaced-text handler, or is told we did not understand."""
    if ctx.state.version == 0 or is_greeting(ctx.text):
        return [main_menu(ctx, "start.welcome")]
    if ctx.routes.unplaced is not None:
        return await ctx.routes.unplaced(ctx)
    return not_understood(ctx)


def not_understood(ctx: Ctx) -> list[Reply]:
    """Say we did not understand, with the menu."""
    return [Reply(ctx.t("error.not_understood")), main_menu(ctx)]


async def stale(ctx: Ctx) -> list[Reply]:
    """A button from an old message: explain and offer the menu, changing nothing."""
    return [Reply(ctx.t("error.stale_button")), main_menu(ctx)]
