"""The conversation engine: Incoming in, Reply out; routing, typed payloads, state, menus."""
