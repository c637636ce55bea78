"""Whom a proactive message goes to; the query lives in models so conversations can use it too."""

from __future__ import annotations

from models.audience import reachable_identity

__all__ = ["reachable_identity"]
