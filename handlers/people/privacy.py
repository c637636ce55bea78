"""/privacy: see everything we hold about me (text, a PDF anyone can open, and on channels that
deliver any file the JSON too), or delete me.

/privacy → the choices; PrivacyExport → the data (no step); PrivacyDelete → CONFIRM_DELETE
CONFIRM_DELETE  PrivacyForget → deleted, state and all (flow ends)
CONFIRM_DELETE  PrivacyKeep   → the menu (flow ends); typed text → the question again
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.menu import main_menu
from handlers.core.router import Router
from handlers.core.types import Attachment, Button, Reply
from handlers.people.pdf import Page
from handlers.people.waitlist import OfferNotices
from locales import MissingMessage
from locales.dates import format_date_time
from models.audit import audit
from models.discovery import option_label, questionnaire
from models.movement import place_names
from models.privacy import as_json, export, forget
from models.registration_service import leave_upcoming

router = Router("privacy")

MAX_TEXT = 3800
"""Telegram allows 4096 characters; the attached file always has everything."""
SECTIONS = ("channels", "registrations", "subscriptions", "consents", "leads", "questions")


class PrivacyStep(StrEnum):
    """CONFIRM_DELETE: the deletion question is on screen; only its buttons answer it.
    A confirm button pressed in any other state (e.g. a second tap, after the deletion) is stale."""

    CONFIRM_DELETE = "privacy.confirm_delete"


@dataclass(frozen=True)
class PrivacyExport(CallbackData, prefix="px"):
    pass


@dataclass(frozen=True)
class PrivacyDelete(CallbackData, prefix="pd"):
    pass


@dataclass(frozen=True)
class PrivacyForget(CallbackData, prefix="pf"):
    pass


@dataclass(frozen=True)
class PrivacyKeep(CallbackData, prefix="pk"):
    pass


@router.command("privacy")
async def privacy(ctx: Ctx) -> list[Reply]:
    """Explain what can be done with my data and offer export or deletion."""
    ctx.end()
    buttons = [
        [Button(ctx.t("privacy.show"), PrivacyExport().pack())],
        [Button(ctx.t("privacy.delete"), PrivacyDelete().pack())],
    ]
    return [Reply(ctx.t("privacy.intro"), buttons=buttons)]


@router.callback(PrivacyExport)
async def show(ctx: Ctx, _: PrivacyExport) -> list[Reply]:
    """Show what we hold, readably, with the full export attached as a PDF (and JSON)."""
    data = await export(ctx.session, ctx.person, ctx.locale)
    await audit(ctx.session, ctx.person.id, "privacy.export", f"person:{ctx.person.id}")
    full = await _readable(ctx, data)
    footer = ctx.t("privacy.footer")
    text = full
    if len(text) + len(footer) > MAX_TEXT:
        text = text[: MAX_TEXT - len(footer) - 2] + "…"
    files = [_pdf(ctx, full)]
    if ctx.takes_any_file:
        files.append(Attachment("hagshama-my-data.json", "application/json", as_json(data)))
    buttons = [[Button(ctx.t("privacy.delete"), PrivacyDelete().pack())]]
    return [Reply(f"{text}\n\n{footer}", buttons=buttons, attachments=files)]


def _pdf(ctx: Ctx, readable: str) -> Attachment:
    """Everything we hold, as the readable text shows it, uncut, on as many pages as it takes
    (made after the transaction commits)."""
    rtl = ctx.t.rtl

    def make() -> bytes:
        page = Page(rtl)
        title, _, rest = readable.partition("\n\n")
        page.line(title, 15, bold=True, gap=3)
        for block in rest.split("\n\n"):
            heading, *lines = block.split("\n")
            page.line(heading, 12, bold=True)
            for line in lines:
                page.line(line, 10, gap=0.8)
            page.line("", 4)
        return page.output()

    return Attachment("hagshama-my-data.pdf", "application/pdf", later=make)


@router.callback(PrivacyDelete)
async def confirm_delete(ctx: Ctx, _: PrivacyDelete) -> list[Reply]:
    """Say exactly what deletion removes and ask to confirm."""
    ctx.goto(PrivacyStep.CONFIRM_DELETE)
    return [_confirmation(ctx)]


@router.reask(PrivacyStep.CONFIRM_DELETE)
async def ask_again(ctx: Ctx) -> list[Reply]:
    """The deletion question again (after a change of language)."""
    return [_confirmation(ctx)]


@router.step(PrivacyStep.CONFIRM_DELETE, whole_labels=True)
async def typed(ctx: Ctx) -> list[Reply]:
    """Typed text at the deletion question: deleting needs the button, so ask again."""
    return [Reply(ctx.t("privacy.use_buttons")), _confirmation(ctx)]


@router.callback(PrivacyForget, step=PrivacyStep.CONFIRM_DELETE)
async def delete(ctx: Ctx, _: PrivacyForget) -> list[Reply]:
    """Delete the person for good; nothing about this conversation is kept either."""
    await leave_upcoming(ctx.session, ctx.person.id, ctx.now, OfferNotices(ctx.config))
    await forget(ctx.session, ctx.person)
    return [Reply(ctx.t("privacy.deleted"))]


@router.callback(PrivacyKeep)
async def keep(ctx: Ctx, _: PrivacyKeep) -> list[Reply]:
    """Change nothing and go back to the menu."""
    ctx.end()
    return [main_menu(ctx, "privacy.kept")]


def _confirmation(ctx: Ctx) -> Reply:
    buttons = [
        [Button(ctx.t("privacy.confirm"), PrivacyForget().pack())],
        [Button(ctx.t("privacy.keep"), PrivacyKeep().pack())],
    ]
    return Reply(ctx.t("privacy.confirm_text"), buttons=buttons)


async def _readable(ctx: Ctx, data: dict[str, Any]) -> str:
    questions = await questionnaire(ctx.session)
    names = await place_names(ctx.session, ctx.locale)

    def value(name: str, raw: Any) -> str:
        if isinstance(raw, datetime):
            return format_date_time(raw, ctx.locale, ctx.config.timezone)
        if isinstance(raw, list):
            return ", ".join(value(name, item) for item in raw)
        if name == "locale":
            return _label(ctx, f"language.name.{raw}", str(raw))
        if name in names:
            return names[name].get(str(raw), str(raw))
        return option_label(questions, name, str(raw), ctx.locale)

    def when(raw: datetime | None) -> str:
        return value("", raw) if raw else "—"

    profile = [
        f"{ctx.t(f'privacy.field.{name}')}: {value(name, raw)}"
        for name, raw in data["profile"].items()
        if raw not in (None, [], "")
    ]
    lines: dict[str, list[str]] = {
        "channels": [f"{c['channel']}: {c['address']}" for c in data["channels"]],
        "registrations": [
            f"{r['title']} — {_status(ctx, r['status'])} ({when(r['created_at'])})"
            for r in data["registrations"]
        ],
        "subscriptions": [
            f"{s['title']} — {_status(ctx, s['status'])} ({when(s['updated_at'])})"
            for s in data["subscriptions"]
        ],
        "consents": [
            f"{when(c['at'])}: {_status(ctx, c['action'])} — {c['title']} "
            f"({c['channel']}, {c['wording_version']})"
            for c in data["consents"]
        ],
        "leads": [f"{lead['title']} ({when(lead['created_at'])})" for lead in data["leads"]],
        "questions": [
            f"#{thread['id']} {when(m['at'])} {ctx.t('privacy.from.' + m['from'])}: {m['text']}"
            for thread in data["questions"]
            for m in thread["messages"]
        ],
    }
    blocks = [ctx.t("privacy.title"), _block(ctx, "profile", profile)]
    blocks += [_block(ctx, section, lines[section]) for section in SECTIONS]
    return "\n\n".join(blocks)


def _block(ctx: Ctx, section: str, lines: list[str]) -> str:
    body = [f"• {line}" for line in lines] or [ctx.t("privacy.nothing")]
    return "\n".join([ctx.t(f"privacy.section.{section}"), *body])


def _status(ctx: Ctx, status: str) -> str:
    return _label(ctx, f"privacy.status.{status}", status)


def _label(ctx: Ctx, key: str, raw: str) -> str:
    """The translated name of a stored code; the code itself for one added since."""
    try:
        return ctx.t(key)
    except MissingMessage:
        return raw
