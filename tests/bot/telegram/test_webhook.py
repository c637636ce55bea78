"""Only Telegram, holding our secret token, may push updates to POST /telegram/webhook."""

from __future__ import annotations

import pytest

from tests.bot.telegram.conftest import SECRET, RunningBot

MAYA = 8001


@pytest.fixture
def mode() -> str:
    return "webhook"


async def test_the_webhook_is_registered_with_our_url_and_secret(running: RunningBot) -> None:
    [webhook] = running.standin.of("setWebhook")
    assert webhook.params["url"] == f"{running.http_url}/telegram/webhook"
    assert webhook.params["secret_token"] == SECRET
    assert not running.standin.of("getUpdates")


async def test_updates_without_the_right_secret_are_refused_and_never_answered(
    running: RunningBot,
) -> None:
    standin = running.standin
    assert (await running.post(standin.message(MAYA, "/start"), secret=None)).status_code == 403
    assert (await running.post(standin.message(MAYA, "/start"), secret="guess")).status_code == 403
    [welcome] = await running.say(MAYA, standin.message(MAYA, "/help"))
    assert "/events" in welcome.params["text"]
    assert len(standin.sent(MAYA)) == 1


async def test_what_is_not_an_update_is_a_bad_request(running: RunningBot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body in (b"{not json", b"[1, 2]", b'{"no_update_id": true}'):
        response = await running.client.post("/telegram/webhook", content=body, headers=headers)
        assert response.status_code == 400, body
