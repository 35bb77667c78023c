"""Tickets for the Data Protection Officer: storage, lifecycle, deadlines, audit log."""
