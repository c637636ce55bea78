"""Twilio's X-Twilio-Signature: an HMAC of our public URL and the posted form, by auth token."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


class Signatures:
    def __init__(self, auth_token: str, public_base_url: str) -> None:
        self.validator = RequestValidator(auth_token)
        self.public_base_url = public_base_url

    def form(self, signature: bytes | None, target: str, body: bytes) -> dict[str, str] | None:
        """The posted parameters when Twilio signed them (`signature`, the header's value,
        made for our public URL + `target`, the path and query posted to), else None. The URL
        Twilio signed is the public one: behind a proxy the request arrives with another host."""
        if not signature:
            return None
        # Twilio posts url-encoded forms; parsed here rather than pulling in a multipart parser.
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        url = self.public_base_url + target
        # One HMAC for the URL as configured (the usual case); the validator's full check
        # (with and without the port, as Twilio is inconsistent) only when that differs.
        expected = self.validator.compute_signature(url, params)
        if hmac.compare_digest(expected.encode(), signature):
            return params
        given = signature.decode("latin-1")
        return params if bool(self.validator.validate(url, params, given)) else None
