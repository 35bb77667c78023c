"""Emails in the person's language (the ticket's) and the DPO's (PRIVACYBOT_DPO_LANGUAGE): German and English.

Real databases (SQLite and PostgreSQL), the real outbox and a real SMTP server (aiosmtpd) for the code email.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from bot.cli.main import main
from bot.db.sessions import downgrade, engine_for, session_factory, transaction, upgrade
from bot.notify import answers, compose
from bot.notify.models import OutboxEmail
from bot.notify.transport import send_now, transport_for
from bot.rights.catalogue import checklist, right_ids
from bot.settings import Settings
from bot.tickets.service import NewRequest, TicketService
from bot.verification.service import CheckOutcome, Verifier
from bot.worker.reminders import run_reminders
from bot.worker.ticket_events import ticket_service
from tests.conftest import Mailbox, ManualClock

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # due Monday 21 December 2026
AUTHORITY = answers.Authority(
    "HmbBfDI",
    "Ludwig-Erhard-Str. 22, 20459 Hamburg",
    "mailbox@datenschutz.hamburg.de",
    "https://datenschutz-hamburg.de",
)


def request(**overrides: Any) -> NewRequest:
    values: dict[str, Any] = {
        "rights": ["erasure", "access"],
        "channel": "web",
        "verification_method": "verified_email",
        "verification_outcome": "verified",
        "requester_email": "erika.muster@example.com",
        "request_text": "Bitte löschen Sie meine Daten gemäß Art. 17 DSGVO.",
        "received_at": RECEIVED,
        "language": "de",
    }
    values.update(overrides)
    return NewRequest(**values)


def register(settings_for: Callable[..., Settings], db_url: str, **settings: Any) -> TicketService:
    return ticket_service(settings_for(database_url=db_url, digest_hour=23, **settings), clock=ManualClock(RECEIVED))


def queued(service: TicketService) -> dict[str, EmailMessage]:
    """The outbox's messages by kind (the last of each kind)."""
    with transaction(service.factory) as session:
        rows = session.execute(sa.select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
        return {r.kind: message_from_bytes(r.message, policy=policy.default) for r in rows}  # type: ignore[misc]


def text(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_a_german_ticket_gets_a_german_receipt_and_the_dpo_is_told_the_language(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    service = register(settings_for, db_url)
    ticket = service.file(request())
    assert ticket.language == "de"
    mails = queued(service)
    receipt = mails["acknowledgement"]
    assert receipt["Subject"] == f"Ihr Datenschutz-Antrag {ticket.reference} ist eingegangen"
    body = text(receipt)
    assert "Sie möchten, dass wir Ihre personenbezogenen Daten löschen;" in body
    assert "bis zum 21. Dezember 2026" in body and "(Art. 12 Abs. 3 DSGVO)" in body
    assert "Mit freundlichen Grüßen" in body and " du " not in body and "Hello" not in body
    dpo = mails["dpo_new_ticket"]
    assert "Language of the person: German (de)." in text(dpo)
    assert re.search(r"Language: +German \(de\)", text(dpo))
    assert "Right to erasure" in str(dpo["Subject"]) and "due 2026-12-21" in str(dpo["Subject"])
    html = dpo.get_body(("html",)).get_content()
    assert "Language of the person: German (de)" in html
    [attachment] = [p for p in dpo.iter_attachments() if str(p.get_filename()).endswith(".json")]
    assert b'"language": "de"' in attachment.get_payload(decode=True)


def test_an_english_ticket_stays_english(db_url: str, settings_for: Callable[..., Settings]) -> None:
    service = register(settings_for, db_url)
    ticket = service.file(request(language="en", rights=["erasure"]))
    body = text(queued(service)["acknowledgement"])
    assert f"we have received your request (reference {ticket.reference})" in body
    assert "by 21 December 2026" in body
    assert "Language of the person: English (en)." in text(queued(service)["dpo_new_ticket"])
    assert (
        NewRequest(rights=["access"], channel="web", verification_method="x", verification_outcome="y").language == "en"
    )


def test_the_dpo_can_have_german_emails(db_url: str, settings_for: Callable[..., Settings]) -> None:
    service = register(settings_for, db_url, dpo_language="de")
    ticket = service.file(request(language="en"))
    dpo = queued(service)["dpo_new_ticket"]
    assert str(dpo["Subject"]) == (
        f"[{ticket.reference}] Recht auf Löschung („Recht auf Vergessenwerden“) (Art. 17 DSGVO), "
        "Auskunftsrecht (Art. 15 DSGVO) — Frist 21.12.2026"
    )
    body = text(dpo)
    assert "Ein neuer Antrag einer betroffenen Person ist eingegangen." in body
    assert "Sprache der Person: Englisch (en). Antworten Sie ihr in dieser Sprache." in body
    assert re.search(r"Eingegangen: +20\.11\.2026 10:30 CET", body)
    assert re.search(r"Frist: +21\.12\.2026 \(31 Tage übrig\)", body)
    assert "Nächste Schritte — Recht auf Löschung" in body
    assert checklist("erasure", "de")[0] in body
    assert "Work it with" not in body and "Bearbeiten mit: privacybot tickets show" in body
    assert "Hello" in text(queued(service)["acknowledgement"])  # the person's own language is kept
    reminder = compose.reminder(service.settings, ticket, date(2026, 12, 23))
    assert str(reminder["Subject"]).startswith(f"[{ticket.reference}] seit 2 Tagen ÜBERFÄLLIG (21.12.2026)")
    assert run_reminders(service, datetime(2026, 11, 20, 22, 30, tzinfo=UTC)).queued == ["digest:2026-11-20"]
    digest = queued(service)["digest"]
    assert digest["Subject"] == "Datenschutz-Anträge am 20.11.2026: 1 offen"
    assert f"{ticket.reference}  fällig 21.12.2026 (+31 Tage)" in text(digest) and "[en]" in text(digest)


def test_every_right_has_german_steps_for_the_dpo() -> None:
    for right in right_ids():
        english, german = checklist(right), checklist(right, "de")
        assert len(german) == len(english) and all(len(step) > 10 for step in german), right
        assert not any("GDPR" in step for step in german), right


def test_the_extension_notice_is_in_the_persons_language(db_url: str, settings_for: Callable[..., Settings]) -> None:
    service = register(settings_for, db_url)
    ticket = service.file(request())
    service.extend(ticket.reference, "Wir müssen drei Archive durchsuchen.", "dpo:test")
    notice = queued(service)["extension_notice"]
    assert notice["Subject"] == f"Ihr Datenschutz-Antrag {ticket.reference}: Wir benötigen mehr Zeit"
    body = text(notice)
    assert "Der Grund: Wir müssen drei Archive durchsuchen." in body
    assert "(Art. 12 Abs. 3 DSGVO)" in body and "bis zum 22. Februar 2027" in body


def test_the_persons_answers_in_german(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for()
    to, ref = "erika.muster@example.com", "DSR-2026-000042"
    done = text(answers.completion(settings, to, ref, "de", None, "https://x.example/d/abc", date(2027, 1, 5)))
    assert "Ihr Antrag DSR-2026-000042 ist erledigt." in done and "Wir haben Ihr Anliegen erledigt." in done
    assert "Der Link gilt bis zum 5. Januar 2027." in done
    assert "We have done what you asked for." in text(answers.completion(settings, to, ref, "en", " ", None, None))
    refused = answers.rejection(
        settings, to, ref, "de", "exemption", "Steuerunterlagen müssen wir 10 Jahre aufbewahren.", AUTHORITY
    )
    body = text(refused)
    assert refused["Subject"] == "Ihr Datenschutz-Antrag DSR-2026-000042: unsere Entscheidung"
    assert "(z. B. Art. 17 Abs. 3 DSGVO)" in body and "Steuerunterlagen müssen wir 10 Jahre aufbewahren." in body
    assert "Art. 77 DSGVO" in body and "HmbBfDI" in body
    withdrawn = answers.withdrawal(settings, to, ref, "de-AT")
    assert withdrawn["Subject"] == "Ihr Datenschutz-Antrag DSR-2026-000042 wurde zurückgenommen"
    download = answers.download_code(settings, to, ref, "123456", 10, "de")
    assert download["Subject"] == "Ihr Download-Code für den Antrag DSR-2026-000042"
    assert "lautet: 123456" in text(download) and "10 Minuten gültig" in text(download)
    assert "is: 123456" in text(answers.download_code(settings, to, ref, "123456", 10))
    dpo = answers.withdrawn_by_the_person(settings_for(dpo_language="de"), ref, "Recht auf Löschung")
    assert dpo["Subject"] == "[DSR-2026-000042] von der Person zurückgenommen"


def test_headers_stay_safe_in_german(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for()
    with pytest.raises(ValueError):
        compose.verification_code(settings, "x@example.com\r\nBcc: victim@example.com", "123456", 10, language="de")
    with pytest.raises(ValueError):
        answers.withdrawal(settings, "x@example.com", "DSR-1\r\nBcc: victim@example.com", "de")


def test_the_dpo_language_is_checked(settings_for: Callable[..., Settings]) -> None:
    assert settings_for().dpo_language == "en"
    assert settings_for(dpo_language=" DE ").dpo_language == "de"
    with pytest.raises(ValidationError, match=r"en \(English\) or de \(German\), not 'fr'"):
        settings_for(dpo_language="fr")


def test_a_ticket_language_must_be_a_language_code(db_url: str, settings_for: Callable[..., Settings]) -> None:
    service = register(settings_for, db_url)
    for bad in ("", "deutsch", "de\r\nX", "e"):
        with pytest.raises(ValueError, match="language must be a language code"):
            service.file(request(language=bad))
    assert service.file(request(language="de-AT")).language == "de-AT"


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


def test_the_code_email_over_smtp_is_in_the_persons_language(
    db_url: str, settings_for: Callable[..., Settings], smtp: Mailbox
) -> None:
    settings = settings_for(
        database_url=db_url,
        email_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        code_cooldown_seconds=0,
        verification_secret="3e8c1a9f0b7d6e5c4a3b2f1e0d9c8b7a6f5e4d3c",
    )
    verifier = Verifier(settings, session_factory(db_url), clock=ManualClock(RECEIVED))
    minutes = settings.code_lifetime_seconds // 60
    for sender, address, language in (("de-1", "erika@example.com", "de"), ("en-1", "jane@example.com", "en")):
        result = verifier.start(sender, address, language=language)
        assert result.code is not None and result.language == language
        send_now(
            transport_for(settings),
            compose.verification_code(settings, address, result.code, minutes, language=result.language),
        )
    [german] = smtp.wait_for("erika@example.com", "Bestätigungscode")
    assert german["Subject"] == "Ihr Bestätigungscode für den Datenschutz-Assistenten"
    match = re.search(r"Ihr Bestätigungscode lautet: (\d{6})", text(german))
    assert match and "Er ist 10 Minuten gültig." in text(german) and "Hello" not in text(german)
    assert verifier.check("de-1", match.group(1)).outcome is CheckOutcome.verified
    assert smtp.latest_code("jane@example.com")  # English as before ("verification code", "code is: …")
    assert verifier.start("x", "x@example.com", language="de-CH").language == "de"
    assert verifier.start("y", "y@example.com", language="fr").language == "en"


def test_migration_0004_gives_the_language_a_database_default(db_url: str) -> None:
    insert = sa.text(
        "INSERT INTO tickets (rights, status, channel, verification_method, verification_outcome, received_at, "
        "due_date, data_categories, created_at, updated_at) VALUES ('[\"access\"]', 'open', 'letter', 'manual', "
        "'verified', :at, :due, '[]', :at, :at)"
    )
    values = {"at": RECEIVED, "due": date(2026, 12, 21)}
    engine = engine_for(db_url)
    downgrade(db_url, "0003")
    engine.dispose()
    with pytest.raises(IntegrityError), engine.begin() as connection:  # no default before 0004
        connection.execute(insert, values)
    upgrade(db_url)
    engine.dispose()
    with engine.begin() as connection:
        connection.execute(insert, values)
        assert connection.execute(sa.text("SELECT language FROM tickets")).scalar_one() == "en"
    downgrade(db_url, "0003")
    engine.dispose()
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT language FROM tickets")).scalar_one() == "en"  # data kept
    upgrade(db_url)


def test_tickets_new_takes_the_language_and_show_prints_it(
    tmp_path: Any, settings_for: Callable[..., Settings]
) -> None:
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    upgrade(url)
    settings_for(database_url=url)  # the command line reads these settings from the environment
    runner = CliRunner()
    env: dict[str, str] = {}
    made = runner.invoke(
        main,
        [
            "tickets",
            "new",
            "--right",
            "erasure",
            "--channel",
            "letter",
            "--entered-by",
            "DPO",
            "--email",
            "erika.muster@example.com",
            "--language",
            "de",
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    reference = made.output.split(":")[0]
    shown = runner.invoke(main, ["tickets", "show", reference], env=env)
    assert re.search(r"^language +de$", shown.output, re.M), shown.output
    refused = runner.invoke(
        main,
        ["tickets", "new", "--right", "erasure", "--channel", "letter", "--entered-by", "DPO", "--language", "fr"],
        env=env,
    )
    assert refused.exit_code != 0 and "'fr' is not one of 'en', 'de'" in refused.output


def test_a_german_completion_with_a_file_and_its_download_code(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    """Through the console's code path: the German completion with its link, then the download code (file
    outbox), both in German; the code opens the file."""
    from bot.console.downloads import Downloads
    from bot.console.outcomes import change_status
    from bot.console.uploads import Upload

    service = register(settings_for, db_url)
    ticket = service.file(request(rights=["access"]))
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    upload = Upload("kopie.pdf", b"%PDF-1.4\n% Ihre Daten\n")
    changed = change_status(
        service.settings, service, str(ticket.reference), "completed", "dpo", upload=upload, now=now
    )
    assert changed.download_url
    completed = text(queued(service)["answer_completed"])
    assert "Wir haben Ihr Anliegen erledigt." in completed and "Der Link gilt bis zum 8. Dezember 2026." in completed
    token = changed.download_url.rsplit("/", 1)[1]
    downloads = Downloads(service.settings, service.factory)
    assert downloads.send_code(token, now) is not None
    [mail] = list(service.settings.outbox_dir.glob("*.eml"))
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["Subject"] == f"Ihr Download-Code für den Antrag {ticket.reference}"
    match = re.search(r"lautet: (\d{6})", text(message))  # type: ignore[arg-type]
    assert match and downloads.open(token, match.group(1), now) is not None
