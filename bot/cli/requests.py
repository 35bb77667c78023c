"""Looking at requests without filing them: which rights a message asks for, the deadline of a receipt."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

import click

from bot.cli.common import Ctx, inputs, pass_ctx
from bot.clock import parse_instant


@click.command()
@click.argument("message", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Triage every line of FILE (use - for stdin); one JSON line out per line in, in order.",
)
@pass_ctx
def triage(ctx: Ctx, message: str | None, as_json: bool, batch: TextIO | None) -> None:
    """Which data-subject rights MESSAGE asks to exercise (needs the trained model)."""
    from bot.devtools.training import model_path
    from bot.devtools.triager import Triager

    lines = inputs(message, batch, "MESSAGE")
    model = model_path(ctx.settings.model_dir)
    if not model.exists():
        raise click.ClickException(f"no trained model at {model}: run `privacybot train` first")
    triager = Triager(model)
    for line in lines:
        result = triager.triage(line)
        if as_json or batch is not None:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            rights = ", ".join(result.rights) or "none"
            click.echo(f"rights: {rights}  (intent {result.intent}, confidence {result.confidence:.2f})")
            if result.question_about:
                click.echo(f"question about: {', '.join(result.question_about)}")


class Instant(click.ParamType):
    """An ISO 8601 instant with a UTC offset, e.g. 2026-01-15T10:00:00+01:00 or ...Z."""

    name = "INSTANT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 instant with offset (e.g. 2026-01-15T10:00:00+01:00)")


@click.command()
@click.argument("received", type=Instant())
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def deadline(ctx: Ctx, received: datetime, as_json: bool) -> None:
    """The deadline for a request RECEIVED at an instant (Art. 12(3) GDPR, Reg. 1182/71 Art. 3)."""
    from bot.tickets.deadline import deadlines

    result = deadlines(received, ctx.settings.jurisdiction)
    if as_json:
        click.echo(json.dumps(result.to_dict()))
    else:
        click.echo(f"received (controller's local date): {result.received_local:%A %d %B %Y}")
        click.echo(f"answer due by:                      {result.due:%A %d %B %Y}")
        click.echo(f"if extended by two months:          {result.due_extended:%A %d %B %Y}")
