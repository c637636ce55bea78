"""A queued message may replace an earlier one of ours (a broadcast's progress bar)."""

from __future__ import annotations

from bot.telegram.sender import TelegramSender, outbox_bot
from handlers.core.types import Button, Reply, reply_from_payload, reply_to_payload
from models.outbox import OutboxKind
from tests.bot.telegram.standin import TOKEN, StandIn

CHAT = 7002
PROGRESS = OutboxKind.BROADCAST_PROGRESS


async def test_a_progress_bar_is_edited_in_place_and_said_anew_when_it_cannot_be(
    standin: StandIn,
) -> None:
    sender = TelegramSender(outbox_bot(TOKEN, standin.base_url))
    first = await sender.send(
        str(CHAT), Reply("░░░░ 0/4", [[Button("Stop", "bcx:1:stop")]]), PROGRESS
    )
    assert first is not None
    queued = reply_to_payload(
        Reply("▓▓░░ 2/4", [[Button("Stop", "bcx:1:stop")]], edit_of=int(first))
    )
    await sender.send(str(CHAT), reply_from_payload(queued), PROGRESS)
    assert len(standin.sent(CHAT)) == 1
    shown = standin.messages[CHAT, int(first)]
    assert shown["text"] == "▓▓░░ 2/4" and shown["reply_markup"] is not None

    standin.fail("editMessageText", 400)  # too old to edit, say
    await sender.send(str(CHAT), Reply("▓▓▓▓ 4/4", edit_of=int(first)), PROGRESS)
    assert [call.params["text"] for call in standin.sent(CHAT)] == ["░░░░ 0/4", "▓▓▓▓ 4/4"]
