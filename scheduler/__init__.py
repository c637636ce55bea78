"""Proactive work — reminders, bulletins, offer expiry — claimed from our own tables."""
