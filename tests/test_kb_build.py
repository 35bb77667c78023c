"""The knowledge base build: the shipped notice section by section, its quirks, other notice shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.build import build, repair_urls, split_sentences
from bot.kb.model import KB_FILE, KnowledgeBase
from bot.settings import PROJECT_ROOT

NOTICE = PROJECT_ROOT / "policy_kb" / "source" / "privacy-notice.en.txt"
DATA = Path(__file__).parent / "data"

EXPECTED = [
    (None, "Data protection notice", "preamble"),
    (None, "Name and address of the person responsible", "controller"),
    (None, "Name and address of the Data Protection Officer", "dpo"),
    ("1", "Access data in server log files", None),
    ("2", "Use of cookies", None),
    ("3", "Social plug-ins", None),
    ("3.A", "Use of Facebook plugins", None),
    ("3.B", "Use of the Twitter plugin", None),
    ("3.C", "Use of the LinkedIn plugin", None),
    ("3.D", "Use of the Xing plugin", None),
    ("4", "Integration of Youtube", None),
    ("5", "Integration of third-party content", None),
    ("6", "Email and contact-form", None),
    ("7", "Comments", None),
    ("8", "Data processing for payment process", None),
    ("9", "Data security", None),
    ("10", "Legal basis for the processing of personal data", None),
    ("11", "Legitimate interests in the processing", None),
    ("12", "Data deletion and storage duration", None),
    ("13", "Right to information", None),
    ("14", "Right of rectification", None),
    ("15", "Right to restrict processing", None),
    ("16", "Right of cancellation", None),
    ("17", "Right to information", None),
    ("18", "Right to data transferability", None),
    ("19", "Right of appeal", None),
    ("20", "Right to revoke consent under data protection law", None),
    ("21", "Right to automated decisions in individual cases including profiling", None),
    ("22", "Existence of automated decision making", None),
    ("23", "Right of appeal to a supervisory authority", None),
    (
        "24",
        "Legal or contractual provisions making the personal data available; necessity for the "
        "conclusion of the contract; obligation of the data subject to provide the personal data; "
        "possible consequences of not providing it",
        None,
    ),
    (None, "Language versions", "language_versions"),
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build(NOTICE)


def test_every_section_has_its_number_and_title(kb: KnowledgeBase) -> None:
    assert [(s.number, s.title, s.role) for s in kb.sections] == EXPECTED


def test_sub_sections_belong_to_section_3(kb: KnowledgeBase) -> None:
    assert [s.id for s in kb.sections if s.parent == "3"] == ["3.A", "3.B", "3.C", "3.D"]


def test_page_chrome_is_dropped(kb: KnowledgeBase) -> None:
    assert kb.dropped_lines == ["Skip to content", "Data Protection"]
    assert "Skip to content" not in "".join(s.text for s in kb.sections)


def test_two_right_to_information_sections_are_told_apart(kb: KnowledgeBase) -> None:
    assert kb.section("13").metadata["right"] == "access"
    assert kb.section("17").metadata["right"] == "notification"
    assert kb.section("16").metadata["right"] == "erasure"
    assert kb.section("19").metadata["right"] == "objection"
    assert kb.section("23").metadata["right"] == "complaint"


def test_broken_urls_are_repaired(kb: KnowledgeBase) -> None:
    assert "https://www.facebook.com/settings?tab=ads" in kb.section("3.A").metadata["urls"]
    assert "http://www.facebook.com/policy.php" in kb.section("3.A").metadata["urls"]
    assert kb.section("3.B").metadata["urls"] == ["https://twitter.com/privacy?lang=de"]
    assert "https://adssettings.google.com/authenticated" in kb.section("4").metadata["urls"]
    assert "https://www.google.de/intl/de/policies/privacy" in kb.section("4").metadata["urls"]
    assert "https://www.linkedin.com/psettings/guest-controls" in kb.section("3.C").metadata["urls"]


def test_binding_language_remark_is_its_own_section(kb: KnowledgeBase) -> None:
    assert "German version is always legally binding" in kb.document["binding_language_note"]
    assert "legally binding" not in kb.section("24").text


def test_fused_dpo_heading_is_split_and_not_duplicated(kb: KnowledgeBase) -> None:
    dpo = kb.section("name-and-address-of-the-data-protection-officer")
    sentences = [s for p in dpo.passages for s in p.sentences]
    assert sentences.count("The data protection officer of the person responsible is:") == 1
    assert dpo.metadata["emails"] == ["Datenschutz@aiconix.ai"]


def test_metadata(kb: KnowledgeBase) -> None:
    payment = kb.section("8").metadata
    assert "Stripe Payments Europe Ltd" in payment["third_parties"]
    assert {"payment_data", "date_of_birth", "email_address"} <= set(payment["data_categories"])
    assert payment["legal_bases"] == ["Art. 6(1)(b) GDPR"]
    assert kb.section("1").metadata["legal_bases"] == ["Art. 6(1)(f) GDPR"]
    assert "ip_address" in kb.section("1").metadata["data_categories"]
    assert any("deleted" in s for s in kb.section("12").metadata["retention"])
    assert "Facebook Ireland Ltd" in kb.section("3.A").metadata["third_parties"]


def test_sentences_do_not_break_at_legal_abbreviations() -> None:
    text = "The legal basis is Art. 6 para. 1 lit. f DSGVO. We use e.g. cookies. Ask Eugen L. Gross."
    assert split_sentences(text) == [
        "The legal basis is Art. 6 para. 1 lit. f DSGVO.",
        "We use e.g. cookies.",
        "Ask Eugen L. Gross.",
    ]


def test_url_repair_leaves_ordinary_text_alone() -> None:
    assert repair_urls("see http://www.linkedin.com, which is run") == "see http://www.linkedin.com, which is run"
    assert repair_urls("at https://x.example/a/ b/c now") == "at https://x.example/a/b/c now"


def test_shipped_kb_is_up_to_date_with_its_source(kb: KnowledgeBase) -> None:
    assert KB_FILE.read_text(encoding="utf-8") == kb.to_json(), "run: privacybot kb build " + str(NOTICE)


def test_markdown_notice_of_another_company() -> None:
    other = build(DATA / "other-notice.md")
    assert [(s.number, s.title) for s in other.sections] == [
        (None, "Privacy Policy of Kestrel Bikes B.V."),
        (None, "Who we are"),
        (None, "Our privacy officer"),
        ("1", "Orders and delivery"),
        ("2", "Payments"),
        ("3", "Newsletter"),
        ("4", "Your rights"),
    ]
    dpo = other.by_role("dpo")
    assert dpo is not None and dpo.metadata["emails"] == ["dpo@kestrel.example"]
    assert other.by_role("controller") is other.section("who-we-are")
    assert "https://kestrel.example/privacy/rights" in other.section("4").metadata["urls"]
    assert len(other.section("4").passages) == 6  # lead-in, four items, closing line
    assert other.section("1").metadata["legal_bases"] == ["Art. 6(1)(b) GDPR"]
    assert other.section("3").metadata["legal_bases"] == ["Art. 6(1)(a) GDPR"]


def test_html_notice_of_another_company() -> None:
    other = build(DATA / "other-notice.html")
    titles = [s.title for s in other.sections]
    assert titles == [
        "Privacy Policy",
        "Who we are",
        "Orders and delivery",
        "Payments",
        "Your rights",
        "Language versions",
    ]
    assert "Skip to main content" not in " ".join(s.text for s in other.sections)
    assert "console.log" not in " ".join(s.text for s in other.sections)
    assert "Dutch version" in other.document["binding_language_note"]
    assert other.section("who-we-are").role == "controller"
    assert other.section("privacy-policy").role == "preamble"


def test_build_cli_refuses_an_empty_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.main import main

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = CliRunner().invoke(main, ["kb", "build", str(empty), "--out", str(tmp_path / "o.json")])
    assert result.exit_code != 0
    assert "no sections found" in result.output
