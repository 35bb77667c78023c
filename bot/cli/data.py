"""The ticket database's schema migrations and the known data subjects."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from bot.cli.common import settings_of, ticket_register


@click.group()
def db() -> None:
    """Schema migrations of the ticket database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply migrations up to REVISION."""
    from bot.db.sessions import upgrade

    upgrade(settings_of(ctx).database_url, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Revert migrations down to REVISION ("base" drops every table: data is lost)."""
    from bot.db.sessions import downgrade

    downgrade(settings_of(ctx).database_url, revision)
    click.echo(f"database at {revision}")


@click.group()
def subjects() -> None:
    """The controller's known data subjects, matched against verified addresses (shown to the DPO only)."""


@subjects.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def subjects_import(ctx: click.Context, file: Path) -> None:
    """Import FILE.csv with columns customer_ref,email[,name] (upsert by customer_ref)."""
    from bot.subjects.customers import import_csv

    service = ticket_register(settings_of(ctx))
    try:
        report = import_csv(service.factory, file)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"cannot import {file}: {exc}") from None
    click.echo(f"added {report.added}, updated {report.updated}, refused {len(report.refused)}")
    if report.refused:
        click.echo(f"refused lines (bad or duplicate address, no customer_ref): {report.refused}")
