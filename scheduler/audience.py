"""Whom a proactive message goes to: one reachable identity per person. The rule lives with the
people (models.people), where conversations counting an audience use it too."""

from models.people import reachable_identity

__all__ = ["reachable_identity"]
