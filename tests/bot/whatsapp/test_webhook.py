"""Only Twilio gets in: signed webhooks are answered, forged or unsigned ones refused."""

from __future__ import annotations

from tests.bot.whatsapp.conftest import NOA, WhatsApp, signed
from tests.bot.whatsapp.standin import ACCOUNT_SID, OUR_NUMBER


def message(text: str, sid: str = "SM1") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": NOA,
        "To": OUR_NUMBER,
        "Body": text,
        "NumMedia": "0",
    }


async def test_a_signed_message_is_acknowledged_with_empty_twiml_and_answered(
    whatsapp: WhatsApp,
) -> None:
    before = len(whatsapp.standin.to(NOA))
    response = await whatsapp.inbound("/events")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert "<Response></Response>" in response.text
    await whatsapp.standin.wait_for(lambda: len(whatsapp.standin.to(NOA)) > before)
    sent = whatsapp.standin.to(NOA)[-1]
    assert sent.get("From") == OUR_NUMBER
    assert sent.get("StatusCallback") is None  # nothing would record reports on a reply
    assert "1. " in sent.body


async def test_an_unsigned_message_is_refused(whatsapp: WhatsApp) -> None:
    response = await whatsapp.post("/whatsapp/inbound", message("/events"), signature=False)
    assert response.status_code == 403


async def test_a_forged_signature_is_refused(whatsapp: WhatsApp) -> None:
    headers = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    response = await whatsapp.client.post(
        "/whatsapp/inbound", data=message("/events"), headers=headers
    )
    assert response.status_code == 403


async def test_a_signature_for_other_content_is_refused(whatsapp: WhatsApp) -> None:
    headers = signed(whatsapp.url + "/whatsapp/inbound", message("/events"))
    tampered = message("/privacy")
    response = await whatsapp.client.post("/whatsapp/inbound", data=tampered, headers=headers)
    assert response.status_code == 403
    status = await whatsapp.post("/whatsapp/status", {"MessageSid": "SM1"}, signature=False)
    assert status.status_code == 403
    assert whatsapp.standin.requests == []
