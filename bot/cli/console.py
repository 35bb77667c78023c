"""`privacybot console …`: run the DPO console and manage its accounts."""

from __future__ import annotations

import getpass
import sys

import click

from bot.cli.common import settings_of
from bot.clock import system_clock
from bot.console.accounts import ROLES, AccountError, Accounts
from bot.console.models import ConsoleEvent
from bot.db.sessions import session_factory, transaction, upgrade


def _accounts(ctx: click.Context) -> Accounts:
    settings = settings_of(ctx)
    upgrade(settings.database_url)
    return Accounts(session_factory(settings.database_url))


def _log(accounts: Accounts, action: str, note: str) -> None:
    with transaction(accounts.factory) as session:
        session.add(ConsoleEvent(at=system_clock(), actor=f"cli:{getpass.getuser()}", action=action, note=note))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password (at least 12 characters)", hide_input=True, confirmation_prompt=True))


@click.group(invoke_without_command=True)
@click.pass_context
def console(ctx: click.Context) -> None:
    """The DPO's web console: without a subcommand, serve it on PRIVACYBOT_CONSOLE_PORT (started by `run`)."""
    if ctx.invoked_subcommand is not None:
        return
    import logging

    from bot.console.app import serve
    from bot.logs import configure_logging

    settings = settings_of(ctx)
    configure_logging(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade(settings.database_url)
    serve(settings)


@console.command("add-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="dpo", show_default=True, help="viewer only looks.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def add_user(ctx: click.Context, email: str, role: str, password_stdin: bool) -> None:
    """Create a console account."""
    accounts = _accounts(ctx)
    try:
        user = accounts.add(email, role, _password(password_stdin), system_clock())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    _log(accounts, "user_added", f"{user.email} ({role})")
    click.echo(f"added {user.email} as {role}")


@console.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def set_password(ctx: click.Context, email: str, password_stdin: bool) -> None:
    """Give an account a new password (unlocks it and ends its sessions)."""
    accounts = _accounts(ctx)
    try:
        accounts.set_password(email, _password(password_stdin), system_clock())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    _log(accounts, "password_set", email)
    click.echo(f"new password set for {email}")


@console.command("disable-user")
@click.argument("email")
@click.pass_context
def disable_user(ctx: click.Context, email: str) -> None:
    """Disable an account; its sessions end at once."""
    accounts = _accounts(ctx)
    try:
        accounts.disable(email, system_clock())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    _log(accounts, "user_disabled", email)
    click.echo(f"disabled {email}")


@console.command("list-users")
@click.pass_context
def list_users(ctx: click.Context) -> None:
    """Every account with its role, second factor and state."""
    users = _accounts(ctx).all()
    if not users:
        click.echo("no accounts: add one with `privacybot console add-user EMAIL --role dpo`")
    for u in users:
        state = (
            "disabled"
            if u.disabled_at
            else ("locked" if u.locked_until and u.locked_until > system_clock() else "active")
        )
        factor = "TOTP" if u.totp_confirmed_at else "no second factor"
        click.echo(f"{u.email:<40} {u.role:<7} {factor:<17} {state}")
