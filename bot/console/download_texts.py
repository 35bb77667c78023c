"""The person's download pages in the ticket's language (English, or German with the formal "Sie").

The DPO console itself is English; only what the person sees is worded here. Each key has a text per language.
"""

from __future__ import annotations

ENGLISH, GERMAN = "en", "de"

TEXTS: dict[str, dict[str, str]] = {
    "title": {ENGLISH: "Your file", GERMAN: "Ihre Datei"},
    "heading": {ENGLISH: "Your file for request {reference}", GERMAN: "Ihre Datei zur Anfrage {reference}"},
    "available": {
        ENGLISH: "{filename} ({size} KB), available until {until}.",
        GERMAN: "{filename} ({size} KB), abrufbar bis zum {until}.",
    },
    "explain": {
        ENGLISH: "To make sure the file reaches only you, we email a one-time code to the address your request "
        "came from.",
        GERMAN: "Damit nur Sie die Datei erhalten, senden wir Ihnen einen Einmalcode an die E-Mail-Adresse, von der "
        "Ihre Anfrage kam.",
    },
    "send_code": {ENGLISH: "Email me a code", GERMAN: "Code per E-Mail senden"},
    "code_label": {ENGLISH: "Code from the email", GERMAN: "Code aus der E-Mail"},
    "download": {ENGLISH: "Download", GERMAN: "Herunterladen"},
    # what asking for a code came to (bot.verification.service.SendOutcome's values)
    "sent": {
        ENGLISH: "We have emailed you a code. It is valid for a few minutes.",
        GERMAN: "Wir haben Ihnen einen Code per E-Mail gesendet. Er ist einige Minuten gültig.",
    },
    "send_failed": {
        ENGLISH: "Sorry, the email could not be sent just now. Please try again in a minute.",
        GERMAN: "Die E-Mail konnte leider gerade nicht gesendet werden. Bitte versuchen Sie es in einer Minute erneut.",
    },
    "cooldown": {
        ENGLISH: "A code was sent a moment ago. Please use it, or wait a minute before asking again.",
        GERMAN: "Vor einem Moment wurde ein Code gesendet. Bitte verwenden Sie ihn, oder warten Sie eine Minute, "
        "bevor Sie einen neuen anfordern.",
    },
    "address_limit": {
        ENGLISH: "For your security no more codes can be sent right now. Please try again in an hour.",
        GERMAN: "Zu Ihrer Sicherheit können gerade keine weiteren Codes gesendet werden. Bitte versuchen Sie es in "
        "einer Stunde erneut.",
    },
    "conversation_limit": {
        ENGLISH: "For your security no more codes can be sent now. Please try again in an hour.",
        GERMAN: "Zu Ihrer Sicherheit können jetzt keine weiteren Codes gesendet werden. Bitte versuchen Sie es in "
        "einer Stunde erneut.",
    },
    "not_allowed": {ENGLISH: "Not allowed", GERMAN: "Nicht erlaubt"},
    "bad_form": {
        ENGLISH: "The form was not valid (missing or wrong security token).",
        GERMAN: "Das Formular war ungültig (Sicherheitstoken fehlt oder ist falsch). Bitte laden Sie die Seite neu.",
    },
}
# The one 404 of the download pages, the same for a guessed, expired or deleted link and a wrong code: it cannot
# be in the ticket's language without telling a guesser that the link exists, so it is in both.
NOT_FOUND_TITLE = "Not found · Nicht gefunden"
NOT_FOUND_MESSAGE = "There is nothing here. · Hier gibt es nichts."


def text(key: str, lang: str, **values: object) -> str:
    """The page text ``key`` in ``lang`` (English for any language but German)."""
    texts = TEXTS[key]
    return texts.get(lang, texts[ENGLISH]).format(**values)
