"""The coordinators' tools, each behind the one gate in coordinator.py."""
