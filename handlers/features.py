"""Importing a feature module registers its commands, buttons and steps on the router."""

import handlers.broadcast
import handlers.commands
import handlers.contact
import handlers.coordinator
import handlers.discovery
import handlers.events
import handlers.my
import handlers.newsletter
import handlers.privacy
import handlers.registration
import handlers.tracks
import handlers.waitlist  # noqa: F401
