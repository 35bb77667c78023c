"""Rasa custom actions: thin adapters that call into the ``bot`` package."""
