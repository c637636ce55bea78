"""Readers of what people type: dates and times, event fields, options by their label."""
