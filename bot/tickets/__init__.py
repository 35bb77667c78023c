"""Tickets for the Data Protection Officer: model, lifecycle, deadlines, audit log, the service (no email, no Rasa)."""
