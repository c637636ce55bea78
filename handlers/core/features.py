"""The features the bot is built from, in the order its menus list them.

A feature is a module with its own `Router` (`CoordinatorRouter` for coordinator tools); it takes
part once listed here. The main menu and /admin list their items in this order.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.coordinators import (
    broadcast,
    broadcast_compose,
    broadcast_pick,
    broadcast_scheduled,
    bulletin_audience,
    bulletin_schedule,
    bulletins,
    checkin,
    coordinator,
    event_copy,
    event_details,
    event_edit,
    event_form,
    event_form_answers,
    event_manage,
    inbox,
    inbox_export,
    inbox_reply,
    people_import,
    qr,
    question_form,
    question_list,
    registrations_admin,
    session_add,
    sessions,
    stats,
)
from handlers.core import commands, contact, menu
from handlers.core.router import Router
from handlers.people import (
    ask,
    ask_reply,
    discovery,
    events,
    lead,
    my,
    privacy,
    profile,
    registration,
    registration_more,
    subscriptions,
    ticket,
    topic_link,
    track_link,
    tracks,
    waitlist,
)

CORE: tuple[Router, ...] = (commands.router, menu.router)
"""What every engine has: /start, /help, /menu, /cancel, /language and the main menu's buttons."""

FEATURES: tuple[Router, ...] = (
    discovery.router,
    tracks.router,
    track_link.router,
    lead.router,
    events.router,
    registration.router,
    registration_more.router,
    waitlist.router,
    ticket.router,
    subscriptions.router,
    topic_link.router,
    my.router,
    ask.router,
    ask_reply.router,
    profile.router,
    privacy.router,
    contact.router,
    coordinator.coordinator,
    broadcast.coordinator,
    broadcast_compose.coordinator,
    broadcast_pick.coordinator,
    broadcast_scheduled.coordinator,
    bulletins.coordinator,
    bulletin_audience.coordinator,
    bulletin_schedule.coordinator,
    inbox.coordinator,
    inbox_reply.coordinator,
    inbox_export.coordinator,
    checkin.coordinator,
    event_manage.coordinator,
    event_edit.coordinator,
    event_details.coordinator,
    event_copy.coordinator,
    sessions.coordinator,
    question_list.coordinator,
    session_add.coordinator,
    question_form.coordinator,
    event_form.coordinator,
    event_form_answers.coordinator,
    registrations_admin.coordinator,
    people_import.coordinator,
    qr.coordinator,
    stats.coordinator,
)


def routes(features: Iterable[Router] = FEATURES) -> Router:
    """One router with the core and the given features, their menu items in this order."""
    built = Router("bot")
    for feature in (*features, *CORE):
        built.include_router(feature)
    return built
