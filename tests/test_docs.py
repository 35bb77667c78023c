"""The threat model is backed by tests: every row of its two tables names tests, and they exist.

Each row of "Entry points" and "Attacks considered" in docs/threat-model.md names in its last column
the tests that fail when that row's protection is removed (`tests/x.py::name`, then `::name` for more
in the same file). The one row that is not ours (the host's network policy) says so with "none:".

Checked by hand (removing the protection, running the named tests, seeing them fail, restoring the code
with `git checkout`): the rows in REMOVAL_CHECKS below, with what was removed and what failed. The
test at the end keeps this record consistent with the document.
"""

from __future__ import annotations

import ast
import re
from functools import cache

from bot.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "threat-model.md"
TABLES = ("## Entry points", "## Attacks considered")
NOT_OURS = {"PostgreSQL, Redis, SMTP"}  # outside this project: nothing of ours to remove
CITATION = re.compile(r"`(tests/[\w/]+\.py)((?:::\w+)?)`|`::(\w+)`")

# row -> (the protection removed by hand, the tests that then failed); see the module docstring
REMOVAL_CHECKS: dict[str, tuple[str, list[str]]] = {
    "Code guessing": (
        "Verifier.start without its per-address check, then (separately) without its per-conversation check",
        [
            "tests/test_verification_limits.py::test_three_codes_per_address_per_hour_across_conversations",
            "tests/test_verification_limits.py::test_five_codes_per_conversation_per_hour_whatever_the_address",
        ],
    ),
    "Faked verification": (
        "Screening.screen passing a typed '/code_verified' etc. on unchanged; then Verifier.verified_challenge "
        "without its address comparison",
        [
            "tests/test_request_flow.py::test_typed_internal_intent_cannot_fake_verification",
            "tests/test_identity_check.py::test_a_code_verified_for_one_address_cannot_file_for_another",
            "tests/test_verification_limits.py::test_a_code_verified_for_one_address_does_not_verify_another",
        ],
    ),
    "Telegram bridge channel": (
        "TelegramBridgeInput.refuse without its token check",
        ["tests/test_bridge_channel.py::test_the_bridge_channel_refuses_callers_without_its_token"],
    ),
    "Forged bridge messages": (
        'TelegramBridgeInput._extract_message without its `"internal": true` condition',
        ["tests/test_bridge_channel.py::test_only_the_bridge_vouches_for_a_phone_number"],
    ),
    "Browsers on other sites calling the Rasa server": (
        "the Rasa server started with `--cors *` instead of the configured origins",
        ["tests/test_widget.py::test_cors_allows_the_widget_origin_only"],
    ),
    "Mail server down or refusing": (
        "Verifier.check treating a withdrawn ('unsent') challenge like a pending one",
        [
            "tests/test_identity_check.py::test_a_refused_code_email_is_reported_and_its_code_is_dead",
            "tests/test_verification_limits.py::"
            "test_a_code_the_mail_server_refused_never_verifies_and_costs_the_address_nothing",
        ],
    ),
    "Data kept too long": (
        "run_retention with a fixed 1095 days instead of PRIVACYBOT_TICKET_RETENTION_DAYS",
        ["tests/test_retention.py::test_closed_tickets_are_kept_for_exactly_the_configured_period"],
    ),
    "Contacts leaving with the register": (
        "request_text added to the export's columns",
        ["tests/test_tickets_cli.py::test_export_is_the_register_without_contacts"],
    ),
    "Widget page": (
        "the widget handler without its quiet log_message",
        ["tests/test_widget_server.py::test_the_widget_server_logs_no_requests"],
    ),
    "HAProxy": (
        "the generated configuration without its rule for chunked bodies (as it was before that rule)",
        ["tests/test_balancer.py::test_the_balancer_refuses_bodies_above_its_limit_however_they_are_sent"],
    ),
}


def rows() -> dict[str, list[str]]:
    """Each table row's name and its cells, from both tables."""
    text = DOC.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for heading in TABLES:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        lines = [line for line in section.splitlines() if line.startswith("|")][2:]  # no header, no separator
        for line in lines:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            bold = re.match(r"\*\*(.+?)\*\*", cells[0])
            name = bold.group(1) if bold else re.split(r" `| \(", cells[0])[0].strip()
            assert name not in found, f"two rows named {name!r}"
            found[name] = cells
    return found


def cited_tests(cell: str) -> list[str]:
    """`tests/file.py::name` for every test a table cell names."""
    tests, current = [], ""
    for path, name, continued in CITATION.findall(cell):
        if path:
            current = path
        assert current, f"'::{continued}' before any file in: {cell}"
        test = name.lstrip(":") or continued
        if test:
            tests.append(f"{current}::{test}")
    return tests


@cache
def defined_tests(path: str) -> frozenset[str]:
    tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_"))


def test_every_row_of_the_threat_model_names_tests() -> None:
    table = rows()
    assert len(table) >= 25
    for name, cells in table.items():
        tests = cited_tests(cells[-1])
        if name in NOT_OURS:
            assert cells[-1].startswith("none:") and not tests, name
            continue
        assert tests, f"threat-model row {name!r} names no test"


def test_every_test_named_in_the_threat_model_exists() -> None:
    doc = DOC.read_text(encoding="utf-8")
    cited = [t for line in doc.splitlines() if line.startswith("|") for t in cited_tests(line)]
    assert len(cited) >= 40
    for test in cited:
        path, name = test.split("::")
        assert (PROJECT_ROOT / path).exists(), path
        assert name in defined_tests(path), f"{test} is cited in docs/threat-model.md but does not exist"


def test_the_removal_checks_match_the_document() -> None:
    table = rows()
    assert len(REMOVAL_CHECKS) >= 5
    for name, (removed, failed) in REMOVAL_CHECKS.items():
        assert name in table, f"REMOVAL_CHECKS names {name!r}, which is no row of the threat model"
        assert removed and failed
        cited = cited_tests(table[name][-1])
        assert set(failed) <= set(cited), f"{name!r}: {set(failed) - set(cited)} failed but are not cited"
