"""The outbox dispatcher: claims due rows in batches, sends them at the channel's pace, records
what happened. Several dispatchers may share one PostgreSQL outbox; SQLite has one.

Crash safety: a row is claimed (SENDING) before it is sent and settled after, so a dispatcher
killed in between leaves at most `DispatchPolicy.window` rows whose fate is unknown; once their
lease runs out another dispatcher sends them again. Nothing is lost; duplicates stay within
that window."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.types import reply_from_payload
from models.base import utcnow
from models.conversation import offer_options
from models.outbox import Claim, OutboxStatus, Settlement, claim_due, settle, skip_pending
from models.people import Channel, IdentityStatus, mark_blocked
from scheduler.attached import AttachedFiles
from scheduler.ratelimit import RateLimiter
from scheduler.sender import (
    NUMBERED,
    Deferred,
    Held,
    OutsideWindow,
    PermanentFailure,
    RecipientBlocked,
    RetryLater,
    Sender,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchPolicy:
    """How much to claim at once and how to retry."""

    batch_size: int = 50
    window: int = 100
    """Most rows claimed and not yet settled: bounds both duplicates after a crash and how long
    an urgent row can wait behind bulk rows already claimed (window ÷ rate)."""
    lease: timedelta = timedelta(minutes=2)
    """A claim older than this is presumed dead; must outlast one send and its rate-limit wait."""
    max_attempts: int = 5
    backoff: float = 2.0
    """Seconds before the first retry after a network or server error; doubles each time."""
    backoff_cap: float = 900.0
    chat_wait: float = 1.0
    """A message whose chat is busy for longer than this goes back to the queue instead of
    holding a place in the window."""
    poll: float = 0.5


@dataclass(frozen=True)
class Outcome:
    channel: Channel
    settlement: Settlement
    blocked: Claim | None = None
    mark: IdentityStatus = IdentityStatus.BLOCKED
    offered: tuple[int, list[list[str]]] | None = None
    """(identity, [label, payload] pairs) a sent message numbered for a text-only channel."""


Stored = Callable[[list[str]], Awaitable[None]]
"""Told the provider ids a channel's rows have just been settled with, once committed: reports
the provider sent before the ids were stored can then be applied (models/reports.py)."""


def default_worker() -> str:
    """A name for this dispatcher, unique across hosts and restarts."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: Iterable[Sender],
        *,
        limiters: Mapping[Channel, RateLimiter] | None = None,
        policy: DispatchPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        worker: str | None = None,
        jitter: Callable[[], float] = random.random,
        stored: Mapping[Channel, Stored] | None = None,
    ) -> None:
        self.sessions = sessions
        self.senders = {sender.channel: sender for sender in senders}
        self.limiters = dict(limiters or {})
        self.policy = policy or DispatchPolicy()
        self.clock = clock
        self.worker = worker or default_worker()
        self.jitter = jitter
        self.stored = dict(stored or {})
        self.files = AttachedFiles(sessions, clock)

    async def run(self, stop: asyncio.Event | None = None, *, until_idle: bool = False) -> None:
        """Claim, send and settle until `stop` is set — or, with `until_idle`, until nothing is
        due and nothing is in flight. Rows in flight when stopping are finished first."""
        inflight: set[asyncio.Task[Outcome]] = set()
        try:
            while stop is None or not stop.is_set():
                if self.policy.window - len(inflight) >= self.policy.batch_size:
                    claims = await self._claim()
                    inflight.update(asyncio.create_task(self._deliver(c)) for c in claims)
                if not inflight:
                    if until_idle:
                        return
                    await _pause(stop, self.policy.poll)
                    continue
                done, inflight = await asyncio.wait(
                    inflight, timeout=self.policy.poll, return_when=asyncio.FIRST_COMPLETED
                )
                await self._record([task.result() for task in done])
            if inflight:
                done, inflight = await asyncio.wait(inflight)
                await self._record([task.result() for task in done])
        finally:
            for task in inflight:
                task.cancel()

    async def _claim(self) -> list[Claim]:
        async with self.sessions() as session, session.begin():
            return await claim_due(
                session,
                self.worker,
                self.clock(),
                limit=self.policy.batch_size,
                lease=self.policy.lease,
                channels=list(self.senders),
            )

    async def _deliver(self, claim: Claim) -> Outcome:
        """Send one claimed row and say what became of it; never raises."""
        if claim.blocked:
            return Outcome(
                claim.channel, Settlement(claim.id, OutboxStatus.SKIPPED, claim.attempts)
            )
        limiter = self.limiters.get(claim.channel)
        if limiter is not None:
            busy = limiter.chat_delay(claim.address)
            if busy > self.policy.chat_wait:
                later = self.clock() + timedelta(seconds=busy)
                pending = Settlement(claim.id, OutboxStatus.PENDING, claim.attempts, later)
                return Outcome(claim.channel, pending)
            await limiter.acquire(claim.address)
        try:
            reply = await self.files.loaded(reply_from_payload(claim.payload))
            provider_id = await self.senders[claim.channel].send(claim.address, reply, claim.kind)
        except RetryLater as error:
            if limiter is not None and error.retry_after is not None:
                await limiter.pause(error.retry_after)  # the platform throttles the whole bot
            retry = self._retry(claim, str(error) or "retry later", error.retry_after)
            return Outcome(claim.channel, retry)
        except RecipientBlocked as error:
            skipped = Settlement(
                claim.id,
                OutboxStatus.SKIPPED,
                claim.attempts + 1,
                last_error=str(error) or "blocked",
            )
            return Outcome(claim.channel, skipped, blocked=claim, mark=error.status)
        except Deferred as error:
            later = self.clock() + error.delay
            waits = Settlement(
                claim.id, OutboxStatus.PENDING, claim.attempts, later, last_error=str(error)
            )
            return Outcome(claim.channel, waits)
        except Held as error:
            held = Settlement(
                claim.id,
                OutboxStatus.HELD,
                claim.attempts + 1,
                provider_id=error.provider_id,
                last_error=str(error),
                # The notice's time: one notice a day however many messages it announces.
                sent_at=self.clock() if error.provider_id else None,
            )
            return Outcome(claim.channel, held)
        except (OutsideWindow, PermanentFailure) as error:
            reason = str(error) or type(error).__name__
            failed = Settlement(
                claim.id, OutboxStatus.FAILED, claim.attempts + 1, last_error=reason
            )
            return Outcome(claim.channel, failed)
        except Exception as error:
            # A fault in a sender must not stop the queue: retry, and give up after max_attempts.
            log.exception("sending outbox row %s failed unexpectedly", claim.id)
            return Outcome(claim.channel, self._retry(claim, repr(error), None))
        sent = Settlement(
            claim.id,
            OutboxStatus.SENT,
            claim.attempts + 1,
            provider_id=provider_id,
            sent_at=self.clock(),
        )
        if claim.channel in NUMBERED and (options := reply.options()):
            menu = [[b.label, b.payload] for b in options]
            return Outcome(claim.channel, sent, offered=(claim.identity_id, menu))
        return Outcome(claim.channel, sent)

    def _retry(self, claim: Claim, error: str, retry_after: float | None) -> Settlement:
        """PENDING again after the provider's wait or an exponential backoff, FAILED at the last
        attempt."""
        attempts = claim.attempts + 1
        if attempts >= self.policy.max_attempts:
            return Settlement(claim.id, OutboxStatus.FAILED, attempts, last_error=error)
        if retry_after is None:
            ceiling = min(self.policy.backoff_cap, self.policy.backoff * 2 ** (attempts - 1))
            # Half fixed, half random: retries after an outage spread out instead of stampeding.
            retry_after = ceiling * (0.5 + self.jitter() / 2)
        later = self.clock() + timedelta(seconds=retry_after)
        return Settlement(claim.id, OutboxStatus.PENDING, attempts, later, last_error=error)

    async def _record(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        async with self.sessions() as session, session.begin():
            await settle(session, self.worker, [outcome.settlement for outcome in outcomes])
            for outcome in outcomes:
                if outcome.blocked is not None:
                    claim = outcome.blocked
                    await mark_blocked(session, claim.channel, claim.address, outcome.mark)
                    await skip_pending(session, claim.identity_id)
            offers = [outcome.offered for outcome in outcomes if outcome.offered is not None]
            await offer_options(session, offers, self.clock())
        await self._tell_stored(outcomes)

    async def _tell_stored(self, outcomes: list[Outcome]) -> None:
        for channel, hook in self.stored.items():
            ids = [
                o.settlement.provider_id
                for o in outcomes
                if o.channel == channel and o.settlement.provider_id is not None
            ]
            if not ids:
                continue
            try:
                await hook(ids)
            except Exception:
                # The rows are settled; only reports that came early are late in applying.
                log.exception("applying early reports on %s messages failed", channel)


async def _pause(stop: asyncio.Event | None, seconds: float) -> None:
    """Sleep, waking early when asked to stop."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
