"""Importing a feature module registers its commands, buttons and steps on the router."""

import handlers.coordinators.broadcast
import handlers.coordinators.bulletin_schedule
import handlers.coordinators.bulletins
import handlers.coordinators.checkin
import handlers.coordinators.coordinator
import handlers.coordinators.event_edit
import handlers.coordinators.event_form
import handlers.coordinators.qr
import handlers.coordinators.registrations_admin
import handlers.coordinators.stats
import handlers.core.commands
import handlers.core.contact
import handlers.people.discovery
import handlers.people.events
import handlers.people.my
import handlers.people.newsletter
import handlers.people.privacy
import handlers.people.registration
import handlers.people.ticket
import handlers.people.topic_link
import handlers.people.track_link
import handlers.people.tracks
import handlers.people.waitlist  # noqa: F401
