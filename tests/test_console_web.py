"""The console over HTTP (no browser): sign-in, lock-out, limits, CSRF, roles, sessions, escaping, uploads, downloads.

The console runs in this process with a clock the tests set; the ticket database is a fresh SQLite file.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from bot.console import download_texts
from bot.console.accounts import Accounts
from bot.console.models import ConsoleEvent, ConsoleUser
from bot.db.sessions import transaction, upgrade
from bot.settings import Settings
from bot.tickets.service import NewRequest
from bot.verification.service import SendOutcome
from bot.worker.ticket_events import ticket_service
from tests.conftest import postgres_database
from tests.console_client import Client, Clock, running_console

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # due Monday 21 December 2026
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n% the person's data\n"


class Env:
    """A console with its database, clock and accounts."""

    def __init__(self, settings: Settings, base: str, clock: Clock):
        self.settings, self.base, self.clock = settings, base, clock
        self.service = ticket_service(settings)
        self.accounts = Accounts(self.service.factory)

    def client(self) -> Client:
        return Client(self.base)

    def signed_in(self, email: str = "dpo@example.com", role: str = "dpo") -> Client:
        with contextlib.suppress(ValueError):
            self.accounts.add(email, role, PASSWORD, NOW)
        client = self.client()
        assert client.login(email, PASSWORD).url.endswith("/")
        return client

    def file(self, **overrides: Any) -> str:
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
        return str(self.service.file(NewRequest(**values)).reference)

    def events(self) -> list[tuple[str, str]]:
        with transaction(self.service.factory) as session:
            rows = session.execute(sa.select(ConsoleEvent).order_by(ConsoleEvent.id)).scalars()
            return [(e.actor, e.action) for e in rows]

    def status(self, reference: str) -> str:
        return str(self.service.get(reference)[0].status)


@pytest.fixture
def env(settings_for: Callable[..., Settings], tmp_path: Any) -> Iterator[Env]:
    settings = settings_for(console_upload_limit_mb=1)
    upgrade(settings.database_url)
    clock = Clock(NOW)
    with running_console(settings, clock) as base:
        yield Env(settings, base, clock)


def test_logged_out_visitors_are_sent_to_the_sign_in_page_and_see_no_reference(env: Env) -> None:
    ref = env.file()
    client = env.client()
    for path in (f"/tickets/{ref}", "/", "/register", "/register/export.csv", "/register/plot.svg"):
        first = client.get(path, follow=False)
        assert first.status_code == 303 and first.headers["Location"] == "/login", path
        page = client.get(path)
        assert page.url.endswith("/login") and ref not in page.text
        assert 'for="email">Email<' in page.text and 'for="password">Password<' in page.text
    posted = client.request("POST", f"/tickets/{ref}/start", data={"csrf": "x"}, follow=False)
    assert posted.status_code == 303 and env.status(ref) == "open"


def test_sign_in_sets_a_strict_httponly_session_cookie_and_is_audited(env: Env) -> None:
    client = env.signed_in()
    session_cookie = next(h for h in client.set_cookie_headers if h.startswith("pbc_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie and "Secure" not in session_cookie
    assert ("dpo@example.com", "login") in env.events()
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"] and "https://" not in page.text
    client.post("/logout", {}, form_page="/")
    assert client.get("/").url.endswith("/login")
    assert env.events()[-1] == ("dpo@example.com", "logout")


def test_forged_or_missing_csrf_tokens_get_403_and_change_nothing(env: Env) -> None:
    ref = env.file()
    client = env.signed_in()
    assert client.request("POST", f"/tickets/{ref}/start", data={}).status_code == 403
    assert client.request("POST", f"/tickets/{ref}/start", data={"csrf": "forged" * 8}).status_code == 403
    other = env.signed_in("other@example.com")
    stolen = other.csrf("/")  # a valid token of another session
    assert client.request("POST", f"/tickets/{ref}/start", data={"csrf": stolen}).status_code == 403
    assert env.status(ref) == "open"
    assert env.events().count(("dpo@example.com", "csrf_refused")) == 3
    anonymous = env.client()
    refused = anonymous.request("POST", "/login", data={"email": "dpo@example.com", "password": PASSWORD})
    assert refused.status_code == 403  # sign-in forms carry a token too
    assert client.post(f"/tickets/{ref}/start", {}, form_page=f"/tickets/{ref}").status_code == 200
    assert env.status(ref) == "in_progress"


def test_five_failed_sign_ins_lock_the_account_for_fifteen_minutes(env: Env) -> None:
    env.accounts.add("dpo@example.com", "dpo", PASSWORD, NOW)
    client = env.client()
    for _ in range(5):
        failed = client.login("dpo@example.com", "not the password")
        assert failed.status_code == 401 and "locked for 15 minutes" in failed.text
    locked = client.login("dpo@example.com", PASSWORD)
    assert locked.status_code == 401 and "pbc_session" not in client.cookies
    assert ("dpo@example.com", "login_locked") in env.events()
    env.clock.now = NOW + timedelta(minutes=16)
    assert client.login("dpo@example.com", PASSWORD).url.endswith("/")


def test_one_client_is_limited_whatever_accounts_it_tries(env: Env) -> None:
    client = env.client()
    statuses = [client.login(f"guess{i}@example.com", "not the password").status_code for i in range(21)]
    assert statuses == [401] * 20 + [429]
    assert ("anonymous", "login_rate_limited") in env.events()


def test_viewers_see_but_cannot_change(env: Env) -> None:
    ref = env.file()
    viewer = env.signed_in("viewer@example.com", role="viewer")
    page = viewer.get(f"/tickets/{ref}")
    assert page.status_code == 200 and "send me a copy of my data" in page.text
    assert f"/tickets/{ref}/start" not in page.text and "can look at requests, not change them" in page.text
    refused = viewer.post(f"/tickets/{ref}/start", {}, form_page=f"/tickets/{ref}")
    assert refused.status_code == 403 and env.status(ref) == "open"
    assert ("viewer@example.com", "change_refused") in env.events()


def test_a_disabled_users_session_ends_and_an_idle_one_expires(env: Env) -> None:
    client = env.signed_in()
    with transaction(env.service.factory) as session:  # disabled behind the console's back
        session.execute(sa.update(ConsoleUser).values(disabled_at=NOW))
    assert client.get("/").url.endswith("/login?ended=disabled")
    assert client.login("dpo@example.com", PASSWORD).status_code == 401
    idle = env.signed_in("idle@example.com")
    env.clock.now = NOW + timedelta(minutes=31)
    page = idle.get("/")
    assert page.url.endswith("/login?ended=expired") and "30 idle minutes" in page.text


def test_second_factor_is_enrolled_in_production_and_asked_for_at_each_sign_in(
    settings_for: Callable[..., Settings],
) -> None:
    secret_a, secret_b = "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    with postgres_database() as url:
        settings = settings_for(
            profile="production",
            database_url=url,
            tracker_store_url=url,
            redis_url="redis://127.0.0.1:6379/1",
            email_backend="smtp",
            verification_secret=secret_a * 2,
            action_token=secret_b * 2,
        )
        upgrade(url)
        clock = Clock(NOW)
        with running_console(settings, clock) as base:
            Accounts(ticket_service(settings).factory).add("dpo@example.com", "dpo", PASSWORD, NOW)
            client = Client(base)
            enrol = client.login("dpo@example.com", PASSWORD)
            assert enrol.url.endswith("/totp/enrol")
            assert "Secure" in next(h for h in client.set_cookie_headers if h.startswith("pbc_session="))
            assert client.get("/").url.endswith("/totp/enrol")  # nothing else before the second factor
            secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol.text)
            assert secret and 'src="data:image/svg+xml' in enrol.text
            done = client.request("POST", "/totp/enrol", data={"csrf": client.csrf("/totp/enrol"), "code": "000000"})
            assert done.status_code == 401 and f">{secret.group(1)}<" in done.text  # a wrong code: try again
            code = pyotp.TOTP(secret.group(1)).at(NOW)
            assert client.request(
                "POST", "/totp/enrol", data={"csrf": client.csrf("/totp/enrol"), "code": code}
            ).url.endswith("/")
            client.post("/logout", {}, form_page="/")

            again = Client(base)
            assert again.login("dpo@example.com", PASSWORD).url.endswith("/login/totp")
            assert again.get("/").url.endswith("/login/totp")
            clock.now = NOW + timedelta(minutes=2)
            code = pyotp.TOTP(secret.group(1)).at(clock.now)
            assert again.post("/login/totp", {"code": code}).url.endswith("/")


def test_ticket_text_is_escaped_and_contacts_are_masked_in_the_queue(env: Env) -> None:
    ref = env.file(request_text="<script>alert('x')</script><img src=x onerror=alert(2)>")
    client = env.signed_in()
    queue = client.get("/").text
    assert ref in queue and "jane.doe@example.com" not in queue and "j***@e***.com" in queue
    detail = client.get(f"/tickets/{ref}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in detail and "<script>" not in detail
    assert "jane.doe@example.com" in detail  # shown in full in the detail


def test_queue_colours_days_left_and_filters(env: Env) -> None:
    calm = env.file()  # due 21 December: 20 days left on 1 December
    amber = env.file(
        received_at=datetime(2026, 11, 5, 9, tzinfo=UTC),
        rights=["erasure"],
        channel="telegram",
        requester_email=None,
        requester_telegram_id="123456789",
    )
    red = env.file(received_at=datetime(2026, 11, 2, 9, tzinfo=UTC), idempotency_key="r")
    late = env.file(received_at=datetime(2026, 10, 1, 9, tzinfo=UTC), idempotency_key="o")
    client = env.signed_in()
    rows = {
        m.group(2): m.group(1)
        for m in re.finditer(r'<tr class="u-(\w+)">\s*<td[^>]*><a href="/tickets/([\w-]+)"', client.get("/").text)
    }
    assert rows == {calm: "calm", amber: "amber", red: "red", late: "overdue"}
    assert "overdue by" in client.get("/?overdue=1").text and calm not in client.get("/?overdue=1").text
    assert list(re.findall(r"/tickets/(DSR-[\d-]+)", client.get("/?channel=telegram").text)) == [amber]
    assert amber in client.get("/?right=erasure").text and calm not in client.get("/?right=erasure").text
    assert list(re.findall(r"/tickets/(DSR-[\d-]+)", client.get(f"/?q={red.lower()}").text)) == [red]
    assert "*****6789" in client.get("/").text


def test_bad_uploads_are_refused_with_a_message_and_change_nothing(env: Env) -> None:
    ref = env.file()
    client = env.signed_in()
    page = f"/tickets/{ref}"

    def complete(name: str, content: bytes) -> Any:
        return client.request(
            "POST",
            f"/tickets/{ref}/complete",
            data={"csrf": client.csrf(page), "message": "Your data."},
            files={"file": (name, content)},
        )

    traversal = complete("../../../etc/cron.d/evil.txt", b"* * * * * root sh")
    assert traversal.status_code == 400 and "without a folder" in traversal.text
    wrong = complete("copy.exe", b"MZ\x90")
    assert wrong.status_code == 400 and "not accepted" in wrong.text
    bigger = complete("copy.pdf", b"%PDF-" + b"x" * (1024 * 1024))
    assert bigger.status_code == 400 and "larger than the limit of 1 MB" in bigger.text
    huge = complete("copy.pdf", b"%PDF-" + b"x" * (3 * 1024 * 1024))
    assert huge.status_code == 413 and "larger than the limit of 1 MB" in huge.text
    assert env.status(ref) == "open"
    assert not (env.settings.data_dir / "console" / "files").exists() or not list(
        (env.settings.data_dir / "console" / "files").iterdir()
    )


def test_stale_forms_are_refused_naming_the_allowed_transitions(env: Env) -> None:
    ref = env.file()
    client = env.signed_in()
    token = client.csrf(f"/tickets/{ref}")
    client.post(f"/tickets/{ref}/withdraw", {"note": "by phone"}, form_page=f"/tickets/{ref}")
    stale = client.request("POST", f"/tickets/{ref}/start", data={"csrf": token})
    assert (
        stale.status_code == 409
        and "cannot go from withdrawn to in_progress; allowed: none (it is closed)" in stale.text
    )
    unknown = client.get("/tickets/DSR-2026-999999")
    assert unknown.status_code == 404


def download_token(env: Env, ref: str) -> str:
    """Complete ``ref`` with a file, as the DPO does; the token of the download link emailed to the person."""
    client = env.signed_in()
    client.request(
        "POST",
        f"/tickets/{ref}/complete",
        data={"csrf": client.csrf(f"/tickets/{ref}"), "message": "Your data is attached as a link."},
        files={"file": ("copy.pdf", PDF)},
    )
    with transaction(env.service.factory) as session:
        from bot.notify.models import OutboxEmail

        completed = sa.select(OutboxEmail).where(OutboxEmail.kind == "answer_completed")
        mail = session.execute(completed.order_by(OutboxEmail.id.desc()).limit(1)).scalar_one()
        text = message_from_bytes(bytes(mail.message), policy=policy.default).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"/download/([\w-]+)", text)
    assert link
    return link.group(1)


def test_download_link_guessed_expired_or_with_a_wrong_code_is_one_404(env: Env) -> None:
    ref = env.file()
    token = download_token(env, ref)
    person = env.client()
    guessed = person.get("/download/" + "A" * len(token))
    assert guessed.status_code == 404
    offer = person.get(f"/download/{token}")
    assert offer.status_code == 200 and "copy.pdf" in offer.text and ref in offer.text
    assert person.post(f"/download/{token}/code", {}, form_page=f"/download/{token}").status_code == 200
    wrong = person.post(f"/download/{token}", {"code": "999999"}, form_page=f"/download/{token}")
    assert wrong.status_code == 404 and wrong.text == guessed.text
    env.clock.now = NOW + timedelta(days=7)
    expired = person.get(f"/download/{token}")
    assert expired.status_code == 404 and expired.text == guessed.text


def test_the_download_pages_are_in_the_tickets_language(env: Env) -> None:
    ref = env.file(language="de", request_text="Bitte senden Sie mir eine Kopie meiner Daten.")
    token = download_token(env, ref)
    person = env.client()
    offer = person.get(f"/download/{token}")
    assert offer.status_code == 200 and '<html lang="de">' in offer.text
    assert f"Ihre Datei zur Anfrage {ref}" in offer.text and "abrufbar bis zum 8. Dezember 2026" in offer.text
    assert "Code per E-Mail senden" in offer.text and "Email me a code" not in offer.text
    assert "DPO console" not in offer.text  # the person sees the company's name, not the DPO's tool
    sent = person.post(f"/download/{token}/code", {}, form_page=f"/download/{token}")
    assert "Wir haben Ihnen einen Code per E-Mail gesendet" in sent.text and "Herunterladen" in sent.text
    again = person.post(f"/download/{token}/code", {}, form_page=f"/download/{token}")
    assert "Vor einem Moment wurde ein Code gesendet" in again.text
    forged = person.request("POST", f"/download/{token}", data={"csrf": "x" * 40, "code": "123456"})
    assert forged.status_code == 403 and "Nicht erlaubt" in forged.text
    wrong = person.post(f"/download/{token}", {"code": "999999"}, form_page=f"/download/{token}")
    guessed = person.get("/download/" + "A" * len(token))
    assert wrong.status_code == guessed.status_code == 404 and wrong.text == guessed.text
    assert "Nicht gefunden" in wrong.text and "Not found" in wrong.text  # one 404, whatever the ticket's language
    english = env.client().get(f"/download/{download_token(env, env.file())}")
    assert "Email me a code" in english.text and '<html lang="en">' in english.text


def test_register_page_plot_and_exports_without_contacts(env: Env) -> None:
    from bot.console.register_views import monthly

    done = env.file(received_at=datetime(2026, 10, 1, 9, tzinfo=UTC), rights=["erasure", "access"])
    env.file()
    client = env.signed_in()
    client.post(f"/tickets/{done}/complete", {"message": "Erased."}, form_page=f"/tickets/{done}")
    page = client.get("/register")
    assert page.status_code == 200 and "2 request(s) on record" in page.text
    assert "Right to erasure" in page.text and 'src="/register/plot.svg"' in page.text
    plot = client.get("/register/plot.svg")
    assert plot.headers["Content-Type"] == "image/svg+xml" and plot.content.lstrip().startswith(b"<?xml")
    assert b"Requests per month by right" in plot.content and b"Right to erasure" in plot.content  # title, legend
    exported = client.get("/register/export.csv").text
    assert exported.startswith("reference,rights,status") and done in exported and "jane.doe" not in exported
    rows = client.get("/register/export.json").json()
    assert len(rows) == 2 and done in {r["reference"] for r in rows} and "requester" not in rows[0]
    assert ("dpo@example.com", "register_exported") in env.events()
    _, events = env.service.get(done)
    answered = next(e for e in events if e.action == "person_answered")
    assert answered.actor == "console:dpo@example.com" and answered.after == {
        "email": "answer_completed",
        "download_link": False,
    }
    months, counts, rates = monthly(env.settings, env.service.find())
    assert months == ["2026-10", "2026-11", "2026-12"]  # received in October and November, closed on 1 December
    assert counts["erasure"] == [1, 0, 0] and counts["access"] == [1, 1, 0]
    assert rates == [None, None, 0.0]  # received 1 October, due 2 November: closed late


def test_every_download_page_text_is_in_english_and_german() -> None:
    assert all(set(texts) == {"en", "de"} for texts in download_texts.TEXTS.values())
    assert {outcome.value for outcome in SendOutcome} <= set(download_texts.TEXTS)  # each outcome has its notice
