"""The `privacybot` command: main.py builds the group, one module per command group."""
