"""Rasa input channels (listed in bot/credentials.yml), the Telegram bridge and the widget server."""
