"""The queue, a ticket's detail and the actions taken from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select

from bot.clock import days_left
from bot.console.outcomes import change_status
from bot.console.transcript import transcript
from bot.console.uploads import Upload, UploadRefused
from bot.console.web import Console, changes, signed_in
from bot.db.sessions import transaction
from bot.notify.wording import language_label
from bot.rights.catalogue import catalogue, checklist
from bot.tickets.lifecycle import CLOSED, REJECTION_REASONS, TRANSITIONS, Status, TransitionError
from bot.tickets.models import Ticket
from bot.tickets.records import mask_email, mask_id
from bot.tickets.service import TICKET_CHANNELS, TicketNotFound, audit

NOTE_LIMIT = 4000
DONE = {
    "started": "Work started.",
    "noted": "Note added.",
    "extended": "Deadline extended; the person was emailed the reason.",
    "extended_no_email": "Deadline extended. There is no email address: tell the person another way.",
    "completed": "Completed; the person's answer is queued for sending.",
    "rejected": "Rejected; the person's answer with the reason and their remedies is queued for sending.",
    "withdrawn": "Withdrawn; the person's confirmation is queued for sending.",
    "closed_no_email": "Done. There is no email address: tell the person another way.",
}


def urgency(left: int) -> str:
    """The colour class of the days left: calm (10 or more), amber (under 10), red (under 5), overdue."""
    if left < 0:
        return "overdue"
    if left < 5:
        return "red"
    if left < 10:
        return "amber"
    return "calm"


@dataclass(frozen=True)
class Row:
    """One line of the queue (contacts masked)."""

    reference: str
    rights: str
    status: str
    channel: str
    contact: str
    received: date
    due: date
    extended: bool
    left: int
    urgency: str


def queue_rows(console: Console, args: dict[str, str], today: date) -> list[Row]:
    """Tickets by due date after the filters; open tickets unless a status is chosen."""
    status = args.get("status") or ""
    tickets = console.service.find(status=status or None, open_only=not status, today=today)
    if args.get("right"):
        tickets = [t for t in tickets if args["right"] in t.rights]
    if args.get("channel"):
        tickets = [t for t in tickets if t.channel == args["channel"]]
    if args.get("overdue"):
        tickets = [t for t in tickets if t.effective_due < today and t.status not in CLOSED]
    query = (args.get("q") or "").strip().upper()
    if query:
        tickets = [t for t in tickets if query in (t.reference or "")]
    rows = []
    for t in tickets:
        left = days_left(t.effective_due, today)
        contact = mask_email(t.requester_email) or mask_id(t.requester_telegram_id) or mask_id(t.requester_phone)
        rows.append(
            Row(
                reference=t.reference,
                rights=", ".join(catalogue()[r].name for r in t.rights if r in catalogue()),
                status=t.status,
                channel=t.channel,
                contact=contact or "—",
                received=console.settings.jurisdiction.local_date(t.received_at),
                due=t.effective_due,
                extended=t.extended_due_date is not None,
                left=left,
                urgency=urgency(left) if t.status not in CLOSED else "closed",
            )
        )
    return rows


def add_routes(app: Sanic, console: Console) -> None:
    """The queue and ticket pages."""
    _page_routes(app, console)
    _change_routes(app, console)
    _closing_routes(app, console)


def _detail(console: Console, request: Request, reference: str, status: int = 200, error: str = "") -> HTTPResponse:
    """A ticket's page, with the error of a refused change if any."""
    try:
        ticket, events = console.service.get(reference)
    except TicketNotFound:
        return console.not_found(request)
    today = console.settings.jurisdiction.local_date(console.now())
    left = days_left(ticket.effective_due, today)
    allowed = sorted(s.value for s in TRANSITIONS[Status(ticket.status)])
    known = catalogue()
    context: dict[str, Any] = {
        "ticket": ticket,
        "events": events,
        "rights": [known[r] for r in ticket.rights if r in known],
        "checklists": [(known[r].name, checklist(r)) for r in ticket.rights if r in known],
        "received": ticket.received_at,
        "language": language_label(ticket.language, "en"),
        "left": left,
        "urgency": urgency(left) if ticket.status not in CLOSED else "closed",
        "allowed": allowed,
        "closed": ticket.status in CLOSED,
        "can_extend": ticket.status not in CLOSED and ticket.extended_due_date is None and left >= 0,
        "file_rights": bool({"access", "portability"} & set(ticket.rights)),
        "reasons": REJECTION_REASONS,
        "lines": transcript(console.settings.tracker_store_url, ticket.conversation_id),
        "done": DONE.get(request.args.get("done", ""), ""),
        "error": error,
        "upload_limit_mb": console.settings.console_upload_limit_mb,
    }
    return console.render(request, "ticket.html", status=status, **context)


def _actor(request: Request) -> str:
    return f"console:{request.ctx.current.email}"


def _done(reference: str, what: str) -> HTTPResponse:
    return response.redirect(f"/tickets/{reference}?done={what}", status=303)


def _move(console: Console, request: Request, reference: str, status: str, **kwargs: Any) -> HTTPResponse:
    """Change the status (and send its email); back to the ticket's page with what happened."""
    try:
        changed = change_status(
            console.settings, console.service, reference, status, _actor(request), now=console.now(), **kwargs
        )
    except TicketNotFound:
        return console.not_found(request)
    except (TransitionError, UploadRefused) as exc:
        return _detail(
            console, request, reference, status=409 if isinstance(exc, TransitionError) else 400, error=str(exc)
        )
    if status == Status.in_progress.value:
        return _done(changed.ticket.reference, "started")
    return _done(changed.ticket.reference, status if changed.emailed else "closed_no_email")


def _text(request: Request, name: str) -> str:
    return (request.form.get(name) or "").strip()[:NOTE_LIMIT]


def _page_routes(app: Sanic, console: Console) -> None:
    """The queue and a ticket's page."""
    login_required = signed_in(console)

    @app.get("/")
    @login_required
    async def queue(request: Request) -> HTTPResponse:
        today = console.settings.jurisdiction.local_date(console.now())
        args = {k: request.args.get(k, "") for k in ("status", "right", "channel", "overdue", "q")}
        if args["status"] and args["status"] not in {s.value for s in Status}:
            args["status"] = ""
        rows = queue_rows(console, args, today)
        return console.render(
            request,
            "queue.html",
            rows=rows,
            args=args,
            today=today,
            statuses=[s.value for s in Status],
            rights=catalogue(),
            channels=TICKET_CHANNELS,
        )

    @app.get("/tickets/<reference>")
    @login_required
    async def show(request: Request, reference: str) -> HTTPResponse:
        return _detail(console, request, reference)


def _change_routes(app: Sanic, console: Console) -> None:
    """Starting work, notes, extensions (DPO only)."""
    login_required = signed_in(console)
    dpo_only = changes(console)

    @app.post("/tickets/<reference>/start")
    @login_required
    @dpo_only
    async def start(request: Request, reference: str) -> HTTPResponse:
        return _move(console, request, reference, Status.in_progress.value)

    @app.post("/tickets/<reference>/note")
    @login_required
    @dpo_only
    async def note(request: Request, reference: str) -> HTTPResponse:
        body = _text(request, "note")
        if not body:
            return _detail(console, request, reference, status=400, error="A note needs some text.")
        with transaction(console.factory) as session:
            ticket = session.execute(
                select(Ticket).where(Ticket.reference == reference.strip().upper())
            ).scalar_one_or_none()
            if ticket is None:
                return console.not_found(request)
            audit(session, ticket, _actor(request), "note", note=body, at=console.now())
            ref = ticket.reference
        return _done(ref, "noted")

    @app.post("/tickets/<reference>/extend")
    @login_required
    @dpo_only
    async def extend(request: Request, reference: str) -> HTTPResponse:
        try:
            ticket = console.service.extend(reference, _text(request, "reason"), _actor(request), now=console.now())
        except TicketNotFound:
            return console.not_found(request)
        except TransitionError as exc:
            return _detail(console, request, reference, status=409, error=str(exc).replace("--reason", "a reason"))
        return _done(ticket.reference, "extended" if ticket.requester_email else "extended_no_email")


def _closing_routes(app: Sanic, console: Console) -> None:
    """Rejecting, completing, withdrawing (DPO only)."""
    login_required = signed_in(console)
    dpo_only = changes(console)

    @app.post("/tickets/<reference>/reject")
    @login_required
    @dpo_only
    async def reject(request: Request, reference: str) -> HTTPResponse:
        explanation = _text(request, "explanation")
        reason = request.form.get("reason") or ""
        if reason not in REJECTION_REASONS:
            return _detail(console, request, reference, status=400, error="Choose a reason from the list.")
        if reason == "other" and not explanation:
            return _detail(
                console, request, reference, status=400, error="For 'other reason', explain it to the person."
            )
        return _move(
            console,
            request,
            reference,
            Status.rejected.value,
            note=explanation or None,
            reason=reason,
            message=explanation,
        )

    @app.post("/tickets/<reference>/complete")
    @login_required
    @dpo_only
    async def complete(request: Request, reference: str) -> HTTPResponse:
        message = _text(request, "message")
        if not message:
            return _detail(console, request, reference, status=400, error="Tell the person what was done.")
        sent = request.files.get("file") if request.files else None
        upload = Upload(sent.name or "", sent.body) if sent is not None and (sent.name or sent.body) else None
        return _move(console, request, reference, Status.completed.value, note=message, message=message, upload=upload)

    @app.post("/tickets/<reference>/withdraw")
    @login_required
    @dpo_only
    async def withdraw(request: Request, reference: str) -> HTTPResponse:
        return _move(console, request, reference, Status.withdrawn.value, note=_text(request, "note") or None)
