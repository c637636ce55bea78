"""Importing a feature module registers its commands, buttons and steps on the router."""

import handlers.commands  # noqa: F401
