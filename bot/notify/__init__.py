"""Outgoing email from plain records: composition, calendar events, the transactional outbox, transports."""
