"""The emails the assistant sends, composed as complete messages (headers validated).

They are composed from plain records (:class:`TicketFacts` is what a ticket must offer), never from a
table of another package. The person's emails are in the ticket's language (German or English), the DPO's in
``PRIVACYBOT_DPO_LANGUAGE``.
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
from bot.notify.wording import language_label, language_of, long_date, short_date, wishes
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
    language: Any

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


def _local(settings: Settings, instant: datetime, lang: str = "en") -> str:
    local = instant.astimezone(ZoneInfo(settings.controller_timezone))
    return local.strftime("%d.%m.%Y %H:%M %Z") if lang == "de" else local.strftime("%Y-%m-%d %H:%M %Z")


# The DPO's emails, per language (PRIVACYBOT_DPO_LANGUAGE).
DPO_TEXTS = {
    "en": {
        "labels": ("Reference", "Right(s)", "Requester", "Verification", "Channel", "Received", "Due",
                   "Data categories", "Language"),
        "not_given": "not given", "none_named": "none named", "telegram": "Telegram user", "phone": "phone",
        "entered_by": "entered by", "days_left": "days left",
        "filed": "A new data-subject request was filed.", "words": "The request in the person's words:",
        "words_title": "The request in the person's words", "none": "(none)", "next_steps": "Next steps",
        "work": "Work it with", "subject": "{rights} — due {due}",
        "person_language": "Language of the person: {language}. Answer them in this language.",
        "due_in": "due in {n} days", "due_today": "due TODAY", "overdue": "OVERDUE by {n} days",
        "is": "Request {ref} is {when}.", "status": "Status",
        "digest_head": "Open data-subject requests on {day}, by due date:", "digest_none": "No open requests.",
        "digest_subject": "Privacy requests digest {day}: {n} open", "flag_overdue": "OVERDUE",
        "flag_soon": "due soon", "due": "due", "days": "days",
    },
    "de": {
        "labels": ("Aktenzeichen", "Recht(e)", "Antragsteller", "Identitätsprüfung", "Kanal", "Eingegangen",
                   "Frist", "Datenkategorien", "Sprache"),
        "not_given": "nicht angegeben", "none_named": "keine genannt", "telegram": "Telegram-Nutzer",
        "phone": "Telefon", "entered_by": "erfasst von", "days_left": "Tage übrig",
        "filed": "Ein neuer Antrag einer betroffenen Person ist eingegangen.",
        "words": "Der Antrag in den Worten der Person:", "words_title": "Der Antrag in den Worten der Person",
        "none": "(keiner)", "next_steps": "Nächste Schritte", "work": "Bearbeiten mit",
        "subject": "{rights} — Frist {due}",
        "person_language": "Sprache der Person: {language}. Antworten Sie ihr in dieser Sprache.",
        "due_in": "fällig in {n} Tagen", "due_today": "HEUTE fällig", "overdue": "seit {n} Tagen ÜBERFÄLLIG",
        "is": "Antrag {ref} ist {when}.", "status": "Status",
        "digest_head": "Offene Anträge betroffener Personen am {day}, nach Frist:",
        "digest_none": "Keine offenen Anträge.", "digest_subject": "Datenschutz-Anträge am {day}: {n} offen",
        "flag_overdue": "ÜBERFÄLLIG", "flag_soon": "bald fällig", "due": "fällig", "days": "Tage",
    },
}  # fmt: skip


def _dpo(settings: Settings) -> tuple[str, dict[str, Any]]:
    lang = settings.dpo_language
    return lang, DPO_TEXTS[lang]


def _summary_rows(settings: Settings, ticket: TicketFacts, today: date) -> list[tuple[str, str]]:
    lang, t = _dpo(settings)
    requester = ", ".join(
        x
        for x in (
            ticket.requester_name,
            ticket.requester_email,
            f"{t['telegram']} {ticket.requester_telegram_id}" if ticket.requester_telegram_id else None,
            f"{t['phone']} {ticket.requester_phone}" if ticket.requester_phone else None,
        )
        if x
    )
    verification = f"{ticket.verification_method}: {ticket.verification_outcome}"
    if ticket.subject_match:
        verification += f" ({ticket.subject_match})"
    due = ticket.effective_due
    values = [
        ticket.reference or "",
        rights_label(list(ticket.rights), lang),
        requester or t["not_given"],
        verification,
        ticket.channel + (f" ({t['entered_by']} {ticket.entered_by})" if ticket.entered_by else ""),
        _local(settings, ticket.received_at, lang),
        f"{short_date(due, lang)} ({days_left(due, today)} {t['days_left']})",
        ", ".join(ticket.data_categories or []) or t["none_named"],
        language_label(ticket.language, lang),
    ]
    return list(zip(t["labels"], values, strict=True))


def _rows_text(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows) + 2
    return [f"{k + ':':<{width}}{v}" for k, v in rows]


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
    event.add("summary", f"{ticket.reference} due: {rights_label(list(ticket.rights), 'en')}")
    event.add("description", f"Deadline for data-subject request {ticket.reference} (Art. 12(3) GDPR).")
    cal.add_component(event)
    return bytes(cal.to_ical())


def dpo_new_ticket(settings: Settings, ticket: TicketFacts, record: dict[str, Any], today: date) -> EmailMessage:
    """The DPO's email for a new ticket: summary (with the person's language), request, checklist, ``record``
    as JSON and .ics attached."""
    lang, t = _dpo(settings)
    due = short_date(ticket.effective_due, lang)
    subject = f"[{ticket.reference}] " + t["subject"].format(rights=rights_label(list(ticket.rights), lang), due=due)
    rows = _summary_rows(settings, ticket, today)
    person_language = t["person_language"].format(language=language_label(ticket.language, lang))
    steps = [(rights_label([r], lang), checklist(r, lang)) for r in ticket.rights if r in catalogue()]
    text_lines = [t["filed"], person_language, ""]
    text_lines += _rows_text(rows)
    text_lines += ["", t["words"], ticket.request_text or t["none"], ""]
    for name, items in steps:
        text_lines.append(f"{t['next_steps']} — {name}:")
        text_lines += [f"  [ ] {item}" for item in items]
        text_lines.append("")
    text_lines.append(f"{t['work']}: privacybot tickets show {ticket.reference}")
    message = _message(settings, settings.dpo_email, subject, "\n".join(text_lines))
    e = html.escape
    table = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    checklists = "".join(
        f"<h3>{e(t['next_steps'])} — {e(name)}</h3><ul>" + "".join(f"<li>☐ {e(i)}</li>" for i in items) + "</ul>"
        for name, items in steps
    )
    message.add_alternative(
        f"<html lang='{lang}'><body><p>{e(t['filed'])}</p><p><strong>{e(person_language)}</strong></p>"
        f"<table cellpadding='4'>{table}</table>"
        f"<h3>{e(t['words_title'])}</h3><blockquote>{e(ticket.request_text or t['none'])}"
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
    """The requester's receipt, in the ticket's language: reference, what happens next, when they will hear."""
    assert ticket.requester_email
    lang = language_of(ticket.language)
    asked = wishes(list(ticket.rights), lang)
    by = long_date(ticket.effective_due, lang)
    if lang == "de":
        text = (
            f"Guten Tag,\n\nwir haben Ihren Antrag erhalten (Aktenzeichen {ticket.reference}): Sie möchten, dass wir "
            f"{asked}.\n\n"
            "Wie es weitergeht: Unser Datenschutzbeauftragter prüft Ihren Antrag und meldet sich bei Ihnen, falls "
            f"etwas unklar ist. Sie erhalten spätestens bis zum {by} eine Antwort von uns (Art. 12 Abs. 3 DSGVO). "
            "Sollten wir wegen der Komplexität des Antrags mehr Zeit benötigen, teilen wir Ihnen das vorher mit "
            "und nennen die Gründe.\n\n"
            "Sie müssen jetzt nichts weiter tun. Bitte geben Sie das Aktenzeichen an, wenn Sie uns schreiben.\n\n"
            f"Mit freundlichen Grüßen\n{settings.controller_name}\n\n"
            "Diese Nachricht wurde automatisch versandt, weil mit dieser E-Mail-Adresse ein Antrag gestellt wurde. "
            "Falls Sie das nicht waren, teilen Sie uns das bitte mit einer Antwort auf diese E-Mail mit."
        )
        subject = f"Ihr Datenschutz-Antrag {ticket.reference} ist eingegangen"
    else:
        text = (
            f"Hello,\n\nwe have received your request (reference {ticket.reference}): you would like us to {asked}."
            "\n\nWhat happens next: our Data Protection Officer reviews your request and contacts you if anything "
            f"is unclear. You will hear from us by {by} at the latest. If we need more time because the request is "
            "complex, we will tell you before then and explain why.\n\n"
            "You do not need to do anything now. Please quote the reference if you write to us.\n\n"
            f"Kind regards\n{settings.controller_name}\n\n"
            "This message was sent automatically because a request was made with this email address. "
            "If that was not you, please tell us by replying to this email."
        )
        subject = f"Your privacy request {ticket.reference} was received"
    return _message(settings, ticket.requester_email, subject, text)


def extension_notice(settings: Settings, ticket: TicketFacts) -> EmailMessage:
    """Tells the requester, in the ticket's language, that the deadline was extended and why (Art. 12(3) GDPR)."""
    assert ticket.requester_email and ticket.extended_due_date
    lang = language_of(ticket.language)
    by = long_date(ticket.extended_due_date, lang)
    if lang == "de":
        text = (
            f"Guten Tag,\n\nzu Ihrem Antrag {ticket.reference}: Wir benötigen mehr Zeit, um ihn sorgfältig zu "
            f"beantworten. Der Grund: {ticket.extension_reason}\n\n"
            "Das Gesetz erlaubt uns in solchen Fällen, die Frist um zwei Monate zu verlängern (Art. 12 Abs. 3 "
            f"DSGVO). Sie erhalten spätestens bis zum {by} eine Antwort von uns.\n\n"
            f"Mit freundlichen Grüßen\n{settings.controller_name}"
        )
        subject = f"Ihr Datenschutz-Antrag {ticket.reference}: Wir benötigen mehr Zeit"
    else:
        text = (
            f"Hello,\n\nabout your request {ticket.reference}: we need more time to answer it properly. "
            f"The reason: {ticket.extension_reason}\n\n"
            "The law allows us to extend the deadline by two months in such cases (Art. 12(3) GDPR). "
            f"You will hear from us by {by} at the latest.\n\n"
            f"Kind regards\n{settings.controller_name}"
        )
        subject = f"Your privacy request {ticket.reference}: more time needed"
    return _message(settings, ticket.requester_email, subject, text)


def _when(t: dict[str, Any], left: int) -> str:
    if left > 0:
        return str(t["due_in"]).format(n=left)
    return str(t["due_today"]) if left == 0 else str(t["overdue"]).format(n=-left)


def reminder(settings: Settings, ticket: TicketFacts, today: date) -> EmailMessage:
    """Reminds the DPO of a ticket before its deadline, or escalates an overdue one."""
    lang, t = _dpo(settings)
    when = _when(t, days_left(ticket.effective_due, today))
    subject = f"[{ticket.reference}] {when} ({short_date(ticket.effective_due, lang)}) — {ticket.status}"
    lines = [t["is"].format(ref=ticket.reference, when=when), "", *_rows_text(_summary_rows(settings, ticket, today))]
    lines += ["", f"{t['status']}: {ticket.status}", f"{t['work']}: privacybot tickets show {ticket.reference}"]
    text = "\n".join(lines)
    return _message(settings, settings.dpo_email, subject, text)


def digest(settings: Settings, tickets: Sequence[TicketFacts], today: date) -> EmailMessage:
    """The DPO's daily list of open tickets by due date."""
    lang, t = _dpo(settings)
    day = short_date(today, lang)
    lines = [t["digest_head"].format(day=day), ""]
    for ticket in sorted(tickets, key=lambda x: x.effective_due):
        left = days_left(ticket.effective_due, today)
        flag = t["flag_overdue"] if left < 0 else (t["flag_soon"] if left <= 7 else "")
        lines.append(
            f"{ticket.reference}  {t['due']} {short_date(ticket.effective_due, lang)} ({left:+d} {t['days']}) "
            f"{flag:<10} {ticket.status:<22} {', '.join(ticket.rights)}  [{ticket.language}]"
        )
    if not tickets:
        lines.append(t["digest_none"])
    return _message(settings, settings.dpo_email, t["digest_subject"].format(day=day, n=len(tickets)), "\n".join(lines))


def verification_code(settings: Settings, to: str, code: str, minutes: int, *, language: str = "en") -> EmailMessage:
    """The one-time code that proves the person controls the address, in the person's language."""
    if language_of(language) == "de":
        text = (
            f"Guten Tag,\n\nIhr Bestätigungscode lautet: {code}\n\n"
            f"Bitte geben Sie ihn im Chat mit unserem Datenschutz-Assistenten ein. Er ist {minutes} Minuten gültig."
            "\n\nFalls Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren: Ohne den Code "
            f"geschieht nichts.\n\n{settings.controller_name}"
        )
        return _message(settings, to, "Ihr Bestätigungscode für den Datenschutz-Assistenten", text)
    text = (
        f"Hello,\n\nyour verification code is: {code}\n\n"
        f"Enter it in the chat with our privacy assistant. It is valid for {minutes} minutes.\n\n"
        "If you did not ask for this code, you can ignore this email: nothing happens without it.\n\n"
        f"{settings.controller_name}"
    )
    return _message(settings, to, "Your verification code for the privacy assistant", text)
