"""The WhatsApp channel, through Twilio: signed webhooks in, the REST API out."""
