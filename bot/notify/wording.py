"""The words the emails need per language (English and German): rights, dates, language names.

The rights' wording comes from the catalogue (German: ``bot/data/rights_de.yml``, with German legal references
such as "Art. 17 DSGVO"). Any language other than German is answered in English.
"""

from __future__ import annotations

from datetime import date

from bot.rights.catalogue import catalogue

LANGUAGE_NAMES = {"en": {"en": "English", "de": "German"}, "de": {"en": "Englisch", "de": "Deutsch"}}
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")  # fmt: skip


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


def wishes(rights: list[str], lang: str) -> str:
    """What the person asked us to do (completing "you would like us to" / "Sie möchten, dass wir"), joined
    with '; '."""
    known = catalogue(lang)
    return "; ".join(known[r].wish for r in rights if r in known)
