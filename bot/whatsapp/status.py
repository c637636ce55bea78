"""POST /whatsapp/status: Twilio's reports on messages we sent, recorded on their outbox rows.

A message Twilio refuses as outside the 24-hour window (63016: the person's last message was
longer ago than our record suggests) goes again at once by the template path, under the same
row: the row keeps its history, takes the new message's sid and stays SENT (or HELD, when only
a notice could go); `last_error` says it was re-sent. A failure saying the person blocked us or
the number cannot receive WhatsApp (63014, 63024) marks the identity and skips what is queued
for it; one saying the messaging tier is spent (63018) queues the row again for the next day.
A report that arrives before the dispatcher stored the message's sid is held and applied when
it is (models/reports.py). Reports are stored in the inbox first, once per sid and status, and
applied by its worker in the order they came for each message."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Route

from bot.http import Limits
from bot.intake import Intake
from bot.whatsapp.client import NEXT_DAY, OUTSIDE_WINDOW, STATUS_PATH, TIER_REACHED, UNREACHABLE
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.signature import Signatures
from bot.whatsapp.webhooks import sid, webhook
from handlers.core.types import reply_from_payload
from locales import reply_locale
from models.inbox import Arrival, Claimed
from models.outbox import OutboxMessage, OutboxStatus, skip_pending
from models.people import Channel, ChannelIdentity, Person
from models.reports import Report, apply_early_reports, record_report
from scheduler.sender import Deferred, Held

log = logging.getLogger(__name__)

REPORTED = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.READ,
    "failed": OutboxStatus.FAILED,
    "undelivered": OutboxStatus.FAILED,
}
KIND = "status"
KEPT = ("MessageSid", "MessageStatus", "ErrorCode", "ErrorMessage")


def arrival(params: dict[str, str]) -> Arrival | None:
    """A report to store, once per sid and status; None for one we do not record."""
    message_id = sid(params)
    status = params.get("MessageStatus", "")
    if status not in REPORTED or not message_id:
        return None
    kept = {key: params[key] for key in KEPT if key in params}
    return Arrival(Channel.WHATSAPP, f"{message_id}:{status}", KIND, message_id, kept)


class StatusReports:
    def __init__(self, sender: WhatsAppSender, signatures: Signatures) -> None:
        self.sender = sender
        self.sessions = sender.sessions
        self.signatures = signatures

    def route(self, intake: Intake, limits: Limits) -> Route:
        return webhook(STATUS_PATH, intake, self.signatures, limits, arrival)

    async def apply(self, entry: Claimed) -> None:
        """Record the reported status on the row that carries this MessageSid."""
        params = entry.payload
        code = params.get("ErrorCode") or None
        error = f"{code}: {params.get('ErrorMessage') or 'refused'}" if code else None
        report = Report(entry.chat, REPORTED[params["MessageStatus"]], code, error)
        async with self.sessions() as session, session.begin():
            row_id = await record_report(session, report, self.sender.clock())
            await self.consequences(session, report)
        if row_id is not None:
            moved = [(row_id, report)]
        else:
            # Held or out of order; the dispatcher may have stored the sid since we looked.
            moved = await self.apply_early([entry.chat])
        await self.resend_all(_refused(moved))

    async def consequences(self, session: AsyncSession, report: Report) -> None:
        """What a failure says about the person or our budget, beyond this one message."""
        if report.status != OutboxStatus.FAILED or not (report.error_code or "").isdigit():
            return
        code = int(report.error_code or 0)
        if code in UNREACHABLE:
            identity_id = await session.scalar(
                update(ChannelIdentity)
                .where(
                    ChannelIdentity.id
                    == select(OutboxMessage.identity_id)
                    .where(OutboxMessage.provider_id == report.provider_id)
                    .limit(1)
                    .scalar_subquery()
                )
                .values(status=UNREACHABLE[code])
                .returning(ChannelIdentity.id)
                .execution_options(synchronize_session=False)
            )
            if identity_id is not None:
                await skip_pending(session, identity_id)
        elif code == TIER_REACHED:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.provider_id == report.provider_id)
                .values(
                    status=OutboxStatus.PENDING,
                    not_before=self.sender.clock() + NEXT_DAY,
                    provider_id=None,
                )
                .execution_options(synchronize_session=False)
            )

    async def catch_up(self, sids: list[str]) -> None:
        """The dispatcher has just stored these sids: apply any reports that came first."""
        await self.resend_all(_refused(await self.apply_early(sids)))

    async def apply_early(self, sids: list[str]) -> list[tuple[int, Report]]:
        async with self.sessions() as session, session.begin():
            return await apply_early_reports(session, sids)

    async def resend_all(self, row_ids: Iterable[int]) -> None:
        for row_id in row_ids:
            await self.resend(row_id)

    async def resend(self, row_id: int) -> None:
        """Send a row Twilio refused as outside the window again, by the template path."""
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(
                        OutboxMessage.payload,
                        OutboxMessage.identity_id,
                        ChannelIdentity.person_id,
                        ChannelIdentity.address,
                        Person.locale,
                    )
                    .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
                    .join(Person, Person.id == ChannelIdentity.person_id)
                    .where(OutboxMessage.id == row_id)
                )
            ).one()
        reply = reply_from_payload(row.payload)
        locale = reply_locale(row.locale, self.sender.default_locale)
        values: dict[str, object]
        try:
            sid = await self.sender.outside_window(
                row.identity_id, row.person_id, row.address, reply, locale
            )
        except Held as held:
            reason, outcome = f"{OUTSIDE_WINDOW}: {held}", "held"
            values = {"status": OutboxStatus.HELD, "provider_id": held.provider_id}
            values["last_error"] = reason
        except Deferred as deferred:
            reason, outcome = f"{OUTSIDE_WINDOW}: {deferred}", "deferred"
            later = self.sender.clock() + deferred.delay
            values = {"status": OutboxStatus.PENDING, "not_before": later, "last_error": reason}
        except Exception as error:
            reason, outcome = f"{OUTSIDE_WINDOW}: {error}", type(error).__name__
            values = {"last_error": reason}
        else:
            reason = outcome = f"{OUTSIDE_WINDOW}: re-sent as template"
            values = {"status": OutboxStatus.SENT, "provider_id": sid, "last_error": reason}
        # The outcome only: Twilio's error text can quote the number it refused.
        log.info("outbox row %s outside the window: %s", row_id, outcome)
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )
        if values.get("provider_id"):
            # The template's own reports may have come before its sid was stored.
            await self.apply_early([str(values["provider_id"])])


def _refused(moved: list[tuple[int, Report]]) -> list[int]:
    """The rows Twilio refused as outside the 24-hour window."""
    return [row_id for row_id, report in moved if report.error_code == str(OUTSIDE_WINDOW)]
