"""Rasa input channels of the assistant (listed in bot/credentials.yml)."""
