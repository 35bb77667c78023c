"""Plain-data views of tickets: for the JSON attachment, exports, the CLI; masked for lists."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from bot.tickets.models import AuditEvent, Ticket


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def mask_email(address: str | None) -> str | None:
    """'jane.doe@example.com' -> 'j***@e***.com' (enough to tell tickets apart, not to identify)."""
    if not address or "@" not in address:
        return address
    local, _, domain = address.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{(host or domain)[:1]}***{'.' + tld if host else ''}"


def mask_id(value: str | None) -> str | None:
    """'123456789' -> '*****6789'."""
    if not value:
        return value
    return "*" * max(0, len(value) - 4) + value[-4:]


def ticket_record(ticket: Ticket, masked: bool = False) -> dict[str, Any]:
    """Every field of a ticket; with ``masked``, requester contacts are masked."""
    email, telegram = ticket.requester_email, ticket.requester_telegram_id
    phone = ticket.requester_phone
    if masked:
        email, telegram, phone = mask_email(email), mask_id(telegram), mask_id(phone)
    return {
        "reference": ticket.reference,
        "rights": list(ticket.rights),
        "status": ticket.status,
        "channel": ticket.channel,
        "entered_by": ticket.entered_by,
        "requester": {
            "email": email,
            "telegram_user_id": telegram,
            "phone": phone,
            "name": None if masked else ticket.requester_name,
        },
        "verification": {
            "method": ticket.verification_method,
            "outcome": ticket.verification_outcome,
            "subject_match": ticket.subject_match,
        },
        "received_at": _iso(ticket.received_at),
        "due_date": _iso(ticket.due_date),
        "extended_due_date": _iso(ticket.extended_due_date),
        "extension_reason": ticket.extension_reason,
        "effective_due_date": _iso(ticket.effective_due),
        "closed_at": _iso(ticket.closed_at),
        "outcome": ticket.outcome,
        "request_text": None if masked else ticket.request_text,
        "data_categories": list(ticket.data_categories or []),
        "language": ticket.language,
    }


def event_record(event: AuditEvent) -> dict[str, Any]:
    """One audit log entry."""
    return {
        "at": _iso(event.at),
        "actor": event.actor,
        "action": event.action,
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }


# The register of requests (Art. 5(2) GDPR accountability): these fields, no requester contacts.
REGISTER_FIELDS = [
    "reference", "rights", "status", "channel", "entered_by", "verification_method", "verification_outcome",
    "received_at", "due_date", "extended_due_date", "extension_reason", "closed_at", "outcome", "language",
]  # fmt: skip


def register_row(ticket: Ticket) -> dict[str, Any]:
    """One ticket as a line of the register."""
    record = ticket_record(ticket)
    flat = {**record, **{f"verification_{k}": v for k, v in record["verification"].items()}}
    return {k: flat[k] for k in REGISTER_FIELDS}


def register_csv(tickets: list[Ticket]) -> str:
    """The register as CSV (lists joined with ';')."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REGISTER_FIELDS, lineterminator="\n")
    writer.writeheader()
    for ticket in tickets:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in register_row(ticket).items()})
    return buffer.getvalue()
