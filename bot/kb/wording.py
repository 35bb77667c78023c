"""The words around the notice's quotes, in English and German.

A German reply quoting the English notice says so and points to the binding German version
(``PRIVACYBOT_NOTICE_URL_DE``); a German reply quoting a German notice cites it like the English one.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from bot.kb.model import Section
from bot.settings import PROJECT_ROOT

ENGLISH, GERMAN = "en", "de"
TITLES_DE_FILE = PROJECT_ROOT / "policy_kb" / "titles.de.yml"  # German titles of the English notice's sections

TEXTS: dict[str, dict[str, str]] = {
    ENGLISH: {
        "says": "Our privacy notice says:",
        "about_chat": "About this chat, our assistant's privacy statement says:",
        "chat_citation": "— Privacy statement of this assistant, '{title}'",
        "not_mention": "Our privacy notice does not mention {topic}.",
        "no_guess": "I don't want to guess, so I won't quote a section that does not answer this.",
        "dpo": " You can also ask our Data Protection Officer directly: {email}.",
        "abstain": "I'm sorry, our privacy notice doesn't seem to cover that, and I don't want to guess.",
        "topics": " Here are topics the notice does cover:",
    },
    GERMAN: {
        "says": "Unsere Datenschutzerklärung sagt:",
        "about_chat": "Zu diesem Chat sagt die Datenschutzerklärung unseres Assistenten (englische Fassung):",
        "chat_citation": "— Datenschutzerklärung dieses Assistenten, „{title}“",
        "not_mention": "Unsere Datenschutzerklärung erwähnt {topic} nicht.",
        "no_guess": "Ich möchte nicht raten und zitiere deshalb keinen Abschnitt, der das nicht beantwortet.",
        "dpo": " Sie können auch direkt unseren Datenschutzbeauftragten fragen: {email}.",
        "abstain": "Das scheint unsere Datenschutzerklärung leider nicht zu behandeln, und ich möchte nicht raten.",
        "topics": " Diese Themen behandelt die Datenschutzerklärung:",
    },
}
# What a silent topic is called in a German reply (policy_kb/topics.yml labels are English).
TOPIC_LABELS_DE = {
    "selling": "den Verkauf personenbezogener Daten",
    "buying": "den Kauf personenbezogener Daten von anderen",
    "location": "die Ortung Ihres Standorts",
    "recording": "das Aufzeichnen von Anrufen oder die Nutzung von Kamera oder Mikrofon",
    "breaches": "frühere Datenpannen oder Datenlecks",
    "app": "eine App oder ihre Berechtigungen",
    "children": "Daten von Kindern",
    "biometrics": "biometrische Daten",
    "special": "Gesundheitsdaten oder andere besondere Kategorien personenbezogener Daten",
    "ai_training": "das Training von KI-Modellen mit personenbezogenen Daten",
    "credit": "Bonitätsprüfungen",
    "hosting": "wo oder bei wem die Daten gehostet werden",
    "applicants": "Daten von Bewerbern oder Beschäftigten",
    "surveillance": "Videoüberwachung",
    "newsletter": "einen Newsletter",
    "transfer_tools": "die Rechtsgrundlagen für Übermittlungen ins Ausland (Standardvertragsklauseln, "
    "Angemessenheitsbeschlüsse)",
    "processors": "Auftragsverarbeiter",
    "do_not_track": "Do-Not-Track- oder Global-Privacy-Control-Signale",
}


def text(lang: str, key: str, **values: str) -> str:
    """The reply text ``key`` in ``lang`` (English for any other language)."""
    return TEXTS.get(lang, TEXTS[ENGLISH])[key].format(**values)


@functools.cache
def german_titles(path: Path = TITLES_DE_FILE) -> dict[str, str]:
    """The German titles of the English notice's sections, by section id (policy_kb/titles.de.yml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return {str(k): str(v) for k, v in (data or {}).items()}


def section_title(section: Section, lang: str, notice_lang: str) -> str:
    """A section's title for a reply in ``lang``: a German notice's own title, an English one's German title
    (policy_kb/titles.de.yml; its English title when the table has none)."""
    if lang != GERMAN or notice_lang == GERMAN:
        return section.title
    return german_titles().get(section.id, section.title)


def section_label(section: Section, lang: str) -> str:
    """How a section is cited: "section 8 'Title'" or, in German, "Abschnitt 8 „Titel“"."""
    if lang != GERMAN:
        return section.label
    return f"Abschnitt {section.number} „{section.title}“" if section.number else f"„{section.title}“"


def citation(section: Section, lang: str, notice_lang: str) -> str:
    """The line under a quote: "— Privacy notice, section 8 'Title'" / "— Datenschutzerklärung, Abschnitt 8 …"."""
    if lang == GERMAN:
        version = "" if notice_lang == GERMAN else " (englische Fassung)"
        return f"— Datenschutzerklärung{version}, {section_label(section, GERMAN)}"
    return f"— Privacy notice, {section.label}"


def quote_intro(section: Section, lang: str, notice_lang: str, binding_url: str = "") -> str:
    """The line before a quote. German from the English notice: the section, the English version, the binding
    German one ("Aus Abschnitt 7 „Comments“ der Datenschutzerklärung (englische Fassung; verbindlich ist die
    deutsche Fassung: <URL>):")."""
    if lang != GERMAN or notice_lang == GERMAN:
        return text(lang, "says")
    binding = (
        f"verbindlich ist die deutsche Fassung: {binding_url}"
        if binding_url
        else ("verbindlich ist die deutsche Fassung")
    )
    return f"Aus {section_label(section, GERMAN)} unserer Datenschutzerklärung (englische Fassung; {binding}):"


# Overview answers in German (the English ones are in bot.kb.overview).
OVERVIEW_INTROS_DE = {
    "collect": "Unsere Datenschutzerklärung (englische Fassung) nennt diese personenbezogenen Daten, nach dem Ort "
    "ihrer Erhebung:",
    "recipients": "Laut unserer Datenschutzerklärung (englische Fassung) können personenbezogene Daten gehen an:",
    "rights": "Unsere Datenschutzerklärung beschreibt diese Rechte:",
    "retention": "Wie lange Daten gespeichert werden, in den Worten unserer Datenschutzerklärung (englische Fassung):",
    "purposes": "Wofür die Daten verwendet werden, in den Worten unserer Datenschutzerklärung (englische Fassung):",
    "transfers": "Wo unsere Datenschutzerklärung (englische Fassung) Länder außerhalb der EU erwähnt:",
}
OVERVIEW_OUTRO_DE = "Fragen Sie mich zu jedem Punkt nach dem genauen Wortlaut."
RIGHTS_OUTRO_DE = "Fragen Sie mich zu jedem davon, oder sagen Sie mir, welchen Antrag Sie stellen möchten."
HELD_DE = (
    "Was wir über Sie persönlich speichern, erhalten Sie als Kopie mit Ihrem Auskunftsrecht ({access}). Allgemein:"
)
CATEGORY_LABELS_DE = {
    "ip_address": "IP-Adresse", "cookies": "Cookies", "browser_and_os": "Browser und Betriebssystem",
    "access_time": "Datum und Uhrzeit des Zugriffs", "referrer_url": "Referrer-URL", "email_address": "E-Mail-Adresse",
    "name": "Name", "postal_address": "Postanschrift", "payment_data": "Zahlungsdaten",
    "date_of_birth": "Geburtsdatum", "comments": "Ihre Kommentare", "contact_messages": "was Sie uns schreiben",
    "login_data": "Log-in-Daten", "search_terms": "Suchbegriffe", "language_settings": "Spracheinstellungen",
    "usage": "wie Sie die Website nutzen",
}  # fmt: skip
RIGHT_NAMES_DE = {
    "access": "Recht auf Auskunft (Art. 15 DSGVO)", "rectification": "Recht auf Berichtigung (Art. 16 DSGVO)",
    "erasure": "Recht auf Löschung (Art. 17 DSGVO)",
    "restriction": "Recht auf Einschränkung der Verarbeitung (Art. 18 DSGVO)",
    "notification": "Recht auf Unterrichtung der Empfänger (Art. 19 DSGVO)",
    "portability": "Recht auf Datenübertragbarkeit (Art. 20 DSGVO)", "objection": "Widerspruchsrecht (Art. 21 DSGVO)",
    "withdraw_consent": "Recht auf Widerruf der Einwilligung (Art. 7 Abs. 3 DSGVO)",
    "automated_decision": "Recht, keiner automatisierten Entscheidung unterworfen zu werden (Art. 22 DSGVO)",
    "complaint": "Recht auf Beschwerde bei einer Aufsichtsbehörde (Art. 77 DSGVO)",
}  # fmt: skip
EMBEDDED_DE = (
    "Eingebettete Dienste ({names}): deren Anbieter erhalten Daten wie Ihre IP-Adresse direkt von Ihrem Browser"
)
