"""The words the emails need per language (English and German): rights, articles, dates, language names.

English comes from the rights catalogue; German is written here, formally, with German legal references
("Art. 12 Abs. 3 DSGVO"). Any language other than German is answered in English.
"""

from __future__ import annotations

from datetime import date

from bot.rights.catalogue import catalogue
from bot.rights.catalogue import rights_label as english_rights_label

LANGUAGES = ("en", "de")
LANGUAGE_NAMES = {"en": {"en": "English", "de": "German"}, "de": {"en": "Englisch", "de": "Deutsch"}}
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")  # fmt: skip

# Per right id: the German name, the article as German law cites it, and what the person wants us to do
# (completes "Sie möchten, dass wir ...").
RIGHTS_DE: dict[str, tuple[str, str, str]] = {
    "access": (
        "Recht auf Auskunft",
        "Art. 15 DSGVO",
        "Ihnen mitteilen, welche personenbezogenen Daten wir über Sie verarbeiten, und Ihnen eine Kopie senden",
    ),
    "rectification": (
        "Recht auf Berichtigung",
        "Art. 16 DSGVO",
        "Ihre personenbezogenen Daten berichtigen oder vervollständigen",
    ),
    "erasure": (
        "Recht auf Löschung („Recht auf Vergessenwerden“)",
        "Art. 17 DSGVO",
        "Ihre personenbezogenen Daten löschen",
    ),
    "restriction": (
        "Recht auf Einschränkung der Verarbeitung",
        "Art. 18 DSGVO",
        "die Verarbeitung Ihrer Daten einschränken (wir speichern sie, nutzen sie aber nicht weiter)",
    ),
    "notification": (
        "Mitteilung an Empfänger",
        "Art. 19 DSGVO",
        "Ihnen mitteilen, wem wir eine Berichtigung, Löschung oder Einschränkung Ihrer Daten mitgeteilt haben",
    ),
    "portability": (
        "Recht auf Datenübertragbarkeit",
        "Art. 20 DSGVO",
        "Ihnen die von Ihnen bereitgestellten Daten in einem maschinenlesbaren Format senden oder einem anderen "
        "Unternehmen übermitteln",
    ),
    "objection": (
        "Widerspruchsrecht",
        "Art. 21 DSGVO",
        "Ihre Daten nicht mehr für Direktwerbung oder auf Grundlage unserer berechtigten Interessen verwenden",
    ),
    "automated_decision": (
        "Rechte bei automatisierten Entscheidungen",
        "Art. 22 DSGVO",
        "eine automatisiert über Sie getroffene Entscheidung von einem Menschen überprüfen lassen",
    ),
    "withdraw_consent": (
        "Widerruf der Einwilligung",
        "Art. 7 Abs. 3 DSGVO",
        "eine Verarbeitung beenden, in die Sie eingewilligt hatten (Widerruf Ihrer Einwilligung)",
    ),
    "complaint": (
        "Beschwerde bei der Aufsichtsbehörde",
        "Art. 77 DSGVO",
        "festhalten, dass Sie sich bei einer Datenschutz-Aufsichtsbehörde beschweren möchten",
    ),
}


def language_of(code: str | None) -> str:
    """The language an email is written in for a language code: 'de' for German ('de', 'de-AT'), else 'en'."""
    return "de" if (code or "").strip().lower()[:2] == "de" else "en"


def long_date(value: date, lang: str) -> str:
    """'5. März 2027' in German, '05 March 2027' in English."""
    return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}" if lang == "de" else f"{value:%d %B %Y}"


def short_date(value: date, lang: str) -> str:
    """'05.03.2027' in German, '2027-03-05' in English."""
    return f"{value:%d.%m.%Y}" if lang == "de" else value.isoformat()


def language_label(code: str | None, lang: str) -> str:
    """The person's language named in ``lang``: 'German (de)', 'Deutsch (de)'; an unknown code as given."""
    key = (code or "en").strip().lower()[:2]
    name = LANGUAGE_NAMES[lang].get(key)
    return f"{name} ({code})" if name else str(code)


def rights_label(rights: list[str], lang: str) -> str:
    """'Right to erasure (...) (Art. 17 GDPR)' or 'Recht auf Löschung (...) (Art. 17 DSGVO)'."""
    if lang == "de":
        return ", ".join(f"{RIGHTS_DE[r][0]} ({RIGHTS_DE[r][1]})" for r in rights if r in RIGHTS_DE)
    return english_rights_label(rights)


def wishes(rights: list[str], lang: str) -> str:
    """What the person asked us to do, joined with '; '."""
    if lang == "de":
        return "; ".join(RIGHTS_DE[r][2] for r in rights if r in RIGHTS_DE)
    known = catalogue()
    return "; ".join(known[r].wish for r in rights if r in known)
