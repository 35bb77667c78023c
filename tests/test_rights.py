"""The rights catalogue follows the shared contract."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.replies import restate
from bot.rights.catalogue import CONTRACT_FILE, Verification, catalogue, right_ids, rights_from_intent

SHARED_CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract" / "rights.yml"


def test_packaged_contract_equals_the_shared_one() -> None:
    if not SHARED_CONTRACT.exists():
        pytest.skip("no ../shared beside this checkout")
    assert yaml.safe_load(CONTRACT_FILE.read_text()) == yaml.safe_load(SHARED_CONTRACT.read_text())


def test_catalogue_has_the_ten_canonical_ids_in_order() -> None:
    assert right_ids() == [
        "access", "rectification", "erasure", "restriction", "notification",
        "portability", "objection", "automated_decision", "withdraw_consent", "complaint",
    ]  # fmt: skip


def test_proportionate_verification_table() -> None:
    rights = catalogue()
    for strict in ("access", "portability", "erasure", "rectification", "restriction"):
        assert rights[strict].verification is Verification.verified_email
    assert rights["objection"].verification is Verification.confirmed_email
    assert rights["withdraw_consent"].verification is Verification.confirmed_email
    assert rights["complaint"].verification is Verification.none


def test_rights_from_single_and_multi_intents() -> None:
    assert rights_from_intent("request_erasure") == ["erasure"]
    assert rights_from_intent("request_access+request_erasure") == ["access", "erasure"]
    assert rights_from_intent("ask_question") == []
    assert rights_from_intent("request_flying") == []
    assert rights_from_intent(None) == []


def test_restatement_is_plain_with_article() -> None:
    assert restate(["erasure"]) == "You'd like us to erase your personal data (Art. 17 GDPR). Is that right?"
    two = restate(["access", "erasure"])
    assert "1. tell you what personal data we hold about you and send you a copy (Art. 15 GDPR)" in two
    assert "2. erase your personal data (Art. 17 GDPR)" in two
    with pytest.raises(ValueError):
        restate([])


def test_every_right_has_a_checklist_of_plain_steps() -> None:
    from bot.rights.catalogue import checklist

    for right in right_ids():
        steps = checklist(right)
        assert steps and all(isinstance(step, str) and len(step) > 10 for step in steps), right


def test_rights_of_a_request_prefer_its_requested_right_entities_in_catalogue_order() -> None:
    from bot.dialogue.request_flow import rights_of

    def entity(value: str) -> dict[str, str]:
        return {"entity": "requested_right", "value": value, "extractor": "LetterRights"}

    three = [entity("objection"), entity("access"), {"entity": "data_category", "value": "contact"}, entity("erasure")]
    assert rights_of("request_access+request_erasure", three) == ["access", "erasure", "objection"]
    assert rights_of("request_withdraw_consent+request_erasure") == ["erasure", "withdraw_consent"]
    assert rights_of("request_erasure", [entity("flying"), {"entity": "data_category", "value": "x"}]) == ["erasure"]
    assert rights_of("affirm", []) == []


def test_three_rights_are_restated_in_german_as_a_numbered_list() -> None:
    text = restate(["access", "erasure", "objection"], "de")
    assert text.startswith("Sie möchten, dass wir:\n1. Ihnen mitteilen, welche personenbezogenen Daten")
    assert "\n2. Ihre personenbezogenen Daten löschen (Art. 17 DSGVO)\n" in text
    assert "\n3. Ihre personenbezogenen Daten nicht mehr für Direktwerbung" in text
    assert text.endswith("(Art. 21 DSGVO)\nIst das richtig?")
