"""The reply catalogue, the German rights and the domain's responses: every text in every language."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest
import yaml

from bot.dialogue import replies, request_flow
from bot.dialogue.texts import LANGUAGES, TEXTS, long_date, say
from bot.rights.catalogue import catalogue, rights_label
from bot.settings import PROJECT_ROOT

GERMAN_CONDITION = [{"type": "slot", "name": "language", "value": "de"}]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = TEXTS[key]
    assert set(texts) == set(LANGUAGES), f"{key}: missing {set(LANGUAGES) - set(texts)}"
    assert all(t.strip() for t in texts.values()), key
    assert placeholders(texts["de"]) == placeholders(texts["en"]), key
    assert texts["de"] != texts["en"], f"{key}: the German text is the English one"


def test_german_texts_address_the_person_formally() -> None:
    informal = {"du", "dich", "dir", "dein", "deine", "deinen", "deiner", "kannst", "willst", "möchtest"}
    for key, texts in TEXTS.items():
        words = {w.strip('.,:;!?()„“"').lower() for w in texts["de"].split()}
        assert not words & informal, key


def test_an_unsupported_language_gets_english() -> None:
    assert say("button_yes", "fr") == say("button_yes", None) == "Yes, that's right"


def test_dates_in_both_languages() -> None:
    assert long_date(date(2027, 3, 5), "de") == "5. März 2027"
    assert long_date(date(2027, 3, 5), "en") == "05 March 2027"


def test_german_rights_cite_the_dsgvo_and_keep_the_contract() -> None:
    english, german = catalogue(), catalogue("de")
    assert list(german) == list(english)
    for rid, right in german.items():
        assert right.article.endswith("DSGVO") and right.article.replace("DSGVO", "GDPR") != right.article
        assert right.verification is english[rid].verification
        assert all((right.name, right.summary, right.wish, right.offer))
    assert german["withdraw_consent"].article == "Art. 7 Abs. 3 DSGVO"
    assert rights_label(["erasure"], "de") == "Recht auf Löschung („Recht auf Vergessenwerden“) (Art. 17 DSGVO)"
    with pytest.raises(KeyError):
        catalogue("fr")


def test_german_restatements_buttons_and_complaint_guidance() -> None:
    assert replies.restate(["erasure"], "de") == (
        "Sie möchten, dass wir Ihre personenbezogenen Daten löschen (Art. 17 DSGVO). Ist das richtig?"
    )
    two = replies.restate(["access", "erasure"], "de")
    assert two.startswith("Sie möchten, dass wir:\n1. Ihnen mitteilen") and "(Art. 15 DSGVO)" in two
    assert replies.confirmation_buttons("de") == [
        {"title": "Ja, das stimmt", "payload": "/affirm"},
        {"title": "Nein, etwas anderes", "payload": "/deny"},
    ]
    assert replies.offer_button("erasure", "de") == {
        "title": "Die Löschung Ihrer Daten beantragen",
        "payload": "/request_erasure",
    }
    guidance = replies.complaint_guidance("HH", "de")
    assert "Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit" in guidance
    assert "mailbox@datenschutz.hamburg.de" in guidance and "Telefon: +49 40 428 54-4040" in guidance
    assert "Hamburg Commissioner" in replies.complaint_guidance("HH")


def test_an_address_problem_is_explained_in_the_conversations_language() -> None:
    assert request_flow.read_address("meine E-Mail-Adresse ist jane@example.com", "de") == ("jane@example.com", None)
    assert request_flow.read_address("Adresse: jane@example.com", "de") == ("jane@example.com", None)
    assert request_flow.read_address("a@b.com und c@d.com", "de") == (
        None,
        "Entschuldigung, bitte nennen Sie genau eine E-Mail-Adresse. "
        "Bitte geben Sie nur die Adresse ein, etwa name@example.com.",
    )
    assert request_flow.read_address("no address here") == (
        None,
        "Sorry, that doesn't look like an email address (name@example.com). "
        "Please type just the address, like name@example.com.",
    )


def domain_responses() -> dict[str, list[dict[str, Any]]]:
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    responses: dict[str, list[dict[str, Any]]] = domain["responses"]
    return responses


def intent_payloads(variation: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in variation.get("buttons") or [] if b["payload"].startswith("/")]


@pytest.mark.parametrize("name", sorted(domain_responses()))
def test_every_domain_response_has_a_german_variation_and_an_english_default(name: str) -> None:
    variations = domain_responses()[name]
    german = [v for v in variations if v.get("condition") == GERMAN_CONDITION]
    english = [v for v in variations if "condition" not in v]
    assert len(german) == 1 and len(english) == 1 and len(variations) == 2, name
    de, en = german[0], english[0]
    assert de["text"] != en["text"]
    assert len(de.get("buttons") or []) == len(en.get("buttons") or [])
    assert intent_payloads(de) == intent_payloads(en)  # German titles, the same intents
