"""The DPO's command line (`privacybot tickets …`, `privacybot subjects import`) on a real SQLite database.

Dates that matter are given explicitly (`--received`); tickets filed "now" are only compared with
each other, so every assertion holds on any day.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from bot.cli.main import main
from bot.db.sessions import session_factory, transaction, upgrade
from bot.subjects.models import DataSubject
from bot.tickets.records import REGISTER_FIELDS
from bot.tickets.service import NewRequest
from bot.worker.ticket_events import ticket_service

Run = Callable[..., Result]
LONG_AGO = "2020-01-06T10:00:00+01:00"  # a Monday; due Thursday 6 February 2020, overdue ever since
CONTACTS = ["jane.doe@example.com", "Jane Doe", "+4940123456", "987654321", "C-1001", "please erase me"]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, empty SQLite ticket database the command line is pointed at."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    upgrade(url)
    monkeypatch.setenv("PRIVACYBOT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRIVACYBOT_DATABASE_URL", url)
    return url


@pytest.fixture
def run(database: str) -> Run:
    """`privacybot ARGS…` in this process, against the test database."""

    def invoke(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output
        return result

    return invoke


def new(run: Run, *extra: str) -> str:
    """File a ticket by hand; its reference."""
    out = run("tickets", "new", "--right", "erasure", "--channel", "letter", "--entered-by", "dana", *extra).output
    return out.split(":", 1)[0]


def test_new_records_a_request_that_came_by_letter(run: Run) -> None:
    out = run(
        "tickets", "new", "--right", "erasure", "--right", "access", "--channel", "letter", "--entered-by", "dana",
        "--email", "Jane.Doe@Example.com", "--name", "Jane Doe", "--text", "please erase me",
        "--received", "2026-11-20T09:30:00+01:00", "--verified", "verified",
    ).output  # fmt: skip
    assert out.startswith("DSR-2026-") and out.strip().endswith(": open, due 2026-12-21")  # 20 Dec is a Sunday
    reference = out.split(":", 1)[0]
    shown = json.loads(run("tickets", "show", reference.lower(), "--json").output)
    assert shown["rights"] == ["erasure", "access"] and shown["channel"] == "letter"
    assert shown["requester"]["email"] == "Jane.Doe@example.com" and shown["requester"]["name"] == "Jane Doe"
    assert (shown["verification"]["method"], shown["verification"]["outcome"]) == ("manual", "verified")
    assert shown["entered_by"] == "dana" and shown["received_at"] == "2026-11-20T08:30:00+00:00"
    assert [a["action"] for a in shown["audit"]] == ["filed"]
    assert shown["audit"][0]["actor"] == "dpo:dana"
    unverified = new(run)
    assert json.loads(run("tickets", "show", unverified, "--json").output)["status"] == "awaiting_verification"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--email", "jane@example"], 1, "Error:"),
        (["--email", "jane@example.com\r\nBcc: x@example.org"], 1, "Error:"),
        (["--received", "2026-11-20T09:30:00"], 1, "needs an offset"),
        (["--received", "last tuesday"], 1, "Error:"),
        (["--verified", "probably"], 2, "Invalid value for '--verified'"),
    ],
)
def test_new_refuses_bad_input_with_a_clear_message(
    run: Run, database: str, args: list[str], code: int, message: str
) -> None:
    result = CliRunner().invoke(
        main, ["tickets", "new", "--right", "erasure", "--channel", "letter", "--entered-by", "dana", *args]
    )
    assert result.exit_code == code and message in result.output, result.output
    assert "Traceback" not in result.output
    with transaction(session_factory(database)) as session:
        assert session.execute(sa.text("SELECT count(*) FROM tickets")).scalar() == 0


def test_new_refuses_unknown_rights_and_channels(run: Run) -> None:
    wrong_right = run("tickets", "new", "--right", "forget", "--channel", "letter", "--entered-by", "d", ok=False)
    assert wrong_right.exit_code == 2 and "Invalid value for '--right'" in wrong_right.output
    wrong_channel = run("tickets", "new", "--right", "erasure", "--channel", "web", "--entered-by", "d", ok=False)
    assert wrong_channel.exit_code == 2 and "'letter'" in wrong_channel.output  # the allowed channels are named


def test_list_masks_contacts_and_filters_by_deadline(run: Run) -> None:
    old = new(run, "--email", "jane.doe@example.com", "--received", LONG_AGO)
    recent = new(run, "--email", "max@example.com")  # received now: due in about a month
    table = run("tickets", "list").output
    assert old in table and recent in table and "j***@e***.com" in table
    assert "jane.doe@example.com" not in table and "max@example.com" not in table
    lines = [json.loads(line) for line in run("tickets", "list", "--json").output.splitlines()]
    assert [t["reference"] for t in lines] == [old, recent]  # by due date
    assert lines[0]["requester"]["email"] == "j***@e***.com" and lines[0]["request_text"] is None
    assert lines[0]["days_left"] < -2000 and lines[1]["days_left"] >= 28

    def listed(*args: str) -> list[str]:
        return [json.loads(line)["reference"] for line in run("tickets", "list", "--json", *args).output.splitlines()]

    assert listed("--overdue") == [old]
    assert listed("--due-within", "7d") == [old]
    assert listed("--due-within", "40") == [old, recent]
    run("tickets", "set-status", old, "withdrawn", "--note", "asked by phone")
    assert listed("--overdue") == []  # closed tickets are not overdue
    assert listed("--status", "withdrawn") == [old]
    bad = run("tickets", "list", "--due-within", "soon", ok=False)
    assert bad.exit_code == 2 and "use a number of days, e.g. 7d" in bad.output


def test_show_unknown_reference_is_a_clear_error(run: Run) -> None:
    result = run("tickets", "show", "DSR-2099-999999", ok=False)
    assert result.exit_code == 1 and "Error: no ticket with reference 'DSR-2099-999999'" in result.output


def test_set_status_follows_the_lifecycle_and_refuses_the_rest(run: Run) -> None:
    ref = new(run, "--verified", "verified")
    assert run("tickets", "set-status", ref, "in_progress", "--actor", "dpo:tess").output.strip() == (
        f"{ref}: in_progress"
    )
    refusals = [
        (["open"], 1, "cannot go from in_progress to open; allowed: completed, rejected, withdrawn"),
        (["rejected"], 1, "rejecting needs --reason, one of: identity_not_verified"),
        (["rejected", "--reason", "other"], 1, "rejecting for 'other' reasons needs a --note"),
        (["finished"], 2, "'finished' is not one of 'new', 'awaiting_verification'"),
        (["rejected", "--reason", "boredom"], 2, "Invalid value for '--reason'"),
    ]
    for args, code, message in refusals:
        result = run("tickets", "set-status", ref, *args, ok=False)
        assert result.exit_code == code and message in result.output, (args, result.output)
    assert json.loads(run("tickets", "show", ref, "--json").output)["status"] == "in_progress"  # unchanged
    done = run("tickets", "set-status", ref, "rejected", "--reason", "excessive", "--note", "fourth copy this week")
    assert done.output.strip() == f"{ref}: rejected"
    shown = json.loads(run("tickets", "show", ref, "--json").output)
    assert shown["outcome"] == "excessive, in particular repetitive (Art. 12(5) GDPR): fourth copy this week"
    assert [(a["action"], a["actor"]) for a in shown["audit"]][-2:] == [
        ("status_changed", "dpo:tess"),
        ("status_changed", shown["audit"][-1]["actor"]),
    ]
    closed = run("tickets", "set-status", ref, "completed", ok=False)
    assert closed.exit_code == 1 and "allowed: none (it is closed)" in closed.output
    unknown = run("tickets", "set-status", "DSR-2099-999999", "completed", ok=False)
    assert unknown.exit_code == 1 and "no ticket with reference" in unknown.output


def test_extend_once_within_the_first_month_with_a_reason(run: Run) -> None:
    ref = new(run, "--email", "jane.doe@example.com", "--verified", "verified")
    before = json.loads(run("tickets", "show", ref, "--json").output)
    missing = run("tickets", "extend", ref, ok=False)
    assert missing.exit_code == 2 and "Missing option '--reason'" in missing.output
    blank = run("tickets", "extend", ref, "--reason", "  ", ok=False)
    assert blank.exit_code == 1 and "an extension needs a --reason" in blank.output
    out = run("tickets", "extend", ref, "--reason", "many systems to search").output
    after = json.loads(run("tickets", "show", ref, "--json").output)
    assert out.strip() == f"{ref}: due {after['extended_due_date']} (requester notified by email)"
    assert after["extended_due_date"] > before["due_date"] and after["effective_due_date"] == after["extended_due_date"]
    assert after["extension_reason"] == "many systems to search"
    again = run("tickets", "extend", ref, "--reason", "still busy", ok=False)
    assert again.exit_code == 1 and f"{ref} was already extended to {after['extended_due_date']}" in again.output
    late = new(run, "--received", LONG_AGO)
    past = run("tickets", "extend", late, "--reason", "busy", ok=False)
    assert past.exit_code == 1 and "past its first deadline (2020-02-06)" in past.output
    no_email = new(run)
    told = run("tickets", "extend", no_email, "--reason", "busy").output
    assert "no email address: tell the requester" in told
    unknown = run("tickets", "extend", "DSR-2099-999999", "--reason", "busy", ok=False)
    assert unknown.exit_code == 1 and "no ticket with reference" in unknown.output


def test_export_is_the_register_without_contacts(run: Run, database: str, tmp_path: Path) -> None:
    from bot.settings import load_settings

    service = ticket_service(load_settings())
    filed = service.file(
        NewRequest(
            rights=["erasure"],
            channel="telegram",
            verification_method="verified_email+verified_phone",
            verification_outcome="verified",
            requester_email="jane.doe@example.com",
            requester_phone="+4940123456",
            requester_telegram_id="987654321",
            requester_name="Jane Doe",
            subject_match="verified email matches customer record #C-1001",
            request_text="please erase me",
            conversation_id="conv-1",
        )
    )
    new(run, "--email", "jane.doe@example.com", "--name", "Jane Doe", "--text", "please erase me")
    exported_csv = run("tickets", "export").output
    rows = list(csv.DictReader(io.StringIO(exported_csv)))
    assert list(rows[0]) == REGISTER_FIELDS and len(rows) == 2
    assert rows[0]["reference"] == filed.reference and rows[0]["rights"] == "erasure"
    assert rows[0]["verification_method"] == "verified_email+verified_phone"
    exported_json = run("tickets", "export", "--format", "json").output
    records = json.loads(exported_json)
    assert [set(r) for r in records] == [set(REGISTER_FIELDS)] * 2
    for contact in [*CONTACTS, "conv-1", "j***@"]:
        assert contact not in exported_csv and contact not in exported_json, contact
    bad = run("tickets", "export", "--format", "xlsx", ok=False)
    assert bad.exit_code == 2 and "Invalid value for '--format'" in bad.output


def test_stats_count_per_right_and_status(run: Run) -> None:
    done = new(run, "--verified", "verified")
    new(run, "--received", LONG_AGO)
    run("tickets", "new", "--right", "access", "--channel", "email", "--entered-by", "dana")
    run("tickets", "set-status", done, "completed")  # closed the day it was received: on time
    result = json.loads(run("tickets", "stats", "--json").output)
    assert result["total"] == 3 and result["on_time_rate"] == 1.0
    assert result["by_status"] == {"completed": 1, "awaiting_verification": 2}
    erasure, access = result["per_right"]["erasure"], result["per_right"]["access"]
    assert (erasure["total"], erasure["open"], erasure["closed"], erasure["overdue_open"]) == (2, 1, 1, 1)
    assert erasure["on_time_rate"] == 1.0 and erasure["median_days_to_close"] == 0.0
    assert (access["total"], access["open"], access["overdue_open"], access["on_time_rate"]) == (1, 1, 0, None)
    assert result["per_right"]["portability"]["total"] == 0
    table = run("tickets", "stats").output
    assert "3 ticket(s); on time: 100%" in table and "erasure" in table


def test_subjects_import_upserts_and_names_refused_lines_only(run: Run, database: str, tmp_path: Path) -> None:
    first = tmp_path / "subjects.csv"
    first.write_text(
        "customer_ref,email,name\n"
        "C-1001,Jane.Doe@Example.com,Jane Doe\n"
        "C-1002,not-an-address,Max\n"
        ",nobody@example.com,\n"
        "C-1003,max@example.com,\n",
        encoding="utf-8",
    )
    out = run("subjects", "import", str(first)).output
    assert out.splitlines() == [
        "added 2, updated 0, refused 2",
        "refused lines (bad or duplicate address, no customer_ref): [3, 4]",
    ]
    assert "not-an-address" not in out and "nobody" not in out  # refused rows are named by line, not content
    second = tmp_path / "again.csv"
    second.write_text("customer_ref,email\nC-1001,jane@example.org\nC-1004,max@example.com\n", encoding="utf-8")
    assert run("subjects", "import", str(second)).output.splitlines()[0] == "added 0, updated 1, refused 1"
    with transaction(session_factory(database)) as session:
        subjects = {s.customer_ref: (s.email, s.name) for s in session.execute(sa.select(DataSubject)).scalars()}
    assert subjects == {"C-1001": ("jane@example.org", "Jane Doe"), "C-1003": ("max@example.com", None)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ref,mail\nC-1,jane@example.com\n", "the CSV needs the columns customer_ref, email (missing: customer_ref"),
        (b"customer_ref,name\nC-1,Jane\n", "(missing: email)"),
        (b"", "the CSV needs the columns customer_ref, email"),
        (b"customer_ref,email\nC-1,j\xe4ne@example.com\n", "cannot import"),
        (b"customer_ref,email\nC-1,jane" + b"x" * 200_000 + b"\n", "field larger than field limit"),
    ],
)
def test_subjects_import_refuses_a_bad_csv_clearly(run: Run, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run("subjects", "import", str(path), ok=False)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, result.output
    assert "jane" not in result.output.lower()  # the file's content is not echoed
    missing = run("subjects", "import", str(tmp_path / "nope.csv"), ok=False)
    assert missing.exit_code == 2 and "does not exist" in missing.output
