"""The Telegram channel, on python-telegram-bot: updates in, replies out, polling or webhook."""
