"""Buttons the /manage_events overview shows for tools kept in modules of their own (a series'
sessions, copying an event), so the overview needs no import of them."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.callback import CallbackData


@dataclass(frozen=True)
class SessionList(CallbackData, prefix="mss"):
    """Lists a series' sessions (handlers.coordinators.sessions)."""

    event_id: int


@dataclass(frozen=True)
class AddSessions(CallbackData, prefix="msd"):
    """Starts adding sessions to an event (handlers.coordinators.session_add)."""

    event_id: int


@dataclass(frozen=True)
class CopyEvent(CallbackData, prefix="mcp"):
    """Copies an event as a draft (handlers.coordinators.event_copy): first press asks."""

    event_id: int
    sure: bool = False


@dataclass(frozen=True)
class EventDetail(CallbackData, prefix="mdt"):
    """Shows an event's further details, or asks for one of them
    (handlers.coordinators.event_details)."""

    event_id: int
    field: str = ""


@dataclass(frozen=True)
class QuestionList(CallbackData, prefix="mql"):
    """Lists an event's questions to add or remove (handlers.coordinators.question_form)."""

    event_id: int
