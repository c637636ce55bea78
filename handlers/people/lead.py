""" "🙋 I'm interested" on a track card: ask for what is missing (name, phone, an optional note),
ask consent to be contacted, and leave a lead in the track coordinators' inbox.

TrackInterest    → the first missing of NAME, PHONE, NOTE; else CONSENT (none if already agreed)
NAME     a name  → the next missing detail; else CONSENT
PHONE    a phone → the next missing detail; else CONSENT
NOTE     a note, or LeadNoteSkip → CONSENT
CONSENT  LeadConsent(agree) → the lead in the team's inbox (flow ends); a phone someone else
         has → PHONE
CONSENT  LeadConsent(decline) → nothing kept (flow ends); typed text → the question again
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Self

from sqlalchemy import select

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.flow import FlowData
from handlers.core.router import Router, Stale
from handlers.core.types import Button, Reply
from handlers.inputs.details import MAX_NAME, given_phone, known_phone, plain_text
from handlers.people.tracks import TrackInterest, TrackOpen, active_track, track_actions
from models.localized import localized
from models.people import PhoneTaken, attach_phone
from models.questions import Thread, ThreadKind, open_thread
from models.registrations import Lead

router = Router("lead")

MAX_NOTE = 500


class LeadStep(StrEnum):
    """Asked in this order when missing: NAME, PHONE, NOTE (optional), then CONSENT."""

    NAME = "lead.name"
    PHONE = "lead.phone"
    NOTE = "lead.note"
    CONSENT = "lead.consent"


@dataclass(frozen=True)
class Leaving(FlowData):
    """The track and the details typed so far (saved with consent)."""

    track_id: int = 0
    name: str | None = None
    phone: str | None = None
    phone_shared: bool = False
    """The phone came from the platform's share-my-phone button, so it is verified."""
    note: str | None = None
    noted: bool = False
    """The optional note was asked (and given or skipped)."""

    @classmethod
    def load(cls, stored: Mapping[str, Any]) -> Self:
        if "noted" not in stored:  # saved before typed flow data, which kept an asked note's key
            stored = {**stored, "noted": "note" in stored}
        return super().load(stored)


@dataclass(frozen=True)
class LeadNoteSkip(CallbackData, prefix="ln"):
    track_id: int


@dataclass(frozen=True)
class LeadConsent(CallbackData, prefix="ld"):
    track_id: int
    agree: bool


async def _lead(ctx: Ctx, track_id: int) -> Lead | None:
    return await ctx.session.scalar(
        select(Lead).where(Lead.person_id == ctx.person.id, Lead.track_id == track_id)
    )


@router.callback(TrackInterest)
async def interest(ctx: Ctx, choice: TrackInterest) -> list[Reply]:
    """Start leaving a lead, unless this person already agreed to be contacted about it."""
    track = await active_track(ctx, choice.track_id)
    title = localized(track.content, "title", ctx.locale)
    existing = await _lead(ctx, track.id)
    if existing is not None and existing.consent_at is not None:
        text = ctx.t("tracks.interest_exists", title=title)
        return [Reply(text, buttons=track_actions(ctx, track))]
    ctx.goto(LeadStep.CONSENT, Leaving(track_id=track.id))
    return await next_question(ctx)


@router.reask(*LeadStep)
async def next_question(ctx: Ctx) -> list[Reply]:
    """Ask for the first missing detail, or for consent once nothing is missing."""
    data = ctx.flow(Leaving)
    if not (data.name or ctx.person.name):
        ctx.goto(LeadStep.NAME)
        return [Reply(ctx.t("registration.ask_name"))]
    if not (data.phone or known_phone(ctx)):
        ctx.goto(LeadStep.PHONE)
        return [Reply(ctx.t("registration.ask_phone"), request_contact=True)]
    if not data.noted:
        ctx.goto(LeadStep.NOTE)
        skip = Button(ctx.t("lead.note_skip"), LeadNoteSkip(data.track_id).pack())
        return [Reply(ctx.t("lead.ask_note"), buttons=[[skip]])]
    return await consent_question(ctx)


async def consent_question(ctx: Ctx) -> list[Reply]:
    """What the team will see and the question whether they may use it."""
    data = ctx.flow(Leaving)
    track = await active_track(ctx, data.track_id)
    ctx.goto(LeadStep.CONSENT)
    text = ctx.t(
        "lead.consent",
        title=localized(track.content, "title", ctx.locale),
        name=data.name or ctx.person.name,
        phone=data.phone or known_phone(ctx),
        note=ctx.t("lead.note_line", note=data.note) if data.note else "",
    )
    buttons = [
        [Button(ctx.t("lead.agree"), LeadConsent(track.id, True).pack())],
        [Button(ctx.t("lead.decline"), LeadConsent(track.id, False).pack())],
    ]
    return [Reply(text, buttons=buttons)]


@router.step(LeadStep.NAME)
async def got_name(ctx: Ctx) -> list[Reply]:
    """Take the name, re-asking when it is not one."""
    name = plain_text(ctx, MAX_NAME)
    if name is None:
        return [Reply(ctx.t("registration.bad_name", limit=MAX_NAME))]
    ctx.goto(LeadStep.NAME, replace(ctx.flow(Leaving), name=name))
    return await next_question(ctx)


@router.step(LeadStep.PHONE)
async def got_phone(ctx: Ctx) -> list[Reply]:
    """Take a typed or shared phone, re-asking when invalid or someone else's."""
    given = await given_phone(ctx)
    if isinstance(given, Reply):
        return [given]
    phone, shared = given
    ctx.goto(LeadStep.PHONE, replace(ctx.flow(Leaving), phone=phone, phone_shared=shared))
    return await next_question(ctx)


@router.step(LeadStep.NOTE)
async def got_note(ctx: Ctx) -> list[Reply]:
    """Take the optional note for the team."""
    note = " ".join(ctx.text.split())
    if len(note) > MAX_NOTE:
        return [Reply(ctx.t("ask.too_long", limit=MAX_NOTE))]
    ctx.goto(LeadStep.NOTE, replace(ctx.flow(Leaving), note=note or None, noted=True))
    return await next_question(ctx)


@router.callback(LeadNoteSkip, step=LeadStep.NOTE)
async def skip_note(ctx: Ctx, choice: LeadNoteSkip) -> list[Reply]:
    """No note."""
    data = ctx.flow(Leaving)
    if data.track_id != choice.track_id:
        raise Stale(choice.track_id)
    ctx.goto(LeadStep.NOTE, replace(data, note=None, noted=True))
    return await next_question(ctx)


@router.step(LeadStep.CONSENT)
async def typed_at_consent(ctx: Ctx) -> list[Reply]:
    """Text where a button was expected: ask again."""
    return [Reply(ctx.t("registration.use_buttons")), *await consent_question(ctx)]


@router.callback(LeadConsent, step=LeadStep.CONSENT)
async def consent(ctx: Ctx, choice: LeadConsent) -> list[Reply]:
    """With consent, keep the details and put the lead in the team's inbox; without, nothing."""
    track = await active_track(ctx, choice.track_id)
    data = ctx.flow(Leaving)
    title = localized(track.content, "title", ctx.locale)
    if data.track_id != track.id:
        raise Stale(track.id)
    ctx.end()
    if not choice.agree:
        return [Reply(ctx.t("lead.declined", title=title), buttons=track_actions(ctx, track))]
    person = ctx.person
    if phone := data.phone or (None if person.phone else known_phone(ctx)):
        try:
            person = await attach_phone(
                ctx.session, ctx.identity, phone, verified=data.phone_shared
            )
        except PhoneTaken:
            ctx.goto(LeadStep.PHONE, replace(data, phone=None, phone_shared=False))
            return [Reply(ctx.t("registration.phone_taken"), request_contact=True)]
    person.name = data.name or person.name
    lead = await _lead(ctx, track.id)
    if lead is None:
        lead = Lead(person_id=person.id, track_id=track.id, created_at=ctx.now)
        ctx.session.add(lead)
    lead.name, lead.phone, lead.phone_verified = person.name, person.phone, person.phone_verified
    lead.note, lead.consent_at = data.note, ctx.now
    await ctx.session.flush()
    thread = Thread(
        kind=ThreadKind.LEAD,
        person_id=person.id,
        identity_id=ctx.identity.id,
        locale=ctx.locale,
        region=person.region,
        track_id=track.id,
        lead_id=lead.id,
        context="lead",
    )
    await open_thread(ctx.session, thread, data.note or "", ctx.now)
    back = [[Button(ctx.t("tracks.back", title=title), TrackOpen(track.id).pack())]]
    return [Reply(ctx.t("tracks.interest_saved", title=title), buttons=back)]
