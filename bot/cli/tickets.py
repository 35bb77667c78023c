"""`privacybot tickets …`, `privacybot worker` and `privacybot db …`: the DPO's and operator's tools."""

from __future__ import annotations

import getpass
import json
import re
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from bot.cli.common import settings_of, ticket_register
from bot.clock import days_left, parse_instant
from bot.rights.catalogue import catalogue
from bot.settings import Settings
from bot.tickets.lifecycle import REJECTION_REASONS, Status, TransitionError
from bot.tickets.records import event_record, mask_email, mask_id, register_csv, register_row, ticket_record
from bot.tickets.service import MANUAL_TICKET_CHANNELS, NewRequest, TicketNotFound


def _actor(actor: str | None) -> str:
    return actor or f"dpo:{getpass.getuser()}"


def _days(value: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,4})\s*d?\s*", value)
    if not match:
        raise click.BadParameter("use a number of days, e.g. 7d")
    return int(match.group(1))


def _left_style(left: int) -> str:
    return "bold red" if left < 0 else ("yellow" if left <= 7 else "")


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj.settings


@click.group()
def tickets() -> None:
    """The register of data-subject requests (list, show, change, extend, export, stats, new)."""


@tickets.command("list")
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only this status.")
@click.option("--due-within", "due_within", help="Only open tickets due within N days, e.g. 7d.")
@click.option("--overdue", is_flag=True, help="Only open tickets past their deadline.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_context
def list_tickets(ctx: click.Context, status: str | None, due_within: str | None, overdue: bool, as_json: bool) -> None:
    """Tickets by due date with days left; requester contacts masked (see `show`)."""
    settings = settings_of(ctx)
    service = ticket_register(settings)
    today = today_of(settings)
    within = _days(due_within) if due_within else None
    found = service.find(status=status, due_within=within, overdue=overdue, today=today)
    if as_json:
        for t in found:
            click.echo(json.dumps({**ticket_record(t, masked=True), "days_left": days_left(t.effective_due, today)}))
        return
    table = Table(title=f"{len(found)} ticket(s) on {today.isoformat()}")
    for column in ("reference", "rights", "status", "channel", "requester", "received", "due", "days left"):
        table.add_column(column)
    for t in found:
        left = days_left(t.effective_due, today)
        requester = mask_email(t.requester_email) or mask_id(t.requester_telegram_id) or "—"
        table.add_row(
            t.reference,
            ", ".join(t.rights),
            t.status,
            t.channel,
            requester,
            t.received_at.date().isoformat(),
            t.effective_due.isoformat() + (" (ext.)" if t.extended_due_date else ""),
            f"[{_left_style(left)}]{left}[/]" if _left_style(left) and t.closed_at is None else str(left),
        )
    Console(width=160).print(table)


@tickets.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, reference: str, as_json: bool) -> None:
    """One ticket in full, with its audit log."""
    service = ticket_register(settings_of(ctx))
    try:
        ticket, events = service.get(reference)
    except TicketNotFound as exc:
        raise click.ClickException(str(exc)) from None
    record = ticket_record(ticket)
    if as_json:
        click.echo(json.dumps({**record, "audit": [event_record(e) for e in events]}, ensure_ascii=False, indent=2))
        return
    for key, value in record.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items() if v)
        click.echo(f"{key:<20} {value if value not in (None, '', []) else '—'}")
    click.echo("\naudit log:")
    for e in events:
        change = f"{e.before or ''} -> {e.after or ''}".strip(" ->")
        click.echo(f"  {e.at:%Y-%m-%d %H:%M:%S} {e.actor:<20} {e.action:<15} {change} {e.note or ''}".rstrip())


@tickets.command("set-status")
@click.argument("reference")
@click.argument("status", type=click.Choice([s.value for s in Status]))
@click.option("--note", help="What was done or why (recorded in the audit log).")
@click.option("--reason", type=click.Choice(list(REJECTION_REASONS)), help="Required when rejecting.")
@click.option("--message", help="What the person is told on completion or rejection (default: the note).")
@click.option("--actor", help="Who makes the change (default: dpo:<your user name>).")
@click.pass_context
def set_status(
    ctx: click.Context,
    reference: str,
    status: str,
    note: str | None,
    reason: str | None,
    message: str | None,
    actor: str | None,
) -> None:
    """Move a ticket along its lifecycle (invalid changes are refused); closing it emails the person."""
    from bot.console.outcomes import change_status

    settings = settings_of(ctx)
    try:
        changed = change_status(
            settings, ticket_register(settings), reference, status, _actor(actor), note, reason, message or note
        )
    except (TicketNotFound, TransitionError) as exc:
        raise click.ClickException(str(exc)) from None
    told = f" (the person's answer is queued: {changed.emailed})" if changed.emailed else ""
    click.echo(f"{changed.ticket.reference}: {changed.ticket.status}{told}")


@tickets.command("extend")
@click.argument("reference")
@click.option("--reason", required=True, help="Why more time is needed (told to the requester).")
@click.option("--actor", help="Who extends (default: dpo:<your user name>).")
@click.pass_context
def extend(ctx: click.Context, reference: str, reason: str, actor: str | None) -> None:
    """Extend the deadline by two further months and notify the requester (Art. 12(3) GDPR)."""
    service = ticket_register(settings_of(ctx))
    try:
        ticket = service.extend(reference, reason, _actor(actor))
    except (TicketNotFound, TransitionError) as exc:
        raise click.ClickException(str(exc)) from None
    told = "requester notified by email" if ticket.requester_email else "no email address: tell the requester"
    click.echo(f"{ticket.reference}: due {ticket.extended_due_date.isoformat()} ({told})")


@tickets.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.pass_context
def export(ctx: click.Context, fmt: str) -> None:
    """The register of requests (Art. 5(2) GDPR accountability), without requester contacts."""
    found = ticket_register(settings_of(ctx)).find()
    if fmt == "json":
        click.echo(json.dumps([register_row(t) for t in found], ensure_ascii=False, indent=2))
        return
    click.echo(register_csv(found), nl=False)


@tickets.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Per right: tickets, open, overdue, median days to close, on-time rate."""
    result = ticket_register(settings_of(ctx)).stats()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    table = Table(title=f"{result['total']} ticket(s); on time: {_rate(result['on_time_rate'])}")
    for column in ("right", "total", "open", "overdue", "median days to close", "on time"):
        table.add_column(column)
    for right, s in result["per_right"].items():
        median = s["median_days_to_close"]
        table.add_row(
            right,
            str(s["total"]),
            str(s["open"]),
            str(s["overdue_open"]),
            "—" if median is None else str(median),
            _rate(s["on_time_rate"]),
        )
    Console(width=140).print(table)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@tickets.command("new")
@click.option("--right", "rights", multiple=True, required=True, type=click.Choice(list(catalogue())))
@click.option("--channel", required=True, type=click.Choice(list(MANUAL_TICKET_CHANNELS)), help="How it reached you.")
@click.option("--entered-by", required=True, help="Who enters it (recorded).")
@click.option("--email", help="The requester's email address (gets the acknowledgement).")
@click.option("--name", help="The requester's name.")
@click.option("--received", help="When it was received (ISO 8601 with offset; default now).")
@click.option("--text", help="The request in the person's words (minimised).")
@click.option(
    "--verified",
    type=click.Choice(["verified", "not_verified", "not_required"]),
    default="not_verified",
    show_default=True,
    help="Identity check done outside the assistant.",
)
@click.option(
    "--language",
    type=click.Choice(["en", "de"]),
    default="en",
    show_default=True,
    help="The person's language: their acknowledgement and answers are written in it.",
)
@click.pass_context
def new(
    ctx: click.Context,
    rights: tuple[str, ...],
    channel: str,
    entered_by: str,
    email: str | None,
    name: str | None,
    received: str | None,
    text: str | None,
    verified: str,
    language: str,
) -> None:
    """Record a request that reached the company another way (letter, phone, email, …)."""
    from bot.addresses import InvalidAddress, normalise_address

    try:
        address = normalise_address(email) if email else None
        when = parse_instant(received) if received is not None else None
    except (InvalidAddress, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    status = Status.awaiting_verification if verified == "not_verified" else Status.open
    ticket = ticket_register(settings_of(ctx)).file(
        NewRequest(
            rights=list(rights),
            channel=channel,
            verification_method="manual",
            verification_outcome=verified,
            requester_email=address,
            requester_name=name,
            request_text=text,
            received_at=when,
            entered_by=entered_by,
            status=status,
            language=language,
        ),
        actor=f"dpo:{entered_by}",
    )
    click.echo(f"{ticket.reference}: {ticket.status}, due {ticket.due_date.isoformat()}")


def today_of(settings: Settings) -> date:
    """The controller's current date."""
    from bot.clock import system_clock

    return settings.jurisdiction.local_date(system_clock())
