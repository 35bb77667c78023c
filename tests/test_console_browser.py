"""The DPO console in headless Chromium (Debian's), driven by Playwright.

The first test works requests filed through the chat with the real assistant, in the console that `run`
starts (the wall clock's today: what it asserts does not depend on the date). The others use a console
in this process with a fixed clock, so days left and colours are the same on any day.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.console.accounts import Accounts
from bot.db.sessions import session_factory, transaction, upgrade
from bot.notify.models import OutboxEmail
from bot.runtime.runner import wait_for_http
from bot.settings import Settings
from bot.tickets.models import Ticket
from bot.tickets.service import NewRequest, TicketService
from bot.worker.ticket_events import ticket_service
from tests.conftest import Mailbox, Servers
from tests.console_client import Clock, running_console

pytestmark = pytest.mark.servers
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n% the person's data, prepared by the DPO\n"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def file_through_chat(servers: Servers, mailbox: Mailbox, message: str) -> str:
    """A request filed by a visitor in the chat; its reference."""
    chat, email = servers.conversation(), f"person-{uuid.uuid4().hex[:10]}@example.com"
    chat.say(message)
    assert "one-time code" in chat.say_text("yes")
    chat.say_text(email)
    reply = chat.say_text(f"my code is {mailbox.latest_code(email)}")
    found = re.search(r"DSR-\d{4}-\d{6}", reply)
    assert found, reply
    return found.group(0)


def outbox_text(settings: Settings, reference: str, kind: str) -> str:
    factory = session_factory(settings.database_url)
    with transaction(factory) as session:
        ticket = session.execute(sa.select(Ticket).where(Ticket.reference == reference)).scalar_one()
        rows = session.execute(
            sa.select(OutboxEmail).where(OutboxEmail.ticket_id == ticket.id, OutboxEmail.kind == kind)
        ).scalars()
        [message] = [message_from_bytes(bytes(r.message), policy=policy.default) for r in rows]
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_dpo_works_chat_filed_requests_and_the_person_gets_the_answers(
    servers: Servers, mailbox: Mailbox, browser: Any, output_dir: Path
) -> None:
    from playwright.sync_api import expect

    settings = servers.settings
    base = f"http://{settings.host}:{settings.console_port}"
    assert wait_for_http(base + "/health", 60), "the console started by `run` does not answer"
    Accounts(session_factory(settings.database_url)).add("dpo@example.org", "dpo", PASSWORD, datetime.now(UTC))
    extend_ref = file_through_chat(servers, mailbox, "plz delete me from ur database")
    reject_ref = file_through_chat(servers, mailbox, "please delete my account and all my data")
    access_ref = file_through_chat(servers, mailbox, "send me a copy of my data")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/tickets/{extend_ref}")  # logged out: the sign-in page, no reference on it
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url == base + "/login" and extend_ref not in page.content()
    sign_in(page, base, "dpo@example.org")

    page.get_by_label("Reference").fill(extend_ref)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=extend_ref).click()
    expect(page.locator("blockquote.words")).to_have_text("plz delete me from ur database")
    expect(page.locator(".transcript")).to_contain_text("plz delete me from ur database")  # the conversation
    expect(page.locator("ul.plain")).to_contain_text("(Art. 17 GDPR)")  # the right with its article
    page.get_by_label("Reason for the extension (emailed to the person)").fill("We must check three archives.")
    page.get_by_role("button", name="Extend by two months").click()
    expect(page.get_by_role("status")).to_contain_text("Deadline extended")
    assert "We must check three archives." in outbox_text(settings, extend_ref, "extension_notice")

    page.goto(f"{base}/tickets/{reject_ref}")
    page.get_by_label("Reason for rejecting").select_option("exemption")
    page.get_by_label("Explanation to the person").fill("Your invoices must be kept for ten years (tax law).")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_contain_text("Rejected")
    rejection = outbox_text(settings, reject_ref, "answer_rejected")
    assert "Your invoices must be kept for ten years (tax law)." in rejection
    assert "right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR)" in rejection
    assert "(HmbBfDI)" in rejection and "right to seek a judicial remedy" in rejection

    page.goto(f"{base}/tickets/{access_ref}")
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("status")).to_contain_text("Work started")
    page.get_by_label("Message to the person: what was done").fill("Attached is everything we hold about you.")
    page.get_by_label(re.compile("File for the person")).set_input_files(
        files=[{"name": "your-data.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("status")).to_contain_text("Completed")
    expect(page.locator("table.audit")).to_contain_text("person answered")
    page.screenshot(path=str(output_dir / "console-chat-ticket-completed.png"), full_page=True)
    completion = outbox_text(settings, access_ref, "answer_completed")
    link = re.search(r"http\S+/download/[\w-]+", completion)
    assert link and "Attached is everything we hold about you." in completion

    # the person, in another browser: the link asks for a fresh emailed code, then the file comes
    person = browser.new_context(accept_downloads=True).new_page()
    person.goto(link.group(0))
    person.get_by_role("button", name="Email me a code").click()
    recipient = str(mailbox.wait_for("", f"download code for request {access_ref}")[0]["To"])
    body = mailbox.wait_for(recipient, "download code")[0].get_body(("plain",)).get_content()
    code = re.search(r"is: (\d{6})", body)
    assert code
    person.get_by_label("Code from the email").fill(code.group(1))
    with person.expect_download() as download:
        person.get_by_role("button", name="Download").click()
    assert Path(download.value.path()).read_bytes() == PDF and download.value.suggested_filename == "your-data.pdf"
    for subject in ("more time needed", "our decision", "has been completed"):
        assert mailbox.wait_for("", subject)  # the worker sent the answers from the outbox
    context.close()


@pytest.fixture
def fixed_console(settings_for: Callable[..., Settings]) -> Iterator[tuple[str, TicketService]]:
    """A console on a fixed day with requests due at every urgency."""
    settings = settings_for()
    upgrade(settings.database_url)
    service = ticket_service(settings)
    accounts = Accounts(service.factory)
    accounts.add("dpo@example.com", "dpo", PASSWORD, NOW)
    accounts.add("viewer@example.com", "viewer", PASSWORD, NOW)
    cases = [
        (datetime(2026, 11, 20, 9, tzinfo=UTC), ["access"], "web", "<b>send me a copy</b> of everything"),
        (datetime(2026, 11, 5, 9, tzinfo=UTC), ["erasure"], "telegram", "delete my account please"),
        (datetime(2026, 11, 2, 9, tzinfo=UTC), ["objection"], "email", "stop the newsletter"),
        (datetime(2026, 10, 1, 9, tzinfo=UTC), ["portability", "access"], "letter", "export my data as JSON"),
    ]
    for i, (received, rights, channel, text) in enumerate(cases):
        service.file(
            NewRequest(
                rights=rights,
                channel=channel,
                verification_method="verified_email",
                verification_outcome="verified",
                requester_email=f"person{i}@example.com",
                requester_name="Jane Doe",
                request_text=text,
                received_at=received,
                entered_by="alice" if channel in ("email", "letter") else None,
            )
        )
    with running_console(settings, Clock(NOW)) as base:
        yield base, service


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "mobile")])
def test_queue_and_detail_at_desktop_and_phone_width(
    fixed_console: tuple[str, TicketService], browser: Any, output_dir: Path, width: int, name: str
) -> None:
    from playwright.sync_api import expect

    base, _service = fixed_console
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    sign_in(page, base, "dpo@example.com")
    expect(page.locator(".left.calm")).to_have_text("20")
    expect(page.locator(".left.amber")).to_have_text("6")  # due Monday 7 December (5th: a Saturday)
    expect(page.locator(".left.red")).to_have_text("1")  # due Wednesday 2 December
    expect(page.locator(".left.overdue")).to_have_text(re.compile(r"overdue by \d+"))
    assert "person0@example.com" not in page.content() and "p***@e***.com" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    page.screenshot(path=str(output_dir / f"console-queue-{name}.png"), full_page=True)
    page.get_by_role("link", name="DSR-2026-000001").click()
    expect(page.locator("blockquote.words")).to_have_text("<b>send me a copy</b> of everything")  # escaped
    expect(page.get_by_text("person0@example.com")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(output_dir / f"console-detail-{name}.png"), full_page=True)
    context.close()


def test_forged_token_lockout_viewer_and_logout_in_the_browser(
    fixed_console: tuple[str, TicketService], browser: Any
) -> None:
    from playwright.sync_api import expect

    base, service = fixed_console
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "dpo@example.com")
    page.goto(base + "/tickets/DSR-2026-000001")
    page.locator("form[action$='/start'] input[name=csrf]").evaluate("e => e.value = 'forged-token'")
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert service.get("DSR-2026-000001")[0].status == "open"
    page.goto(base + "/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(base + "/tickets/DSR-2026-000001")
    assert page.url == base + "/login" and "DSR-2026-000001" not in page.content()

    viewer = browser.new_context().new_page()
    sign_in(viewer, base, "viewer@example.com")
    viewer.get_by_role("link", name="DSR-2026-000001").click()
    expect(viewer.get_by_text("can look at requests, not change them")).to_be_visible()
    assert viewer.get_by_role("button", name="Start work").count() == 0

    for _ in range(5):
        sign_in(page, base, "dpo@example.com", "wrong password, five times")
    sign_in(page, base, "dpo@example.com")
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    assert page.url == base + "/login"
    context.close()
