"""Moving a ticket on and answering the person: the one code path of the console and the CLI.

A status change that closes a request queues the person's answer in the same transaction (so the
change and its email happen together or not at all): completion with the DPO's message and, for
access and portability, a download link to the file; rejection with the reason in plain words and the
Art. 12(4) GDPR information; confirmation of a withdrawal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy.orm import Session

from bot.clock import system_clock
from bot.console.downloads import create_link, files_dir, store
from bot.console.uploads import CheckedUpload, Upload, UploadRefused, check_upload
from bot.dialogue.replies import supervisory_authority
from bot.notify import answers
from bot.notify.outbox import enqueue
from bot.settings import Settings
from bot.tickets.lifecycle import Status
from bot.tickets.models import Ticket
from bot.tickets.service import TicketService, audit

FILE_RIGHTS = frozenset({"access", "portability"})


@dataclass(frozen=True)
class Changed:
    """The ticket after the change and what the person was sent."""

    ticket: Ticket
    emailed: str | None  # the kind of email queued for the person, if any
    download_url: str | None = None


def authority(settings: Settings) -> answers.Authority:
    """The supervisory authority competent for the controller."""
    a = supervisory_authority(settings.controller_region)
    return answers.Authority(a["name"], a["address"], a["email"], a["web"])


def change_status(
    settings: Settings,
    service: TicketService,
    reference: str,
    status: str,
    actor: str,
    note: str | None = None,
    reason: str | None = None,
    message: str | None = None,
    upload: Upload | None = None,
    now: datetime | None = None,
) -> Changed:
    """Change a ticket's status and queue the person's answer (TransitionError / UploadRefused if refused).

    ``message`` is what the person is told (completion; the explanation of a rejection); ``upload`` a
    file for an access or portability request, offered for download, never attached.
    """
    now = now or system_clock()
    checked = _checked_upload(settings, service, reference, status, upload)
    stored = store(settings, checked) if checked else None
    sent: dict[str, str | None] = {"kind": None, "url": None}

    def answer(session: Session, ticket: Ticket) -> None:
        email = _answer_email(settings, session, ticket, status, reason, message, checked, stored, now, sent)
        if email is None:
            return
        kind, composed = email
        enqueue(session, composed, kind, ticket.id)
        sent["kind"] = kind
        audit(
            session,
            ticket,
            actor,
            "person_answered",
            after={"email": kind, "download_link": sent["url"] is not None},
            at=now,
        )

    try:
        ticket = service.set_status(reference, status, actor, note, reason, effects=answer, now=now)
    except BaseException:
        if stored:
            (files_dir(settings) / stored).unlink(missing_ok=True)
        raise
    return Changed(ticket, sent["kind"], sent["url"])


def _checked_upload(
    settings: Settings, service: TicketService, reference: str, status: str, upload: Upload | None
) -> CheckedUpload | None:
    if upload is None:
        return None
    if status != Status.completed.value:
        raise UploadRefused("a file can only be sent when the request is completed")
    ticket, _ = service.get(reference)
    if not FILE_RIGHTS & set(ticket.rights):
        raise UploadRefused("a file is sent only for access and portability requests")
    if not ticket.requester_email:
        raise UploadRefused("this request has no email address: the download link could not reach the person")
    return check_upload(upload, settings.console_upload_limit_mb * 1024 * 1024)


def _answer_email(
    settings: Settings,
    session: Session,
    ticket: Ticket,
    status: str,
    reason: str | None,
    message: str | None,
    checked: CheckedUpload | None,
    stored: str | None,
    now: datetime,
    sent: dict[str, str | None],
) -> tuple[str, EmailMessage] | None:
    to = ticket.requester_email
    if not to:
        return None
    reference, language = str(ticket.reference), ticket.language
    if status == Status.completed.value:
        url = valid_until = None
        if checked is not None and stored is not None:
            url, expires = create_link(session, settings, ticket, stored, checked, now)
            valid_until = settings.jurisdiction.local_date(expires)
            sent["url"] = url
        return "answer_completed", answers.completion(settings, to, reference, language, message, url, valid_until)
    if status == Status.rejected.value:
        composed = answers.rejection(settings, to, reference, language, reason or "other", message, authority(settings))
        return "answer_rejected", composed
    if status == Status.withdrawn.value:
        return "answer_withdrawn", answers.withdrawal(settings, to, reference, language)
    return None
