"""The ticket of a confirmed registration. The confirmation with the check-in code is a message
of its own; the ticket is a one-page PDF (event, Hebrew date and time, place, name, the code as
text and as a QR code), sent on WhatsApp and offered by a button elsewhere; the calendar entry
comes as the channel can take it. The QR code is a deep link (`/start ci_<code>`): a
coordinator who scans it at the door checks the person in, exactly as `/checkin CODE` does;
anyone else is told only that it is a ticket."""

from __future__ import annotations

import io
from dataclasses import dataclass

from handlers.coordinators.checkin import checkin_command
from handlers.coordinators.posters import links
from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.router import Router, Stale
from handlers.core.types import Attachment, Button, Reply
from handlers.people.calendar import by_link, calendar_links, calendar_reply
from handlers.people.events import title, when
from handlers.people.pdf import Page
from models.catalog import Event
from models.localized import localized
from models.registrations import Registration, RegistrationStatus
from models.roles import authority_of

router = Router("ticket")

CHECKIN_LINK = "ci_"
QR_WIDTH = 62.0
"""Millimetres: a phone's camera reads it from a screen or a print at arm's length."""


@dataclass(frozen=True)
class TicketPdf(CallbackData, prefix="tkp"):
    registration_id: int


def ticket_link(ctx: Ctx, code: str) -> str:
    """What the QR code holds: the deep link on Telegram, else WhatsApp; the bare code when
    neither channel is configured (the console)."""
    found = links(ctx.config, f"{CHECKIN_LINK}{code}")
    return found[0].url if found else code


def _qr(data: str) -> bytes:
    import qrcode  # with the PDF: not loaded by a chat that makes none

    # A fixed mask: choosing the best of eight takes most of the time and any mask scans.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=0
    )
    code.add_data(data)
    image = code.make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def ticket_pdf(ctx: Ctx, event: Event, registration: Registration) -> Attachment:
    """The one-page ticket in the person's language, made after the transaction commits."""
    t, code = ctx.t, registration.checkin_code
    heading, name = t("ticket.heading"), t("ticket.name", name=ctx.person.name or "—")
    lines = [(title(ctx, event), 17.0, True, 3.0), (when(ctx, event), 12.0, False, 1.5)]
    if place := localized(event.content, "place", ctx.locale):
        lines.append((t("ticket.place", place=place), 12.0, False, 1.5))
    lines.append((name, 12.0, False, 1.5))
    if registration.guests:  # one ticket for the whole group, one code at the door
        lines.append((t("groups.ticket", count=registration.seats), 12.0, False, 1.5))
        lines += [(f"• {guest}", 11.0, False, 1.0) for guest in registration.guests]
    link, label, show = ticket_link(ctx, code), t("ticket.code"), t("ticket.show")

    def make() -> bytes:
        page = Page(t.rtl)
        page.centred(heading, 12)
        page.rule()
        for text, size, bold, gap in lines:
            page.line(text, size, bold=bold, gap=gap)
        page.rule()
        page.image(_qr(link), QR_WIDTH)
        page.centred(label, 10)
        page.centred(code, 24, bold=True)
        page.line("", 6)
        page.centred(show, 9)
        return page.output()

    return Attachment(f"ticket-{event.slug}.pdf", "application/pdf", later=make)


async def ticket(
    ctx: Ctx, event: Event, registration: Registration, buttons: list[list[Button]]
) -> list[Reply]:
    """The confirmation with the code, then the ticket and the calendar entry."""
    text = ctx.t(
        "registration.confirmed",
        title=title(ctx, event),
        when=when(ctx, event),
        code=registration.checkin_code,
    )
    if registration.guests:
        names = ", ".join([ctx.person.name or "—", *registration.guests])
        text += "\n" + ctx.t("groups.confirmed", count=registration.seats, names=names)
    if by_link(ctx):
        text = f"{text}\n\n{await calendar_links(ctx, event, registration)}"
        # The file alone, with no words of its own: on WhatsApp words go as a separate message.
        pdf = ticket_pdf(ctx, event, registration)
        return [Reply(text, buttons=buttons), Reply("", attachments=[pdf])]
    # The PDF is offered with the confirmation: one message's options, numbered once.
    offer = [Button(ctx.t("ticket.get_pdf"), TicketPdf(registration.id).pack())]
    calendar = await calendar_reply(ctx, event, registration)
    return [Reply(text, buttons=[offer, *buttons]), calendar]


@router.callback(TicketPdf)
async def send_pdf(ctx: Ctx, choice: TicketPdf) -> list[Reply]:
    """The PDF ticket of one of my confirmed registrations."""
    registration = await ctx.session.get(Registration, choice.registration_id)
    if registration is None or registration.person_id != ctx.person.id:
        raise Stale(choice.registration_id)
    event = await ctx.session.get(Event, registration.event_id)
    if event is None or registration.status != RegistrationStatus.CONFIRMED:
        return [Reply(ctx.t("ticket.gone"))]
    caption = ctx.t("ticket.caption", title=title(ctx, event))
    return [Reply(caption, attachments=[ticket_pdf(ctx, event, registration)])]


@router.deep_link(CHECKIN_LINK)
async def scanned(ctx: Ctx, code: str) -> list[Reply]:
    """A ticket's QR code, scanned: a coordinator checks the person in; anyone else learns only
    that it is a ticket (no name, no event)."""
    authority = await authority_of(ctx.session, ctx.identity, ctx.config.admin_addresses)
    if authority is None:
        return [Reply(ctx.t("ticket.scanned"))]
    ctx.args = code
    return await checkin_command(ctx, authority)
