"""Composition root: settings, CLI, channel adapters and the HTTP server."""
