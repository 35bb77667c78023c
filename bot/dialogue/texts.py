"""What the dialogue says in its own words, in English and German (formal "Sie"): the one reply catalogue.

Every text built in Python for the person comes from here: ``say(key, lang, **values)`` fills the text's
``{placeholders}``. Each key has a text per language in ``LANGUAGES`` (a test fails otherwise); a language
without texts is answered in English. The responses in bot/domain.yml have their German variations there.
"""

from __future__ import annotations

from datetime import date

from bot.dialogue.language import DEFAULT_LANGUAGE, ENGLISH, GERMAN, SUPPORTED

LANGUAGES = SUPPORTED

TEXTS: dict[str, dict[str, str]] = {
    # restating a request (bot.dialogue.replies)
    "restate_one": {
        ENGLISH: "You'd like us to {wish} ({article}). Is that right?",
        GERMAN: "Sie möchten, dass wir {wish} ({article}). Ist das richtig?",
    },
    "restate_many": {
        ENGLISH: "You'd like us to:\n{items}\nIs that right?",
        GERMAN: "Sie möchten, dass wir:\n{items}\nIst das richtig?",
    },
    "button_yes": {ENGLISH: "Yes, that's right", GERMAN: "Ja, das stimmt"},
    "button_no": {ENGLISH: "No, something else", GERMAN: "Nein, etwas anderes"},
    "complaint_guidance": {
        ENGLISH: "You can complain to a data protection supervisory authority at any time; it is free. "
        "A complaint goes to the authority, not to us. The authority responsible for us is:\n"
        "{name}\n{address}\nEmail: {email} · Phone: {phone}\n{web}\n"
        "You may also complain to the authority where you live or work. Describe what happened and, "
        "if you have them, attach our messages. I've noted your wish for our Data Protection Officer, "
        "who may contact you to help resolve it.",
        GERMAN: "Sie können sich jederzeit bei einer Datenschutz-Aufsichtsbehörde beschweren; das ist kostenlos. "
        "Die Beschwerde geht an die Behörde, nicht an uns. Für uns zuständig ist:\n"
        "{name}\n{address}\nE-Mail: {email} · Telefon: {phone}\n{web}\n"
        "Sie können sich auch bei der Behörde an Ihrem Wohnort oder Arbeitsplatz beschweren. Beschreiben Sie, "
        "was geschehen ist, und fügen Sie, falls vorhanden, unsere Nachrichten bei. Ich habe Ihren Wunsch für "
        "unseren Datenschutzbeauftragten vermerkt, der sich bei Ihnen melden kann, um die Sache zu klären.",
    },
    "complaint_reference": {ENGLISH: " (Reference {reference}.)", GERMAN: " (Aktenzeichen {reference}.)"},
    # identity check and filing (bot.dialogue.request_flow)
    "ask_email_code": {
        ENGLISH: "To make sure nobody else can see or change your data, I'll send a one-time code to the email "
        "address you use with us. Which address is it?",
        GERMAN: "Damit niemand sonst Ihre Daten sehen oder ändern kann, sende ich Ihnen einen Einmalcode an die "
        "E-Mail-Adresse, die Sie bei uns verwenden. Welche Adresse ist das?",
    },
    "ask_email_reply": {
        ENGLISH: "Which email address should our answer go to? Please use the one you use with us.",
        GERMAN: "An welche E-Mail-Adresse sollen wir antworten? Bitte nennen Sie die Adresse, die Sie bei uns "
        "verwenden.",
    },
    "contact_offer": {
        ENGLISH: "As an extra check you can also share your phone number with the button below (optional).",
        GERMAN: "Zur zusätzlichen Prüfung können Sie auch Ihre Telefonnummer über die Schaltfläche unten teilen "
        "(freiwillig).",
    },
    "phone_confirmed": {
        ENGLISH: "Thanks, your phone number is confirmed as an extra check. I'll add it to your request.",
        GERMAN: "Danke, Ihre Telefonnummer ist als zusätzliche Prüfung bestätigt. Ich füge sie Ihrer Anfrage hinzu.",
    },
    "code_cooldown": {
        ENGLISH: "I've just sent a code. Please wait {seconds} seconds before asking for a new one.",
        GERMAN: "Ich habe gerade einen Code gesendet. Bitte warten Sie {seconds} Sekunden, bevor Sie einen neuen "
        "anfordern.",
    },
    "code_limit": {
        ENGLISH: "For your security I can't send more codes right now. Please try again in an hour, or write to our "
        "Data Protection Officer.",
        GERMAN: "Zu Ihrer Sicherheit kann ich gerade keine weiteren Codes senden. Bitte versuchen Sie es in einer "
        "Stunde erneut oder schreiben Sie unserem Datenschutzbeauftragten.",
    },
    "code_send_failed": {
        ENGLISH: "Sorry, I couldn't send the email just now, so no code is on its way. You can try again now or later.",
        GERMAN: "Leider konnte ich die E-Mail gerade nicht senden, es ist also kein Code unterwegs. Sie können es "
        "jetzt oder später erneut versuchen.",
    },
    "code_sent": {
        ENGLISH: "I've sent a 6-digit code to {masked}. Please type it here; it's valid for {minutes} minutes. "
        'No email? Check your spam folder, or say "send a new code".',
        GERMAN: "Ich habe einen 6-stelligen Code an {masked} gesendet. Bitte geben Sie ihn hier ein; er ist "
        "{minutes} Minuten gültig. Keine E-Mail erhalten? Sehen Sie im Spam-Ordner nach oder schreiben Sie "
        "„neuen Code senden“.",
    },
    "button_resend": {ENGLISH: "Send a new code", GERMAN: "Neuen Code senden"},
    "code_wrong": {
        ENGLISH: "That code isn't right. You have {attempts_left} more tries.",
        GERMAN: "Dieser Code ist nicht richtig. Verbleibende Versuche: {attempts_left}.",
    },
    "code_expired": {
        ENGLISH: "That code has expired. Shall I send you a new one?",
        GERMAN: "Dieser Code ist abgelaufen. Soll ich Ihnen einen neuen senden?",
    },
    "code_locked": {
        ENGLISH: "That was too many wrong codes, so for your security I've stopped this request and not filed it. "
        "You can start again later, or write to our Data Protection Officer.",
        GERMAN: "Das waren zu viele falsche Codes. Zu Ihrer Sicherheit habe ich diese Anfrage abgebrochen und nicht "
        "eingereicht. Sie können später neu beginnen oder unserem Datenschutzbeauftragten schreiben.",
    },
    "code_not_expected": {
        ENGLISH: "I wasn't expecting a code just now. What would you like to do?",
        GERMAN: "Ich habe gerade keinen Code erwartet. Was möchten Sie tun?",
    },
    "not_verified": {
        ENGLISH: "I can't file it yet: your identity hasn't been confirmed.",
        GERMAN: "Ich kann die Anfrage noch nicht einreichen: Ihre Identität ist noch nicht bestätigt.",
    },
    "filed": {
        ENGLISH: "Thank you! Your request is filed with reference {reference}. Our Data Protection Officer will "
        "answer by {due} at the latest.{receipt}",
        GERMAN: "Vielen Dank! Ihre Anfrage ist unter dem Aktenzeichen {reference} eingereicht. Unser "
        "Datenschutzbeauftragter antwortet Ihnen spätestens bis zum {due}.{receipt}",
    },
    "filed_receipt": {
        ENGLISH: " A confirmation is on its way to your email.",
        GERMAN: " Eine Bestätigung ist per E-Mail an Sie unterwegs.",
    },
    "address_invalid": {
        ENGLISH: "Sorry, {problem}. Please type just the address, like name@example.com.",
        GERMAN: "Entschuldigung, {problem}. Bitte geben Sie nur die Adresse ein, etwa name@example.com.",
    },
    "address_control": {
        ENGLISH: "an email address cannot contain line breaks or control characters",
        GERMAN: "eine E-Mail-Adresse kann keine Zeilenumbrüche oder Steuerzeichen enthalten",
    },
    "address_too_long": {ENGLISH: "that email address is too long", GERMAN: "diese E-Mail-Adresse ist zu lang"},
    "address_one": {
        ENGLISH: "please give exactly one email address",
        GERMAN: "bitte nennen Sie genau eine E-Mail-Adresse",
    },
    "address_spaces": {
        ENGLISH: "please give exactly one email address, without spaces",
        GERMAN: "bitte nennen Sie genau eine E-Mail-Adresse, ohne Leerzeichen",
    },
    "address_syntax": {
        ENGLISH: "that doesn't look like an email address (name@example.com)",
        GERMAN: "das sieht nicht wie eine E-Mail-Adresse aus (name@example.com)",
    },
    "confirm_address": {
        ENGLISH: "Just to confirm: is {email} your address? Our answer will go there.",
        GERMAN: "Zur Sicherheit: Ist {email} Ihre Adresse? Unsere Antwort geht dorthin.",
    },
    # status questions and withdrawals (bot.dialogue.status_flow)
    "ask_reference": {
        ENGLISH: "Which request do you mean? Please give me its reference, for example DSR-2026-000012: it is in the "
        "confirmation email we sent you.",
        GERMAN: "Welche Anfrage meinen Sie? Bitte nennen Sie mir ihr Aktenzeichen, zum Beispiel DSR-2026-000012: "
        "Es steht in der Bestätigung, die wir Ihnen per E-Mail geschickt haben.",
    },
    "status_code_limit": {
        ENGLISH: "For your security I can't send more codes right now. Please try again in an hour.",
        GERMAN: "Zu Ihrer Sicherheit kann ich gerade keine weiteren Codes senden. Bitte versuchen Sie es in einer "
        "Stunde erneut.",
    },
    "status_send_failed": {
        ENGLISH: "Sorry, I couldn't send the email just now. Please try again in a minute.",
        GERMAN: "Leider konnte ich die E-Mail gerade nicht senden. Bitte versuchen Sie es in einer Minute erneut.",
    },
    "status_code_sent": {
        ENGLISH: "To protect your request, I've sent a 6-digit code to the email address on request {reference}. "
        "Please type it here; it's valid for {minutes} minutes.",
        GERMAN: "Zum Schutz Ihrer Anfrage habe ich einen 6-stelligen Code an die E-Mail-Adresse der Anfrage "
        "{reference} gesendet. Bitte geben Sie ihn hier ein; er ist {minutes} Minuten gültig.",
    },
    "status_new": {ENGLISH: "new", GERMAN: "neu eingegangen"},
    "status_awaiting_verification": {ENGLISH: "awaiting verification", GERMAN: "in der Identitätsprüfung"},
    "status_open": {ENGLISH: "open", GERMAN: "offen"},
    "status_in_progress": {ENGLISH: "in progress", GERMAN: "in Bearbeitung"},
    "next_new": {
        ENGLISH: "Our Data Protection Officer has it and will start on it soon.",
        GERMAN: "Unser Datenschutzbeauftragter hat sie erhalten und beginnt bald mit der Bearbeitung.",
    },
    "next_awaiting_verification": {
        ENGLISH: "We are still confirming your identity; we may contact you about it.",
        GERMAN: "Wir prüfen noch Ihre Identität und melden uns möglicherweise dazu bei Ihnen.",
    },
    "next_open": {
        ENGLISH: "Our Data Protection Officer has it and will start on it soon.",
        GERMAN: "Unser Datenschutzbeauftragter hat sie erhalten und beginnt bald mit der Bearbeitung.",
    },
    "next_in_progress": {
        ENGLISH: "Our Data Protection Officer is working on it.",
        GERMAN: "Unser Datenschutzbeauftragter bearbeitet sie gerade.",
    },
    "status_is": {
        ENGLISH: "Your request {reference} ({label}) is {status}. {next}",
        GERMAN: "Ihre Anfrage {reference} ({label}) ist {status}. {next}",
    },
    "status_extended": {
        ENGLISH: " We extended the deadline to {due} because: {reason}",
        GERMAN: " Wir haben die Frist bis zum {due} verlängert, weil: {reason}",
    },
    "status_due": {
        ENGLISH: " You will hear from us by {due} at the latest.",
        GERMAN: " Sie hören spätestens bis zum {due} von uns.",
    },
    "closed_completed": {ENGLISH: "completed", GERMAN: "erledigt"},
    "closed_rejected": {
        ENGLISH: "answered: we could not act on it",
        GERMAN: "beantwortet: Wir konnten ihr nicht nachkommen",
    },
    "closed_withdrawn": {ENGLISH: "withdrawn", GERMAN: "zurückgezogen"},
    "closed_on": {ENGLISH: "on {date}", GERMAN: "am {date}"},
    "closed_recently": {ENGLISH: "recently", GERMAN: "kürzlich"},
    "status_closed": {
        ENGLISH: "Your request {reference} ({label}) was {outcome} {closed}. We sent you an email with the "
        "details. You can make a new request at any time.",
        GERMAN: "Ihre Anfrage {reference} ({label}) wurde {closed} {outcome}. Wir haben Ihnen die Einzelheiten per "
        "E-Mail geschickt. Sie können jederzeit eine neue Anfrage stellen.",
    },
    "withdraw_impossible": {
        ENGLISH: "I can't withdraw that request from here. Please write to our Data Protection Officer.",
        GERMAN: "Diese Anfrage kann ich hier nicht zurückziehen. Bitte schreiben Sie unserem Datenschutzbeauftragten.",
    },
    "withdrawn": {
        ENGLISH: "Done: your request {reference} is withdrawn and we will not work on it any further. "
        "A confirmation is on its way to your email, and our Data Protection Officer has been told.",
        GERMAN: "Erledigt: Ihre Anfrage {reference} ist zurückgezogen, wir bearbeiten sie nicht weiter. Eine "
        "Bestätigung ist per E-Mail an Sie unterwegs, und unser Datenschutzbeauftragter ist informiert.",
    },
    "withdraw_kept": {
        ENGLISH: "Okay, your request stays as it is. Is there anything else I can do?",
        GERMAN: "In Ordnung, Ihre Anfrage bleibt bestehen. Kann ich sonst noch etwas für Sie tun?",
    },
    "withdraw_confirm": {
        ENGLISH: "Do you want to withdraw your request {reference}? We will then stop working on it.",
        GERMAN: "Möchten Sie Ihre Anfrage {reference} zurückziehen? Wir bearbeiten sie dann nicht weiter.",
    },
}

_MONTHS = {  # the months of each half-year, and the date's pattern
    GERMAN: (
        ("Januar", "Februar", "März", "April", "Mai", "Juni"),
        ("Juli", "August", "September", "Oktober", "November", "Dezember"),
        "{day}. {month} {year}",
    ),
    ENGLISH: (
        ("January", "February", "March", "April", "May", "June"),
        ("July", "August", "September", "October", "November", "December"),
        "{day:02d} {month} {year}",
    ),
}


def language(code: str | None) -> str:
    """The catalogue's language for a slot or setting value (English when absent or unsupported)."""
    return code if code is not None and code in LANGUAGES else DEFAULT_LANGUAGE


def say(key: str, lang: str | None, **values: object) -> str:
    """The text ``key`` in ``lang`` with its placeholders filled."""
    return TEXTS[key][language(lang)].format(**values)


def long_date(day: date, lang: str | None) -> str:
    """'31 December 2026' / '31. Dezember 2026' (no locale needed)."""
    first_half, second_half, pattern = _MONTHS[language(lang)]
    months = first_half + second_half
    return pattern.format(day=day.day, month=months[day.month - 1], year=day.year)
