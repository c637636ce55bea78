"""Asking the response team: /ask, "💬 Ask the team" on the menu and on track and event cards,
and the offer to pass on free text the bot did not understand. The catalogue's answers come
first; what they do not answer becomes a thread in the coordinators' inbox.

/ask [question], AskStart → TEXT (the question read at once when typed after /ask)
TEXT    a question → CHOOSE with the catalogue's answers; none fit → sent (as AskSend)
CHOOSE  AskAnswered → the menu (flow ends)
CHOOSE  AskSend     → sent to the team (flow ends); first, when nothing tells the region,
                      REGION
CHOOSE  typed text  → it is the question now (as at TEXT); after the offer, offered again
REGION  AskRegion   → sent to the team (flow ends)
REGION  typed text  → the region question again (the question typed before is kept)
(unplaced text) → CHOOSE with the offer to send it; REPLY: handlers.people.ask_reply
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.menu import main_menu
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from models.catalog import Event, Track
from models.discovery import region_label, region_questions, region_values
from models.faq import FaqEntry, answer_of, find_answers, question_of
from models.localized import localized
from models.questions import Thread, ThreadKind, open_thread

router = Router("ask")

MAX_QUESTION = 2000
URGENT_BEFORE = timedelta(days=3)
"""A question about an event this close is pushed to coordinators at night too."""
ABOUT = {"m": "menu", "t": "track", "e": "event", "x": "text"}


class AskStep(StrEnum):
    """TEXT waits for the question; CHOOSE for a button about it (answered, send); REGION for
    the region it is about; REPLY for the person's answer to the team."""

    TEXT = "ask.text"
    CHOOSE = "ask.choose"
    REGION = "ask.region"
    REPLY = "ask.reply"


@dataclass(frozen=True)
class Asking(FlowData):
    """What the question is asked from (a key of ABOUT, and the card's id), the question once
    typed, and the region chosen for it ("" for none: the national team; None: not asked)."""

    about: str = "m"
    ref: int | None = None
    text: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class AskStart(CallbackData, prefix="qa"):
    about: str = "m"
    ref: int | None = None


@dataclass(frozen=True)
class AskSend(CallbackData, prefix="qs"):
    pass


@dataclass(frozen=True)
class AskAnswered(CallbackData, prefix="qf"):
    pass


@dataclass(frozen=True)
class AskRegion(CallbackData, prefix="qg"):
    region: str


def ask_button(ctx: Ctx, about: str = "m", ref: int | None = None) -> Button:
    """The "💬 Ask the team" button, for a card to carry its context with it."""
    return Button(ctx.t("ask.button"), AskStart(about, ref).pack())


@router.command("ask", menu=True)
async def ask_command(ctx: Ctx) -> list[Reply]:
    """Ask the team; text after the command is the question itself."""
    ctx.goto(AskStep.TEXT, Asking())
    if ctx.args:
        return await got_question(ctx, ctx.args)
    return [Reply(ctx.t("ask.prompt"))]


@router.callback(AskStart)
async def start(ctx: Ctx, choice: AskStart) -> list[Reply]:
    """Ask from the menu or a card, which the question then remembers."""
    if choice.about not in ABOUT:
        raise Stale(choice.about)
    subject = await _subject(ctx, choice.about, choice.ref)
    ctx.goto(AskStep.TEXT, Asking(about=choice.about, ref=choice.ref))
    if subject:
        return [Reply(ctx.t("ask.prompt_about", subject=subject))]
    return [Reply(ctx.t("ask.prompt"))]


@router.step(AskStep.TEXT)
async def typed_question(ctx: Ctx) -> list[Reply]:
    """Take the question, then look for answers in the catalogue."""
    return await got_question(ctx, ctx.text)


@router.step(AskStep.CHOOSE)
async def typed_again(ctx: Ctx) -> list[Reply]:
    """More text instead of a button: the question now, when the person is asking; text the
    bot only offered to pass on is offered again, since nobody asked to send it."""
    if ctx.flow(Asking).about == "x" and ctx.routes.unplaced is not None:
        return await ctx.routes.unplaced(ctx)
    return await got_question(ctx, ctx.text)


async def got_question(ctx: Ctx, text: str) -> list[Reply]:
    """Show the catalogue's best answers with "this answered me" / "still send it", or send."""
    text = " ".join(text.split())
    if not any(ch.isalpha() for ch in text):
        return [Reply(ctx.t("ask.need_words"))]
    if len(text) > MAX_QUESTION:
        return [Reply(ctx.t("ask.too_long", limit=MAX_QUESTION))]
    ctx.goto(AskStep.CHOOSE, replace(ctx.flow(Asking), text=text))
    track_id, event_id = await _context_ids(ctx)
    found = await find_answers(ctx.session, text, track_id, event_id)
    if not found:
        return await send(ctx, AskSend())
    return [faq_reply(ctx, found, text)]


def written_in(text: str, fallback: str) -> str:
    """The language a question is written in, by its letters: Hebrew or English, else (mixed, or
    neither) the person's own."""
    hebrew = any("\u05d0" <= ch <= "\u05ea" for ch in text)
    latin = any("a" <= ch <= "z" for ch in text.casefold())
    if hebrew == latin:
        return fallback
    return "he" if hebrew else "en"


def faq_reply(ctx: Ctx, found: list[FaqEntry], asked: str) -> Reply:
    """The matching answers, in the language the question was asked in, and the choice between
    them and the team."""
    locale = written_in(asked, ctx.locale)
    blocks = [
        ctx.t(
            "ask.faq_entry",
            question=question_of(entry, locale),
            answer=answer_of(entry, locale),
        )
        for entry in found
    ]
    buttons = [
        [Button(ctx.t("ask.answered"), AskAnswered().pack())],
        [Button(ctx.t("ask.still_send"), AskSend().pack())],
    ]
    return Reply("\n\n".join([ctx.t("ask.faq_found"), *blocks]), buttons=buttons)


@router.callback(AskAnswered, step=AskStep.CHOOSE)
async def answered(ctx: Ctx, _: AskAnswered) -> list[Reply]:
    """The catalogue answered it: nothing goes to the team."""
    ctx.end()
    return [main_menu(ctx, "ask.glad")]


@router.callback(AskSend, step=AskStep.CHOOSE)
async def send(ctx: Ctx, _: AskSend) -> list[Reply]:
    """Store the question for the team (asking the region first when nothing tells it)."""
    data = ctx.flow(Asking)
    if not data.text:
        raise Stale("ask")
    track, event = await _context(ctx)
    region = (event.region if event else None) or ctx.person.region or data.region
    if region is None and track is None:
        return await _ask_region(ctx)
    urgent = event is not None and event.starts_at - ctx.now < URGENT_BEFORE
    thread = Thread(
        kind=ThreadKind.QUESTION,
        person_id=ctx.person.id,
        identity_id=ctx.identity.id,
        locale=ctx.locale,
        region=region or None,
        track_id=track.id if track else (event.track_id if event else None),
        event_id=event.id if event else None,
        context=ABOUT.get(data.about, "menu"),
        urgent=urgent,
    )
    await open_thread(ctx.session, thread, data.text, ctx.now)
    ctx.end()
    who = await who_answers(ctx, thread)
    return [Reply(ctx.t("ask.sent", who=who)), main_menu(ctx)]


async def who_answers(ctx: Ctx, thread: Thread) -> str:
    """Who the person may expect an answer from, in their words."""
    if thread.track_id and (track := await ctx.session.get(Track, thread.track_id)):
        return ctx.t("ask.who.track", title=localized(track.content, "title", ctx.locale))
    if thread.region:
        name = region_label(await region_questions(ctx.session), thread.region, ctx.t)
        return ctx.t("ask.who.region", region=name)
    return ctx.t("ask.who.national")


async def _ask_region(ctx: Ctx, hint: str = "ask.region") -> list[Reply]:
    ctx.goto(AskStep.REGION, ctx.flow(Asking))
    questions = await region_questions(ctx.session)
    buttons = [
        [Button(region_label(questions, value, ctx.t), AskRegion(value).pack())]
        for value in region_values(questions)
    ]
    buttons.append([Button(ctx.t("ask.region_skip"), AskRegion("-").pack())])
    return [Reply(ctx.t(hint), buttons=buttons)]


@router.step(AskStep.REGION)
async def typed_not_a_region(ctx: Ctx) -> list[Reply]:
    """Text that names no region: the region question again, the question itself kept."""
    return await _ask_region(ctx, "ask.region_again")


@router.callback(AskRegion, step=AskStep.REGION)
async def chose_region(ctx: Ctx, choice: AskRegion) -> list[Reply]:
    """Route the question to a region's coordinators (or, skipped, to the national team)."""
    region = "" if choice.region == "-" else choice.region[:32]
    ctx.goto(AskStep.CHOOSE, replace(ctx.flow(Asking), region=region))
    return await send(ctx, AskSend())


async def _context(ctx: Ctx) -> tuple[Track | None, Event | None]:
    """The track or event card the question came from, if it is still there."""
    data = ctx.flow(Asking)
    about, ref = data.about, data.ref
    if ref is None:
        return None, None
    if about == "t":
        track = await ctx.session.get(Track, ref)
        return (track if track is not None and track.active else None), None
    if about == "e":
        return None, await ctx.session.get(Event, ref)
    return None, None


async def _context_ids(ctx: Ctx) -> tuple[int | None, int | None]:
    track, event = await _context(ctx)
    return (track.id if track else (event.track_id if event else None)), (
        event.id if event else None
    )


async def _subject(ctx: Ctx, about: str, ref: int | None) -> str | None:
    """The title of the card asked from; Stale when it is gone."""
    if about == "t" and ref is not None:
        track = await ctx.session.get(Track, ref)
        if track is None or not track.active:
            raise Stale(ref)
        return localized(track.content, "title", ctx.locale)
    if about == "e" and ref is not None:
        event = await ctx.session.get(Event, ref)
        if event is None:
            raise Stale(ref)
        return localized(event.content, "title", ctx.locale)
    return None
