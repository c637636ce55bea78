"""Channel-neutral conversations: an `Incoming` in, `Reply` objects out.

Nothing here imports telegram, twilio or HTTP code; `bot/` adapts the channels.
"""
