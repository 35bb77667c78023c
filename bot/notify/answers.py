"""The person's answer when their request is closed: completion, rejection, withdrawal (Art. 12(3)-(4) GDPR).

Composed from plain values (no ticket objects), in the person's language (English or German; other
languages get English). A file is never attached: a completion offers a download link instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from bot.notify.compose import _message
from bot.notify.wording import language_of, long_date
from bot.settings import Settings

# What a completion says when the DPO wrote nothing of their own.
DEFAULT_COMPLETION = {"en": "We have done what you asked for.", "de": "Wir haben Ihr Anliegen erledigt."}

# The grounds of a refusal in plain words, per language (keys: bot.tickets.lifecycle.REJECTION_REASONS).
REASONS_IN_PLAIN_WORDS = {
    "en": {
        "identity_not_verified": (
            "We could not confirm that the request comes from the person the data is about, and we must not "
            "disclose or change anyone's data without that (Art. 12(6) GDPR)."
        ),
        "manifestly_unfounded": "The request is manifestly unfounded (Art. 12(5) GDPR).",
        "excessive": "The request is excessive, in particular because it repeats earlier requests (Art. 12(5) GDPR).",
        "exemption": "The law allows or requires us not to act on it in this case (for example Art. 17(3) GDPR).",
        "other": "The reason is explained below.",
    },
    "de": {
        "identity_not_verified": (
            "Wir konnten nicht bestätigen, dass der Antrag von der betroffenen Person stammt; ohne diese "
            "Bestätigung dürfen wir keine Daten herausgeben oder ändern (Art. 12 Abs. 6 DSGVO)."
        ),
        "manifestly_unfounded": "Der Antrag ist offenkundig unbegründet (Art. 12 Abs. 5 DSGVO).",
        "excessive": "Der Antrag ist exzessiv, insbesondere weil er frühere Anträge wiederholt (Art. 12 Abs. 5 DSGVO).",
        "exemption": (
            "Das Gesetz erlaubt oder verlangt in diesem Fall, nicht tätig zu werden (z. B. Art. 17 Abs. 3 DSGVO)."
        ),
        "other": "Den Grund erläutern wir unten.",
    },
}


@dataclass(frozen=True)
class Authority:
    """The competent supervisory authority, as the person needs it."""

    name: str
    address: str
    email: str
    web: str


def remedies(authority: Authority, language: str | None) -> str:
    """The Art. 12(4) information: complaint to the supervisory authority and judicial remedy."""
    if language_of(language) == "de":
        return (
            "Sie haben das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO). "
            f"Für uns zuständig ist: {authority.name}, {authority.address}, {authority.email}, {authority.web}.\n"
            "Sie haben außerdem das Recht auf einen gerichtlichen Rechtsbehelf (Art. 78 und 79 DSGVO)."
        )
    return (
        "You have the right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR). "
        f"The authority competent for us is: {authority.name}, {authority.address}, {authority.email}, "
        f"{authority.web}.\n"
        "You also have the right to seek a judicial remedy (Art. 78 and 79 GDPR)."
    )


def completion(
    settings: Settings,
    to: str,
    reference: str,
    language: str | None,
    message: str | None,
    download_url: str | None = None,
    valid_until: date | None = None,
) -> EmailMessage:
    """What was done (``message``, or a default line); for access and portability, a link to the file (never an
    attachment)."""
    lang = language_of(language)
    message = message if message and message.strip() else DEFAULT_COMPLETION[lang]
    if lang == "de":
        text = f"Guten Tag,\n\nIhr Antrag {reference} ist erledigt.\n\n{message.strip()}\n"
        if download_url and valid_until:
            text += (
                f"\nIhre Datei können Sie hier herunterladen: {download_url}\n"
                f"Der Link gilt bis zum {long_date(valid_until, lang)}. Beim Öffnen senden wir Ihnen einen Code an "
                "diese Adresse; danach wird die Datei gelöscht, sobald der Link abläuft.\n"
            )
        text += f"\nMit freundlichen Grüßen\n{settings.controller_name}"
        subject = f"Ihr Datenschutz-Antrag {reference} ist erledigt"
    else:
        text = f"Hello,\n\nyour request {reference} has been completed.\n\n{message.strip()}\n"
        if download_url and valid_until:
            text += (
                f"\nYou can download your file here: {download_url}\n"
                f"The link is valid until {long_date(valid_until, lang)}. When you open it we email a code to this "
                "address; the file is deleted when the link expires.\n"
            )
        text += f"\nKind regards\n{settings.controller_name}"
        subject = f"Your privacy request {reference} has been completed"
    return _message(settings, to, subject, text)


def rejection(
    settings: Settings,
    to: str,
    reference: str,
    language: str | None,
    reason: str,
    explanation: str | None,
    authority: Authority,
) -> EmailMessage:
    """The refusal, its reason in plain words, and the Art. 12(4) information."""
    lang = language_of(language)
    grounds = REASONS_IN_PLAIN_WORDS[lang].get(reason, REASONS_IN_PLAIN_WORDS[lang]["other"])
    extra = f"\n\n{explanation.strip()}" if explanation and explanation.strip() else ""
    if lang == "de":
        text = (
            f"Guten Tag,\n\nwir können Ihrem Antrag {reference} nicht nachkommen.\n\nDer Grund: {grounds}{extra}\n\n"
            f"{remedies(authority, lang)}\n\nMit freundlichen Grüßen\n{settings.controller_name}"
        )
        subject = f"Ihr Datenschutz-Antrag {reference}: unsere Entscheidung"
    else:
        text = (
            f"Hello,\n\nwe cannot act on your request {reference}.\n\nThe reason: {grounds}{extra}\n\n"
            f"{remedies(authority, lang)}\n\nKind regards\n{settings.controller_name}"
        )
        subject = f"Your privacy request {reference}: our decision"
    return _message(settings, to, subject, text)


def withdrawal(settings: Settings, to: str, reference: str, language: str | None) -> EmailMessage:
    """Confirms that the request was withdrawn and nothing more will be done on it."""
    if language_of(language) == "de":
        text = (
            f"Guten Tag,\n\nIhr Antrag {reference} wurde zurückgenommen; wir bearbeiten ihn nicht weiter. "
            "Sie können jederzeit einen neuen Antrag stellen.\n\n"
            f"Mit freundlichen Grüßen\n{settings.controller_name}"
        )
        return _message(settings, to, f"Ihr Datenschutz-Antrag {reference} wurde zurückgenommen", text)
    text = (
        f"Hello,\n\nyour request {reference} has been withdrawn; we will not work on it any further. "
        "You can make a new request at any time.\n\n"
        f"Kind regards\n{settings.controller_name}"
    )
    return _message(settings, to, f"Your privacy request {reference} was withdrawn", text)


def withdrawn_by_the_person(settings: Settings, reference: str, rights: str) -> EmailMessage:
    """Tells the DPO, in ``PRIVACYBOT_DPO_LANGUAGE``, that the person withdrew their request in the chat."""
    if settings.dpo_language == "de":
        text = (
            f"Die Person hat den Antrag {reference} ({rights}) im Chat zurückgenommen, nachdem sie die Adresse des "
            "Tickets mit einem Code bestätigt hatte. Das Ticket ist als zurückgenommen geschlossen; die Person hat "
            "eine Bestätigung erhalten."
        )
        return _message(settings, settings.dpo_email, f"[{reference}] von der Person zurückgenommen", text)
    text = (
        f"The person withdrew request {reference} ({rights}) in the chat, after confirming the address on the "
        "ticket with a code. The ticket is closed as withdrawn and the person was sent a confirmation."
    )
    return _message(settings, settings.dpo_email, f"[{reference}] withdrawn by the person", text)


def download_code(
    settings: Settings, to: str, reference: str, code: str, minutes: int, language: str | None = None
) -> EmailMessage:
    """The one-time code that opens the download of the person's file, in the ticket's language."""
    if language_of(language) == "de":
        text = (
            f"Guten Tag,\n\nIhr Code zum Herunterladen der Datei zu Ihrem Antrag {reference} lautet: {code}\n\n"
            f"Bitte geben Sie ihn auf der Download-Seite ein. Er ist {minutes} Minuten gültig.\n\n"
            "Falls Sie den Download-Link nicht geöffnet haben, können Sie diese E-Mail ignorieren: Ohne den Code "
            f"wird nichts herausgegeben.\n\n{settings.controller_name}"
        )
        return _message(settings, to, f"Ihr Download-Code für den Antrag {reference}", text)
    text = (
        f"Hello,\n\nyour code to download the file for request {reference} is: {code}\n\n"
        f"Enter it on the download page. It is valid for {minutes} minutes.\n\n"
        "If you did not open the download link, you can ignore this email: nothing is released without it.\n\n"
        f"{settings.controller_name}"
    )
    return _message(settings, to, f"Your download code for request {reference}", text)
