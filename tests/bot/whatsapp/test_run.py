"""`hagshama run` with only WhatsApp configured: the real app answers Twilio's webhooks."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from bot.app import ensure_demo_catalog, open_app
from bot.serve import serve, tcp_listener
from bot.settings import Settings, SettingsError
from bot.whatsapp.client import TwilioConfig
from models.catalog import Topic
from models.outbox import OutboxKind, Priority, enqueue, to_one
from models.people import ChannelIdentity
from models.subscriptions import subscribe
from tests.bot.whatsapp.conftest import NOA, signed
from tests.bot.whatsapp.standin import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, PATIENCE, StandIn


async def test_serve_answers_whatsapp_without_telegram(standin: StandIn, database_url: str) -> None:
    listener = tcp_listener("127.0.0.1", 0)
    listener.listen()  # requests made while the app is still starting wait instead of failing
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_whatsapp_from=OUR_NUMBER.removeprefix("whatsapp:"),
        twilio_api_base_url=standin.base_url,
        public_base_url=url,
    )
    stop = asyncio.Event()
    async with (
        open_app(settings) as app,
        httpx.AsyncClient(base_url=url, timeout=PATIENCE) as client,
    ):
        await ensure_demo_catalog(app)
        task = asyncio.create_task(serve(app, sockets=[listener], stop=stop))
        assert (await client.get("/healthz")).status_code == 200
        params = {"MessageSid": "SM" + "1" * 32, "From": NOA, "To": OUR_NUMBER, "Body": "/events"}
        forged = await client.post("/whatsapp/inbound", data=params)
        assert forged.status_code == 403
        headers = signed(url + "/whatsapp/inbound", params)
        response = await client.post("/whatsapp/inbound", data=params, headers=headers)
        assert response.status_code == 200
        await standin.wait_for(lambda: bool(standin.to(NOA)))
        # Noa subscribes to a bulletin; a bulletin queued for her goes out through the outbox.
        async with app.sessions() as session, session.begin():
            identity = await session.scalar(select(ChannelIdentity))
            topic = await session.scalar(select(Topic).order_by(Topic.id))
            assert identity is not None and topic is not None
            await subscribe(session, identity.person_id, topic.id, "whatsapp", identity.created_at)
            await enqueue(
                session,
                to_one(identity.id, "b"),
                OutboxKind.BULLETIN,
                {"text": "עלון"},
                priority=Priority.BULK,
            )
        await standin.wait_for(lambda: len(standin.to(NOA)) == 2)
        stop.set()
        await asyncio.wait_for(task, PATIENCE)
    listener.close()
    events, bulletin = standin.to(NOA)
    assert bulletin.body == "עלון"
    assert events.get("From") == OUR_NUMBER
    assert "\n1. " in events.body and "\n2. " in events.body


def test_half_a_twilio_configuration_names_what_is_missing() -> None:
    settings = Settings(_env_file=None, twilio_account_sid=ACCOUNT_SID)  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        TwilioConfig.from_settings(settings)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_whatsapp_from="+14155238886",
    )
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        TwilioConfig.from_settings(settings)
