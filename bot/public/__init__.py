"""The public web pages: events, tracks and the bulletin archive, for anyone with a link."""
