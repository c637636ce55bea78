"""Importing a feature module registers its commands, buttons and steps on the router."""

import handlers.coordinators.broadcast
import handlers.coordinators.bulletin_schedule
import handlers.coordinators.bulletins
import handlers.coordinators.checkin
import handlers.coordinators.coordinator
import handlers.coordinators.event_copy
import handlers.coordinators.event_details
import handlers.coordinators.event_edit
import handlers.coordinators.event_form
import handlers.coordinators.inbox
import handlers.coordinators.inbox_export
import handlers.coordinators.inbox_reply
import handlers.coordinators.qr
import handlers.coordinators.question_form
import handlers.coordinators.registrations_admin
import handlers.coordinators.sessions
import handlers.coordinators.stats
import handlers.core.commands
import handlers.core.contact
import handlers.people.ask
import handlers.people.ask_reply
import handlers.people.discovery
import handlers.people.events
import handlers.people.lead
import handlers.people.my
import handlers.people.newsletter
import handlers.people.privacy
import handlers.people.profile
import handlers.people.registration
import handlers.people.registration_more
import handlers.people.ticket
import handlers.people.topic_link
import handlers.people.track_link
import handlers.people.tracks
import handlers.people.waitlist  # noqa: F401
