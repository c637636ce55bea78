"""The features the bot is built from, in the order its menus list them.

A feature is a module with its own `Router` (`CoordinatorRouter` for coordinator tools); it takes
part once listed here. The main menu and /admin list their items in this order.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.coordinators import (
    broadcast,
    broadcast_compose,
    bulletin_schedule,
    bulletins,
    checkin,
    coordinator,
    event_edit,
    event_form,
    event_manage,
    qr,
    registrations_admin,
    stats,
)
from handlers.core import commands, contact, menu
from handlers.core.router import Router
from handlers.people import (
    discovery,
    events,
    my,
    newsletter,
    privacy,
    registration,
    ticket,
    topic_link,
    tracks,
    waitlist,
)

CORE: tuple[Router, ...] = (commands.router, menu.router)
"""What every engine has: /start, /help, /menu, /cancel, /language and the main menu's buttons."""

FEATURES: tuple[Router, ...] = (
    discovery.router,
    tracks.router,
    events.router,
    registration.router,
    waitlist.router,
    ticket.router,
    newsletter.router,
    topic_link.router,
    my.router,
    privacy.router,
    contact.router,
    coordinator.coordinator,
    broadcast.coordinator,
    broadcast_compose.coordinator,
    bulletins.coordinator,
    bulletin_schedule.coordinator,
    checkin.coordinator,
    event_manage.coordinator,
    event_edit.coordinator,
    event_form.coordinator,
    registrations_admin.coordinator,
    qr.coordinator,
    stats.coordinator,
)


def routes(features: Iterable[Router] = FEATURES) -> Router:
    """One router with the core and the given features, their menu items in this order."""
    built = Router("bot")
    for feature in (*features, *CORE):
        built.include_router(feature)
    return built
