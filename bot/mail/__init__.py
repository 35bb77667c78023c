"""Outgoing email: composition, transports (file outbox, SMTP) and the transactional outbox."""
