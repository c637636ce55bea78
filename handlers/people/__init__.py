"""The conversations people have: discovery, events and registration, bulletins, privacy."""
