"""The DPO console's parts on SQLite and PostgreSQL: accounts, sessions, uploads, the person's answers, downloads.

Every instant is explicit (no wall clock): NOW is a fixed moment, the deadlines follow from RECEIVED.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from bot.console.accounts import AccountError, Accounts, LoginOutcome
from bot.console.downloads import Downloads, files_dir
from bot.console.models import ConsoleEvent, ConsoleUser, ResponseFile
from bot.console.outcomes import change_status
from bot.console.sessions import Sessions
from bot.console.uploads import Upload, UploadRefused, check_upload
from bot.db.sessions import downgrade, engine_for, transaction, upgrade
from bot.notify.models import OutboxEmail
from bot.settings import Settings
from bot.tickets.lifecycle import TransitionError
from bot.tickets.service import NewRequest, TicketService
from bot.worker.ticket_events import ticket_service

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # due Monday 21 December 2026
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n% the person's data\n"


@pytest.fixture
def service(db_url: str, settings_for: Callable[..., Settings]) -> TicketService:
    return ticket_service(settings_for(database_url=db_url))


def file(service: TicketService, **overrides: Any) -> str:
    values: dict[str, Any] = {
        "rights": ["access"],
        "channel": "web",
        "verification_method": "verified_email",
        "verification_outcome": "verified",
        "requester_email": "jane.doe@example.com",
        "request_text": "send me a copy of my data",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    return str(service.file(NewRequest(**values)).reference)


def person_emails(service: TicketService, kind_prefix: str = "answer_") -> list[tuple[str, EmailMessage]]:
    with transaction(service.factory) as session:
        rows = session.execute(sa.select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
        return [
            (r.kind, message_from_bytes(bytes(r.message), policy=policy.default))  # type: ignore[misc]
            for r in rows
            if r.kind.startswith(kind_prefix)
        ]


def body(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


# ---------------------------------------------------------------- accounts


def test_accounts_hash_with_argon2_and_refuse_weak_or_duplicate_input(service: TicketService) -> None:
    accounts = Accounts(service.factory)
    user = accounts.add("DPO@Example.com", "dpo", PASSWORD, NOW)
    assert user.email == "dpo@example.com"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with pytest.raises(AccountError, match="at least 12 characters"):
        accounts.add("short@example.com", "dpo", "elevenchars", NOW)
    with pytest.raises(AccountError, match="exists already"):
        accounts.add("dpo@example.com", "viewer", PASSWORD, NOW)
    with pytest.raises(AccountError, match="role must be one of dpo, viewer"):
        accounts.add("boss@example.com", "admin", PASSWORD, NOW)
    assert accounts.authenticate("dpo@example.com", PASSWORD, NOW).outcome is LoginOutcome.ok
    assert accounts.authenticate("DPO@example.com", PASSWORD, NOW).outcome is LoginOutcome.ok


def test_five_failures_lock_the_account_for_fifteen_minutes(service: TicketService) -> None:
    accounts = Accounts(service.factory)
    accounts.add("dpo@example.com", "dpo", PASSWORD, NOW)
    outcomes = [accounts.authenticate("dpo@example.com", "wrong password!", NOW).outcome for _ in range(5)]
    assert outcomes == [LoginOutcome.wrong] * 4 + [LoginOutcome.locked]
    assert accounts.authenticate("dpo@example.com", PASSWORD, NOW + timedelta(minutes=14)).outcome is (
        LoginOutcome.locked
    )  # even the right password
    assert accounts.authenticate("dpo@example.com", PASSWORD, NOW + timedelta(minutes=16)).outcome is LoginOutcome.ok
    # an unknown address gets the answer a wrong password gets
    assert accounts.authenticate("nobody@example.com", PASSWORD, NOW).outcome is LoginOutcome.wrong


def test_totp_enrolment_then_codes_and_failures_count_towards_the_lock(service: TicketService) -> None:
    accounts = Accounts(service.factory)
    user = accounts.add("dpo@example.com", "dpo", PASSWORD, NOW)
    secret = accounts.start_enrolment(user.id)
    totp = pyotp.TOTP(secret)
    assert accounts.check_totp(user.id, totp.at(NOW), NOW).outcome is LoginOutcome.wrong  # not confirmed yet
    assert accounts.check_totp(user.id, totp.at(NOW), NOW, confirm=True).outcome is LoginOutcome.ok
    assert accounts.check_totp(user.id, totp.at(NOW + timedelta(seconds=30)), NOW).outcome is LoginOutcome.ok
    assert accounts.check_totp(user.id, totp.at(NOW + timedelta(minutes=5)), NOW).outcome is LoginOutcome.wrong
    for _ in range(3):
        accounts.check_totp(user.id, "000000" if totp.at(NOW) != "000000" else "111111", NOW)
    assert accounts.check_totp(user.id, "123", NOW).outcome is LoginOutcome.locked  # the fifth failure
    with pytest.raises(AccountError, match="set up already"):
        accounts.start_enrolment(user.id)


def test_sessions_end_after_thirty_idle_minutes_or_when_the_user_is_disabled(service: TicketService) -> None:
    accounts, sessions = Accounts(service.factory), Sessions(service.factory)
    user = accounts.add("dpo@example.com", "dpo", PASSWORD, NOW)
    token = sessions.create(user.id, "active", NOW)
    current, _ = sessions.load(token, NOW + timedelta(minutes=29))
    assert current is not None and current.can_change and len(current.csrf_token) >= 32
    assert sessions.load(token, NOW + timedelta(minutes=58))[0] is not None  # 29 idle minutes after the last use
    assert sessions.load(token, NOW + timedelta(minutes=89)) == (None, "expired")
    assert sessions.load(token, NOW + timedelta(minutes=89)) == (None, None)  # gone for good
    other = sessions.create(user.id, "active", NOW)
    with transaction(service.factory) as session:
        session.get(ConsoleUser, user.id).disabled_at = NOW
    assert sessions.load(other, NOW) == (None, "disabled")
    with transaction(service.factory) as session:
        stored = session.execute(sa.text("SELECT id FROM console_sessions")).scalars().all()
    assert token not in stored and other not in stored  # only hashes were ever stored, and those are gone


def test_viewer_sessions_cannot_change(service: TicketService) -> None:
    accounts, sessions = Accounts(service.factory), Sessions(service.factory)
    viewer = accounts.add("viewer@example.com", "viewer", PASSWORD, NOW)
    current, _ = sessions.load(sessions.create(viewer.id, "active", NOW), NOW)
    assert current is not None and not current.can_change


# ---------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("../../etc/passwd.txt", b"root", "without a folder"),
        ("..\\secret.pdf", PDF, "without a folder"),
        ("report.exe", b"MZ", "not accepted"),
        ("report.html", b"<script>", "not accepted"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("data.json", b"{not json", "does not match"),
        ("empty.csv", b"", "empty"),
        ("big.txt", b"x" * (2 * 1024 * 1024 + 1), "larger than the limit of 2 MB"),
        ("<b>.pdf", PDF, "letters, digits"),
    ],
)
def test_uploads_are_refused_with_a_message(name: str, content: bytes, problem: str) -> None:
    with pytest.raises(UploadRefused, match=problem):
        check_upload(Upload(name, content), 2 * 1024 * 1024)


def test_good_uploads_get_their_type() -> None:
    assert check_upload(Upload("copy.pdf", PDF), 1024).content_type == "application/pdf"
    assert check_upload(Upload("export (1).json", b'{"a": 1}'), 1024).content_type == "application/json"
    assert check_upload(Upload("data.zip", b"PK\x03\x04rest"), 1024).content_type == "application/zip"


# ---------------------------------------------------------------- the person's answers


def test_rejection_tells_the_reason_and_the_art_12_4_remedies(service: TicketService) -> None:
    ref = file(service, rights=["erasure"])
    changed = change_status(
        service.settings, service, ref, "rejected", "dpo:alice", "tax records", "exemption", "Invoices are kept 10 y."
    )
    assert changed.emailed == "answer_rejected" and changed.ticket.status == "rejected"
    [(_, message)] = person_emails(service)
    assert message["To"] == "jane.doe@example.com" and ref in str(message["Subject"])
    text = body(message)
    assert "The law allows or requires us not to act on it" in text and "Invoices are kept 10 y." in text
    assert "right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR)" in text
    assert "Hamburg Commissioner for Data Protection and Freedom of Information (HmbBfDI)" in text
    assert "right to seek a judicial remedy (Art. 78 and 79 GDPR)" in text
    assert not message.is_multipart() or not list(message.iter_attachments())
    _, events = service.get(ref)
    assert [e.action for e in events][-2:] == ["status_changed", "person_answered"]


def test_german_requests_get_german_answers(service: TicketService) -> None:
    ref = file(service, rights=["erasure"], language="de")
    change_status(service.settings, service, ref, "rejected", "dpo", None, "excessive")
    [(_, message)] = person_emails(service)
    text = body(message)
    assert "Der Antrag ist exzessiv" in text and "Art. 77 DSGVO" in text and "HmbBfDI" in text


def test_withdrawal_is_confirmed_and_in_progress_sends_nothing(service: TicketService) -> None:
    ref = file(service)
    change_status(service.settings, service, ref, "in_progress", "dpo")
    assert person_emails(service) == []
    change_status(service.settings, service, ref, "withdrawn", "dpo", "asked by email")
    [(kind, message)] = person_emails(service)
    assert kind == "answer_withdrawn" and "has been withdrawn" in body(message)


def test_invalid_transition_is_refused_naming_the_allowed_ones_and_sends_nothing(service: TicketService) -> None:
    ref = file(service)
    change_status(service.settings, service, ref, "completed", "dpo", message="Sent by post.")
    with pytest.raises(TransitionError, match="allowed: none"):
        change_status(service.settings, service, ref, "in_progress", "dpo")
    with pytest.raises(TransitionError, match="rejecting needs --reason"):
        change_status(service.settings, service, file(service, idempotency_key="k2"), "rejected", "dpo")
    assert [k for k, _ in person_emails(service)] == ["answer_completed"]


def test_completion_with_a_file_sends_a_link_never_an_attachment(service: TicketService) -> None:
    ref = file(service)
    upload = Upload("copy.pdf", PDF)
    changed = change_status(
        service.settings, service, ref, "completed", "dpo", message="Here is your data.", upload=upload, now=NOW
    )
    assert changed.download_url and changed.download_url.startswith(service.settings.console_public_url + "/download/")
    [(_, message)] = person_emails(service)
    text = body(message)
    assert "Here is your data." in text and changed.download_url in text and "valid until 08 December 2026" in text
    assert not list(message.iter_attachments())
    token = changed.download_url.rsplit("/", 1)[1]
    with transaction(service.factory) as session:
        row = session.execute(sa.select(ResponseFile)).scalar_one()
        assert token not in row.token_hash and row.expires_at == NOW + timedelta(days=7)
        assert (files_dir(service.settings) / row.stored_name).read_bytes() == PDF


def test_a_file_is_only_for_access_or_portability_and_a_refused_change_leaves_no_file(service: TicketService) -> None:
    erasure = file(service, rights=["erasure"])
    with pytest.raises(UploadRefused, match="only for access and portability"):
        change_status(service.settings, service, erasure, "completed", "dpo", upload=Upload("a.pdf", PDF))
    access = file(service, idempotency_key="k2")
    change_status(service.settings, service, access, "rejected", "dpo", reason="excessive")
    with pytest.raises(UploadRefused, match="only be sent when the request is completed"):
        change_status(service.settings, service, access, "withdrawn", "dpo", upload=Upload("a.pdf", PDF))
    folder = files_dir(service.settings)
    assert not folder.exists() or not list(folder.iterdir())


def _code(outbox: Path) -> str:
    """The code in the one download-code email of the file outbox (which is then emptied)."""
    [mail] = sorted(outbox.glob("*.eml"))
    text = body(message_from_bytes(mail.read_bytes(), policy=policy.default))  # type: ignore[arg-type]
    mail.unlink()
    match = re.search(r"is: (\d{6})", text)
    assert match, text
    return match.group(1)


def test_download_needs_a_fresh_emailed_code_and_is_audited(service: TicketService) -> None:
    ref = file(service)
    url = change_status(
        service.settings, service, ref, "completed", "dpo", message="Done.", upload=Upload("copy.pdf", PDF), now=NOW
    ).download_url
    assert url
    token = url.rsplit("/", 1)[1]
    downloads = Downloads(service.settings, service.factory)
    assert downloads.offer(token, NOW) is not None
    assert downloads.offer(token[:-1] + ("A" if token[-1] != "A" else "B"), NOW) is None  # guessed
    assert downloads.open(token, "123456", NOW) is None  # no code asked for yet
    assert downloads.send_code(token, NOW) is not None
    code = _code(service.settings.outbox_dir)
    wrong = "000000" if code != "000000" else "111111"
    assert downloads.open(token, wrong, NOW) is None
    opened = downloads.open(token, code, NOW + timedelta(seconds=5))
    assert opened is not None and opened[0].read_bytes() == PDF and opened[1:] == ("copy.pdf", "application/pdf")
    assert downloads.open(token, code, NOW + timedelta(seconds=6)) is None  # a code opens the file once
    later = NOW + timedelta(minutes=5)
    downloads.send_code(token, later)
    assert downloads.open(token, _code(service.settings.outbox_dir), later) is not None
    _, events = service.get(ref)
    assert [e.after["download"] for e in events if e.action == "file_downloaded"] == [1, 2]
    assert all(e.actor == "requester" for e in events if e.action == "file_downloaded")


def test_expired_links_are_not_found_and_their_files_deleted(service: TicketService) -> None:
    ref = file(service)
    url = change_status(
        service.settings, service, ref, "completed", "dpo", message="Done.", upload=Upload("copy.pdf", PDF), now=NOW
    ).download_url
    assert url
    token = url.rsplit("/", 1)[1]
    downloads = Downloads(service.settings, service.factory)
    expiry = NOW + timedelta(days=7)
    assert downloads.offer(token, expiry - timedelta(seconds=1)) is not None
    assert downloads.offer(token, expiry) is None
    assert downloads.send_code(token, expiry) is None
    assert downloads.purge(expiry - timedelta(seconds=1)) == 0
    assert downloads.purge(expiry) == 1
    assert list(files_dir(service.settings).iterdir()) == []
    _, events = service.get(ref)
    assert events[-1].action == "file_deleted"


# ---------------------------------------------------------------- the command line


def test_cli_accounts_and_set_status_answer_the_person(db_url: str, settings_for: Callable[..., Settings]) -> None:
    from bot.cli.main import main

    settings = settings_for(database_url=db_url)
    runner = CliRunner()
    added = runner.invoke(main, ["console", "add-user", "dpo@example.com", "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    viewer = ["console", "add-user", "v@example.com", "--role", "viewer", "--password-stdin"]
    short = runner.invoke(main, viewer, input="too short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    assert runner.invoke(main, viewer, input=PASSWORD + "\n").exit_code == 0
    assert runner.invoke(main, ["console", "disable-user", "v@example.com"]).exit_code == 0
    listed = runner.invoke(main, ["console", "list-users"]).output
    assert "dpo@example.com" in listed and "v@example.com" in listed and "disabled" in listed
    assert PASSWORD not in listed
    reset = runner.invoke(
        main, ["console", "set-password", "dpo@example.com", "--password-stdin"], input="another long password\n"
    )
    assert reset.exit_code == 0
    with transaction(ticket_service(settings).factory) as session:
        actions = [e.action for e in session.execute(sa.select(ConsoleEvent).order_by(ConsoleEvent.id)).scalars()]
    assert actions == ["user_added", "user_added", "user_disabled", "password_set"]

    service = ticket_service(settings)
    ref = file(service, rights=["erasure"])
    rejected = runner.invoke(
        main, ["tickets", "set-status", ref, "rejected", "--reason", "excessive", "--note", "third request this month"]
    )
    assert rejected.exit_code == 0 and "answer_rejected" in rejected.output
    [(_, message)] = person_emails(service)
    assert "HmbBfDI" in body(message) and "third request this month" in body(message)


def test_migrations_add_and_remove_the_console_tables(db_url: str) -> None:
    engine = engine_for(db_url)
    console_tables = {"console_users", "console_sessions", "console_events", "response_files"}
    assert console_tables <= set(sa.inspect(engine).get_table_names())
    downgrade(db_url, "0002")
    engine.dispose()
    assert not console_tables & set(sa.inspect(engine).get_table_names())
    assert "tickets" in sa.inspect(engine).get_table_names()
    upgrade(db_url)
    engine.dispose()
    assert console_tables <= set(sa.inspect(engine).get_table_names())


def test_transcript_reads_the_conversation_from_rasas_store_while_it_is_kept(
    settings_for: Callable[..., Settings],
) -> None:
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.console.transcript import transcript
    from bot.runtime.tracker_store import ResilientSQLTrackerStore
    from bot.worker.retention import erase_conversations

    settings = settings_for()
    settings.data_dir.mkdir(parents=True)
    url = settings.tracker_store_url
    assert transcript(url, "web-1") is None  # Rasa has not created its store yet
    store = ResilientSQLTrackerStore(domain=Domain.empty(), host=url)
    at = NOW.timestamp()
    events = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("<b>delete</b> me", timestamp=at + 1),
        BotUttered("You'd like us to erase your personal data (Art. 17 GDPR).", timestamp=at + 2),
        UserUttered("/code_verified", timestamp=at + 3),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("web-1", events)))
    store.engine.dispose()
    lines = transcript(url, "web-1")
    assert lines is not None
    assert [(line.speaker, line.text) for line in lines] == [
        ("person", "<b>delete</b> me"),
        ("assistant", "You'd like us to erase your personal data (Art. 17 GDPR)."),
        ("person", "(code verified)"),
    ]
    assert lines[0].at == NOW + timedelta(seconds=1)
    assert transcript(url, None) is None and transcript(url, "someone-else") is None
    erase_conversations(url, ["web-1"])
    assert transcript(url, "web-1") is None  # gone after retention or an erasure
