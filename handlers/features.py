"""Importing a feature module registers its commands, buttons and steps on the router."""

import handlers.broadcast
import handlers.bulletin_schedule
import handlers.bulletins
import handlers.checkin
import handlers.commands
import handlers.contact
import handlers.coordinator
import handlers.discovery
import handlers.event_edit
import handlers.event_form
import handlers.events
import handlers.my
import handlers.newsletter
import handlers.privacy
import handlers.qr
import handlers.registration
import handlers.registrations_admin
import handlers.stats
import handlers.ticket
import handlers.topic_link
import handlers.tracks
import handlers.waitlist  # noqa: F401
