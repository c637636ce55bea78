"""A broadcast with a photo against one without: the dispatcher sending to the stand-in Bot API
(in its own process), rounds alternated, the text-only broadcast as the reference.

    .venv/bin/python -m bench.broadcast_photo [--recipients 1000] [--rounds 3] [--photo-kb 1000]

Each round queues the same broadcast to `--recipients` people on a fresh SQLite database, once
as text and once as a captioned photo of `--photo-kb` KB (queued by its token, as
scheduler/broadcasts plans it), and sends everything at a limit high enough not to pace it.
Reports seconds per broadcast and the ratio photo ÷ text: the photo is loaded once, uploaded
once and then sent by its file id, so the ratio should stay near 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import select

from bench.broadcast import STANDIN
from handlers.core.types import Attachment, Button, Reply, reply_to_payload
from models.base import utcnow
from models.db import create_engine, sessionmaker, upgrade
from models.outbox import OutboxKind, Priority, each, enqueue
from models.people import Channel, ChannelIdentity
from models.shared_files import FileToShare, share
from scheduler.dispatcher import DispatchPolicy
from tests.scheduler.delivery import dispatcher, seed_recipients
from tests.support import picture

TEXT = "📣 כנס גזברים בסאסא ביום שלישי\n\n—\nלהסרה השיבו ״הסר״ או לחצו על הכפתור."
STOP = [[Button("🔕 הסרה", "so")]]


async def one(folder: str, base_url: str, recipients: int, photo: bytes | None) -> float:
    """Seconds to send one broadcast (with `photo`, or text only) to everyone."""
    engine = create_engine(f"sqlite:///{folder}/b-{time.monotonic_ns()}.db")
    await upgrade(engine)
    sessions = sessionmaker(engine)
    async with sessions() as session, session.begin():
        now = utcnow()
        await seed_recipients(session, recipients, now)
        reply = Reply(TEXT, STOP)
        if photo is not None:
            token = await share(
                session, FileToShare("b.jpg", "image/jpeg", photo), now + timedelta(days=1)
            )
            attachment = Attachment("b.jpg", "image/jpeg", shared=token)
            reply = Reply(TEXT, STOP, attachments=[attachment], captioned=True)
        everyone = select(ChannelIdentity.id).where(ChannelIdentity.channel == Channel.TELEGRAM)
        await enqueue(
            session,
            each(everyone, "bc:1"),
            OutboxKind.BROADCAST,
            reply_to_payload(reply),
            priority=Priority.BULK,
            not_before=now,
        )
    policy = DispatchPolicy(batch_size=100, window=200, poll=0.05)
    started = time.perf_counter()
    await dispatcher(sessions, base_url, policy, rate=100_000).run(until_idle=True)
    took = time.perf_counter() - started
    await engine.dispose()
    return took


def spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f} s"


async def rounds(base_url: str, recipients: int, count: int, photo: bytes) -> None:
    text: list[float] = []
    with_photo: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(count):
            # Alternated, and the order swapped each round, so neither always runs second.
            order = [(text, None), (with_photo, photo)]
            for times, sent in order if n % 2 == 0 else reversed(order):
                times.append(await one(folder, base_url, recipients, sent))
    ratios = [p / t for p, t in zip(with_photo, text, strict=True)]
    print(f"broadcast to {recipients} on Telegram, {count} rounds, load {os.getloadavg()[0]:.1f}")
    print(f"  text only (reference): {spread(text)}  (min / median / max)")
    print(f"  with a {len(photo) // 1024} KB photo: {spread(with_photo)}")
    print(
        f"  ratio photo ÷ text: {min(ratios):.2f} / {statistics.median(ratios):.2f} / "
        f"{max(ratios):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--photo-kb", type=int, default=1000)
    args = parser.parse_args()
    photo = picture(2000, 1500)
    photo += bytes(max(0, args.photo_kb * 1024 - len(photo)))  # a JPEG's trailing bytes are ignored
    standin = subprocess.Popen([sys.executable, "-c", STANDIN], stdout=subprocess.PIPE, text=True)
    try:
        assert standin.stdout is not None
        base_url = standin.stdout.readline().strip()
        print(f"load before: {os.getloadavg()}")
        asyncio.run(rounds(base_url, args.recipients, args.rounds, photo))
    finally:
        standin.kill()
        standin.wait()


if __name__ == "__main__":
    main()
