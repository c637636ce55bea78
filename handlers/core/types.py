"""What flows between the channels and the conversations: `Incoming` in, `Reply` out."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from models.people import Channel


@dataclass(frozen=True)
class InboundFile:
    """A file a person sent, as the channel describes it; its bytes are fetched only when a
    step asks for them (`Ctx.file_data`). `ref` is the channel's handle for fetching it (a
    Telegram file_id, a Twilio MediaUrl); `data` is set once fetched, or by the console."""

    name: str | None
    mime: str | None
    size: int | None
    """Bytes, when the channel says before the download (Telegram does, Twilio does not)."""
    ref: str = ""
    data: bytes | None = field(default=None, repr=False)
    problem: FileProblem | None = None
    """Why the bytes could not be had, once a fetch was tried."""


class FileProblem(StrEnum):
    """Why a file's bytes could not be fetched: TOO_LARGE (over the step's limit),
    UNAVAILABLE (the platform would not give them: expired, refused, unreachable)."""

    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"


class FileFetchError(Exception):
    """Raised by a channel's fetcher; `problem` says which, `size` the file's bytes when the
    download told what the channel had not said (Twilio's Content-Length)."""

    def __init__(self, problem: FileProblem, size: int | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.size = size


class FileSource(Protocol):
    """How a channel fetches a file it described (bot/ implements it per channel)."""

    async def fetch(self, file: InboundFile, limit: int) -> bytes:
        """The file's bytes; FileFetchError(TOO_LARGE) past `limit` bytes, or UNAVAILABLE."""
        ...


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: typed text, pressed a button, shared a contact, sent media
    (`media` its kind, such as "photo" or "voice"; `file` the file, when one can be fetched;
    `text` a caption)."""

    channel: Channel
    address: str
    text: str | None = None
    payload: str | None = None
    contact_phone: str | None = None
    media: str | None = None
    display_name: str | None = None
    locale_hint: str | None = None
    file: InboundFile | None = None


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes = b""
    later: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)
    """Makes `data` once the conversation's transaction has committed (Engine.answer): a slow
    file (a PDF) then holds no database lock. It must use only values taken beforehand."""
    shared: str | None = None
    """The token of a file kept among the shared files (a broadcast's photo): a queued message
    carries the token, not the bytes, since the same file goes to thousands; the dispatcher
    loads them, and channels that can reuse one upload do."""


class TemplateKind(StrEnum):
    """What an approved WhatsApp template says, for a message outside the 24-hour window:
    REMINDER (event, time, code) and OFFER (event, deadline) say it in full or announce it;
    NOTICE (the message's first line) only announces a message held until the person replies."""

    REMINDER = "reminder"
    OFFER = "offer"
    NOTICE = "notice"


@dataclass(frozen=True)
class TemplateUse:
    """The template a proactive message may go as, with its variables in order."""

    kind: TemplateKind
    variables: tuple[str, ...]


@dataclass
class Reply:
    """A message to show. `edit` asks channels that can to replace the pressed button's message;
    `request_contact` asks channels that can to offer a "share my phone" button; `edit_of`
    (queued messages only) names an earlier message of ours that channels able to edit
    replace in place, such as a progress bar. `template` (queued messages only) is the
    approved template that can stand in for the message outside WhatsApp's 24-hour window.
    `captioned`: the text belongs to its one picture, sent as one message where the platform
    allows the text as a caption, else the picture first and the text after it."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    edit: bool = False
    request_contact: bool = False
    edit_of: int | None = None
    template: TemplateUse | None = None
    captioned: bool = False

    def options(self) -> list[Button]:
        """The buttons in reading order: the numbering text-only channels show."""
        return [button for row in self.buttons for button in row]


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A reply as JSON, for the outbox: proactive messages are rendered when queued."""
    payload: dict[str, Any] = {
        "text": reply.text,
        "buttons": [
            [{"label": b.label, "payload": b.payload} for b in row] for row in reply.buttons
        ],
        "attachments": [_attachment_to_payload(a) for a in reply.attachments],
    }
    if reply.captioned:
        payload["captioned"] = True
    if reply.edit_of is not None:
        payload["edit_of"] = reply.edit_of
    if reply.template is not None:
        payload["template"] = {
            "kind": reply.template.kind.value,
            "variables": list(reply.template.variables),
        }
    return payload


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    """The reply an outbox row stands for."""
    return Reply(
        text=str(payload["text"]),
        buttons=[
            [Button(str(b["label"]), str(b["payload"])) for b in row]
            for row in payload.get("buttons") or []
        ],
        attachments=[_attachment_from_payload(a) for a in payload.get("attachments") or []],
        edit_of=int(payload["edit_of"]) if payload.get("edit_of") else None,
        template=_template(payload.get("template")),
        captioned=bool(payload.get("captioned")),
    )


def _attachment_to_payload(attachment: Attachment) -> dict[str, str]:
    kept = {"filename": attachment.filename, "mime": attachment.mime}
    if attachment.shared is not None:
        return {**kept, "shared": attachment.shared}
    return {**kept, "data": base64.b64encode(attachment.data).decode()}


def _attachment_from_payload(value: dict[str, Any]) -> Attachment:
    filename, mime = str(value["filename"]), str(value["mime"])
    if value.get("shared"):
        return Attachment(filename, mime, shared=str(value["shared"]))
    return Attachment(filename, mime, base64.b64decode(value["data"]))


def _template(value: Any) -> TemplateUse | None:
    if not value:
        return None
    return TemplateUse(TemplateKind(value["kind"]), tuple(str(v) for v in value["variables"]))
