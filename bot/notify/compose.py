"""The emails the assistant sends, composed as complete messages (headers validated).

They are composed from plain records (:class:`TicketFacts` is what a ticket must offer), never from a
table of another package.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.clock import days_left, system_clock
from bot.rights.catalogue import catalogue, checklist, rights_label
from bot.settings import Settings


class TicketFacts(Protocol):
    """What an email needs to know of a ticket (a ticket row offers all of it)."""

    reference: str | None
    rights: Any
    status: str
    channel: str
    entered_by: str | None
    requester_email: str | None
    requester_telegram_id: str | None
    requester_phone: str | None
    requester_name: str | None
    verification_method: str
    verification_outcome: str
    subject_match: str | None
    received_at: datetime
    extended_due_date: date | None
    extension_reason: str | None
    request_text: str | None
    data_categories: Any

    @property
    def effective_due(self) -> date: ...


def _message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    """A message with validated From/To/Subject (CR/LF in a header raises ValueError)."""
    message = EmailMessage()
    message["From"] = Address(settings.controller_name + " privacy assistant", addr_spec=settings.email_sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(system_clock())
    message["Message-ID"] = make_msgid(domain=settings.email_sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message


def _local(settings: Settings, instant: datetime) -> str:
    return instant.astimezone(ZoneInfo(settings.controller_timezone)).strftime("%Y-%m-%d %H:%M %Z")


def _summary_rows(settings: Settings, ticket: TicketFacts, today: date) -> list[tuple[str, str]]:
    requester = ", ".join(
        x
        for x in (
            ticket.requester_name,
            ticket.requester_email,
            f"Telegram user {ticket.requester_telegram_id}" if ticket.requester_telegram_id else None,
            f"phone {ticket.requester_phone}" if ticket.requester_phone else None,
        )
        if x
    )
    verification = f"{ticket.verification_method}: {ticket.verification_outcome}"
    if ticket.subject_match:
        verification += f" ({ticket.subject_match})"
    due = ticket.effective_due
    return [
        ("Reference", ticket.reference or ""),
        ("Right(s)", rights_label(list(ticket.rights))),
        ("Requester", requester or "not given"),
        ("Verification", verification),
        ("Channel", ticket.channel + (f" (entered by {ticket.entered_by})" if ticket.entered_by else "")),
        ("Received", _local(settings, ticket.received_at)),
        ("Due", f"{due.isoformat()} ({days_left(due, today)} days left)"),
        ("Data categories", ", ".join(ticket.data_categories or []) or "none named"),
    ]


def calendar_event(ticket: TicketFacts) -> bytes:
    """An all-day .ics event on the due date."""
    cal = Calendar()
    cal.add("prodid", "-//privacybot//DSR deadline//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{ticket.reference}@privacybot")
    event.add("dtstamp", system_clock())
    event.add("dtstart", ticket.effective_due)
    event.add("summary", f"{ticket.reference} due: {rights_label(list(ticket.rights))}")
    event.add("description", f"Deadline for data-subject request {ticket.reference} (Art. 12(3) GDPR).")
    cal.add_component(event)
    return bytes(cal.to_ical())


def dpo_new_ticket(settings: Settings, ticket: TicketFacts, record: dict[str, Any], today: date) -> EmailMessage:
    """The DPO's email for a new ticket: summary, request, checklist, ``record`` as JSON and .ics attached."""
    due = ticket.effective_due.isoformat()
    subject = f"[{ticket.reference}] {rights_label(list(ticket.rights))} — due {due}"
    rows = _summary_rows(settings, ticket, today)
    steps = [(catalogue()[r].name, checklist(r)) for r in ticket.rights if r in catalogue()]
    text_lines = ["A new data-subject request was filed.", ""]
    text_lines += [f"{k + ':':<17}{v}" for k, v in rows]
    text_lines += ["", "The request in the person's words:", ticket.request_text or "(none)", ""]
    for name, items in steps:
        text_lines.append(f"Next steps — {name}:")
        text_lines += [f"  [ ] {item}" for item in items]
        text_lines.append("")
    text_lines.append(f"Work it with: privacybot tickets show {ticket.reference}")
    message = _message(settings, settings.dpo_email, subject, "\n".join(text_lines))
    e = html.escape
    table = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    checklists = "".join(
        f"<h3>Next steps — {e(name)}</h3><ul>" + "".join(f"<li>☐ {e(i)}</li>" for i in items) + "</ul>"
        for name, items in steps
    )
    message.add_alternative(
        "<html><body><p>A new data-subject request was filed.</p>"
        f"<table cellpadding='4'>{table}</table>"
        f"<h3>The request in the person's words</h3><blockquote>{e(ticket.request_text or '(none)')}"
        f"</blockquote>{checklists}</body></html>",
        subtype="html",
    )
    attachment = json.dumps(record, ensure_ascii=False, indent=2).encode()
    message.add_attachment(attachment, maintype="application", subtype="json", filename=f"{ticket.reference}.json")
    message.add_attachment(
        calendar_event(ticket), maintype="text", subtype="calendar", filename=f"{ticket.reference}-due.ics"
    )
    return message


def acknowledgement(settings: Settings, ticket: TicketFacts) -> EmailMessage:
    """The requester's receipt: reference, what happens next, when they will hear back."""
    assert ticket.requester_email
    rights = [catalogue()[r] for r in ticket.rights if r in catalogue()]
    wishes = "; ".join(r.wish for r in rights)
    text = (
        f"Hello,\n\nwe have received your request (reference {ticket.reference}): you would like us to {wishes}.\n\n"
        "What happens next: our Data Protection Officer reviews your request and contacts you if anything is "
        f"unclear. You will hear from us by {ticket.effective_due:%d %B %Y} at the latest. If we need more time "
        "because the request is complex, we will tell you before then and explain why.\n\n"
        "You do not need to do anything now. Please quote the reference if you write to us.\n\n"
        f"Kind regards\n{settings.controller_name}\n\n"
        "This message was sent automatically because a request was made with this email address. "
        "If that was not you, please tell us by replying to this email."
    )
    return _message(settings, ticket.requester_email, f"Your privacy request {ticket.reference} was received", text)


def extension_notice(settings: Settings, ticket: TicketFacts) -> EmailMessage:
    """Tells the requester the deadline was extended, and why (Art. 12(3) GDPR)."""
    assert ticket.requester_email and ticket.extended_due_date
    text = (
        f"Hello,\n\nabout your request {ticket.reference}: we need more time to answer it properly. "
        f"The reason: {ticket.extension_reason}\n\n"
        f"The law allows us to extend the deadline by two months in such cases (Art. 12(3) GDPR). "
        f"You will hear from us by {ticket.extended_due_date:%d %B %Y} at the latest.\n\n"
        f"Kind regards\n{settings.controller_name}"
    )
    return _message(
        settings, ticket.requester_email, f"Your privacy request {ticket.reference}: more time needed", text
    )


def reminder(settings: Settings, ticket: TicketFacts, today: date) -> EmailMessage:
    """Reminds the DPO of a ticket before its deadline, or escalates an overdue one."""
    left = days_left(ticket.effective_due, today)
    when = f"due in {left} days" if left > 0 else ("due TODAY" if left == 0 else f"OVERDUE by {-left} days")
    subject = f"[{ticket.reference}] {when} ({ticket.effective_due.isoformat()}) — {ticket.status}"
    text = "\n".join(
        [f"Request {ticket.reference} is {when}.", ""]
        + [f"{k + ':':<17}{v}" for k, v in _summary_rows(settings, ticket, today)]
        + ["", f"Status: {ticket.status}", f"Work it with: privacybot tickets show {ticket.reference}"]
    )
    return _message(settings, settings.dpo_email, subject, text)


def digest(settings: Settings, tickets: Sequence[TicketFacts], today: date) -> EmailMessage:
    """The DPO's daily list of open tickets by due date."""
    lines = [f"Open data-subject requests on {today.isoformat()}, by due date:", ""]
    for t in sorted(tickets, key=lambda t: t.effective_due):
        left = days_left(t.effective_due, today)
        flag = "OVERDUE" if left < 0 else ("due soon" if left <= 7 else "")
        lines.append(
            f"{t.reference}  due {t.effective_due.isoformat()} ({left:+d} days) {flag:<8} "
            f"{t.status:<22} {', '.join(t.rights)}"
        )
    if not tickets:
        lines.append("No open requests.")
    return _message(
        settings,
        settings.dpo_email,
        f"Privacy requests digest {today.isoformat()}: {len(tickets)} open",
        "\n".join(lines),
    )


def verification_code(settings: Settings, to: str, code: str, minutes: int) -> EmailMessage:
    """The one-time code that proves the person controls the address."""
    text = (
        f"Hello,\n\nyour verification code is: {code}\n\n"
        f"Enter it in the chat with our privacy assistant. It is valid for {minutes} minutes.\n\n"
        "If you did not ask for this code, you can ignore this email: nothing happens without it.\n\n"
        f"{settings.controller_name}"
    )
    return _message(settings, to, "Your verification code for the privacy assistant", text)
