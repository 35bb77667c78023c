"""German letters: which clauses of a message can ask for something at all (the mood of a sentence).

A German letter mixes its request with background ("Ich habe mich im Herbst registriert", "Meine E-Mail-Adresse
war …"), with what the writer noticed ("bei der Durchsicht ist mir aufgefallen, dass …") and with questions
("wem habt ihr meine Daten gegeben?"). DIET reads each clause out of context and may take any of them for a
request. In a message of several sentences, a clause adds a right only if its sentence is worded as a request:
"bitte", an imperative ("Löschen Sie …", "löscht …"), a first-person demand ("ich fordere / verlange / beantrage /
widerrufe / widerspreche / möchte …"), "hiermit", an obligation ("… sind zu löschen"), a subject line or a named
request ("Betreff: …", "Löschungsantrag", "Auskunftsersuchen"), or a polite question ("Können Sie …?",
"könnt ihr …?"). A question in another form asks for nothing. English clauses are left to ``letters_en``.
"""

from __future__ import annotations

import re

from bot.rights.catalogue import rights_by_article
from bot.rights.named_de import rights_named_de

# No sentence break after an abbreviation, an initial or a number ("Art. 6 Abs. 1 lit. f", "z. B.", "1. Juni").
_ABBREVIATIONS = ("Art", "Abs", "Nr", "lit", "Satz", "bzw", "ggf", "vgl", "etc", "usw", "z.B", "d.h", "u.a", "Dr", "ca")
_NO_BREAK = "".join(f"(?<!\\b{a})" for a in _ABBREVIATIONS) + r"(?<!\b\w)(?<!\d)"
_SENTENCE_END_RE = re.compile(_NO_BREAK + r"[.!?;]+(?=\s|$)")

_PLEASE = r"\bbitte[nt]?\b|\bdarum\s+bitten\b"
# A first-person demand or wish, in either word order ("ich widerrufe", "hiermit widerrufe ich").
_FIRST_PERSON = (
    r"\b(?:fordere|verlange|beantrage|widerrufe|widerspreche|ersuche|untersage|erwarte|bestehe|wünsche|möchte|will"
    r"|benötige|brauche|mache|lege|ziehe|reiche|erhebe|hätte|würde|wende)\b"
)
_HEREBY = r"\bhiermit\b|\bhierdurch\b|\bmit\s+diesem\s+schreiben\b"
# "… sind zu löschen", "ist zu berichtigen", "sollen gelöscht werden": an obligation the writer sets.
_OBLIGATION = (
    r"\b(?:ist|sind|seien)\b[^;!?]*\b(?:zu\s+\w+en|(?:ab|an|auf|aus|ein|fest|her|mit|nach|vor|weg|zurück)zu\w+en)\b"
    r"|\bsollen\b|\bsoll\b|\bmüssen\b"
)
# The letter names itself: a subject line, "Antrag auf", "Löschungsantrag", "Auskunftsersuchen", "Löschverlangen".
_NAMES_REQUEST = r"\bbetreff\b|antrag\b|ersuchen\b|verlangen\b|\bgeltend\b|\bgebrauch\b"
# An imperative opening the sentence (after a salutation): "Löschen Sie …", "löscht …", "schick mir …".
_IMPERATIVE_VERBS = (
    r"löscht|hört|stoppt|sperrt|schickt|sendet|korrigiert|berichtigt|sagt|gebt|nennt|informiert|entfernt|zieht"
    r"|stellt|teilt|übermittelt|unterrichtet|schränkt|streicht|lasst|nehmt|lösch|lösche|schick|sperr|hör"
)
_IMPERATIVE = (
    r"^(?:(?:hallo|hi|moin|servus|guten\s+tag|sehr\s+geehrte[rs]?)\b[^,]*,\s*)?(?:und\s+|dann\s+|also\s+)?"
    rf"(?:\w+en\s+sie\b|(?:{_IMPERATIVE_VERBS})\b)"
)
# A polite question that asks the reader to act: "Können Sie …?", "könnt ihr …?", "Würden Sie bitte …?".
_POLITE_QUESTION = (
    r"^(?:(?:hallo|hi|moin|servus|guten\s+tag|sehr\s+geehrte[rs]?)\b[^,]*,\s*)?(?:und\s+)?"
    r"(?:können|könnten|könnt|kannst|könntest|würden|würdet|würdest|wären|wärt)\s+(?:sie|ihr|du)\b"
)
# A list of infinitive commands ending the sentence: "Einwilligung widerrufen, Kopie schicken, dann löschen."
# Not after an auxiliary or modal: "… habe ich im Frühjahr widerrufen." reports, "… kann ich löschen." asks nothing.
_INFINITIVE_COMMAND = (
    r"^(?!.*\b(?:habe|hast|hat|haben|hatte|hatten|wurde|wurden|worden|ist|sind|bin|war|waren|kann|können|will|möchte"
    r"|soll|sollen|muss|müssen|darf|dürfen)\b).*\b(?:löschen|schicken|senden|zusenden|korrigieren|berichtigen|einschränken|sperren|widerrufen|entfernen"
    r"|übermitteln|herausgeben|stoppen)\W*$"
)
# A casual imperative with "mal" anywhere in the sentence: "…, lösch mal alles", "schick mir mal die Kopie".
_CASUAL_IMPERATIVE = r"\b(?:lösch|schick|sperr|gib|sag|zeig|mach|korrigier|änder|nimm|hör)e?\b(?:\s+\w+)?\s+mal\b"
REQUEST_MOOD_RE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            _PLEASE,
            _FIRST_PERSON,
            _HEREBY,
            _OBLIGATION,
            _NAMES_REQUEST,
            _IMPERATIVE,
            _INFINITIVE_COMMAND,
            _CASUAL_IMPERATIVE,
        )
    ),
    re.I,
)
POLITE_QUESTION_RE = re.compile(_POLITE_QUESTION, re.I)
# "Wenn ich meine Daten löschen lasse, kann ich dann …?": a question about what follows from a request, no request.
# "Ich brauche nichts weiter von euch", "Dieses Schreiben dient lediglich Ihrer Information": nothing is asked.
NOTHING_WANTED_RE = re.compile(
    r"\büberlege\s+(?:es\s+)?mir\s+(?:das\s+)?noch\b|\bwollte\s+mich\s+(?:nur|bloß|einfach)\s+bedanken\b"
    r"|\bbrauche\s+(?:ich\s+)?nichts\s+(?:weiter|mehr)\b|\bdient\s+(?:lediglich|nur|ausschließlich)\s+(?:ihrer|zur)\s+information\b",
    re.I,
)
# An opinion ("Meiner Meinung nach ist …", "Ich finde …"), a receipt ("die Kopie ist angekommen") or a report of
# long ago ("Ich habe mich damals … beschwert"): in a message with no sentence worded as a request, nothing is asked.
STATEMENT_RE = re.compile(
    r"\bmeiner\s+meinung\s+nach\b|\bmeines\s+erachtens\b|^ich\s+finde\b|\b(?:ist|sind)\b[^.!?]*\b(?:angekommen|eingegangen)\b"
    r"|\b(?:habe|hab|hatte)\b[^.!?]*\b(?:damals|früher|letztes\s+jahr|vor\s+\w+\s+(?:jahren|monaten))\b",
    re.I,
)
CONSEQUENCE_QUESTION_RE = re.compile(
    r"^(?:(?:und\s+)?was\s+passiert,?\s+)?(?:wenn|falls|sobald|nachdem)\s+ich\b[^.!?]*\?\s*$", re.I
)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its closing mark."""
    out, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        out.append(text[start : m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    return [s for s in [*out, rest] if s]


def _sentence(clause: str, text: str) -> str:
    """The sentence of ``text`` that holds ``clause``."""
    at = text.find(clause)
    if at < 0:
        return clause
    for sentence in sentences(text):
        begin = text.find(sentence)
        if begin <= at < begin + len(sentence):
            return sentence
    return clause


def polite_request(clause: str, text: str) -> bool:
    """Whether the sentence holding ``clause`` is a polite question asking the reader to act ("könnt ihr …?")."""
    return POLITE_QUESTION_RE.search(_sentence(clause.strip(), text)) is not None


def asks_politely(text: str) -> bool:
    """Whether some sentence of ``text`` is a polite question asking the reader to act."""
    return any(POLITE_QUESTION_RE.search(sentence) for sentence in sentences(text))


def asks(clause: str, text: str) -> bool:
    """Whether ``clause`` can add a right: in a message of one sentence always (unless it is a question in
    another form than a polite one), in a letter only if its sentence is worded as a request."""
    sentence = _sentence(clause.strip(), text)
    if sentence.endswith("?"):
        return POLITE_QUESTION_RE.search(sentence) is not None
    if len(sentences(text)) < 2:
        return True
    return REQUEST_MOOD_RE.search(sentence) is not None


def asks_nothing(text: str) -> bool:
    """Whether a German message is one question about the consequences of a request ("Wenn ich …, kann ich …?")
    or says that it wants nothing ("Ich brauche nichts weiter von euch")."""
    return (
        CONSEQUENCE_QUESTION_RE.search(text.strip()) is not None
        or NOTHING_WANTED_RE.search(text) is not None
        or states_only(text)
    )


def states_only(text: str) -> bool:
    """Whether a German message only states an opinion, a receipt or an old event: no sentence of it is a request
    or a question."""
    if not STATEMENT_RE.search(text):
        return False
    return not any(s.endswith("?") or REQUEST_MOOD_RE.search(s) for s in sentences(text))


# A second request named by its noun after "und", "sowie" or a comma ("Auskunft über meine Daten und Beschwerde
# über …", "Berichtigung, Sperrung bis dahin"), compounds included (Löschungsantrag, Datenübertragbarkeit), or
# the interim request "… und bis dahin nicht verwenden".
_RIGHT_NOUN = (
    r"\w*(?:auskunft|löschung|berichtigung|korrektur|einschränkung|sperrung|widerspruch|widerruf|beschwerde"
    r"|kopie|übertragung|übertragbarkeit|herausgabe)\w*"
)
NOUN_SPLIT_RE = re.compile(
    rf"(?:\s+und|\s+sowie|\s*,)\s+(?=(?:bitte\s+)?(?:(?:auch|zudem|außerdem)\s+)?(?:(?:um|die|eine|den|einen|ihre|deren)\s+)?"
    rf"{_RIGHT_NOUN}\b)|\s+und\s+(?=bis\s+(?:dahin|zur|zum)\b)",
    re.I,
)


# "Meine Rechte auf Berichtigung, Löschung und Widerspruch": an enumeration of rights, not one request each.
RIGHTS_LIST_RE = re.compile(r"\brechte?\s+(?:auf|zur?|wie)\b", re.I)


# Items of a list ("Drei Dinge: - Kopie meiner Daten - Adresse löschen") and a plus ("Kopie + löschen bitte").
LIST_SPLIT_RE = re.compile(r"\s+[-•*–+]\s+|(?:^|:)\s*[-•*–]\s+|\s+\d{1,2}[.)]\s+(?=[A-ZÄÖÜa-zäöü])")


def split(parts: list[str]) -> list[str]:
    """German clauses split further at list items and where a second request is named by its noun (not in a
    list of rights)."""
    items = [item for part in parts for item in LIST_SPLIT_RE.split(part)]
    pieces = [[part] if RIGHTS_LIST_RE.search(part) else NOUN_SPLIT_RE.split(part) for part in items]
    return [p.strip(" ,") for piece in pieces for p in piece if p.strip(" ,")]


def names(clause: str, right: str) -> bool:
    """Whether a German clause names ``right`` by one of its words (``bot.rights.named_de``)."""
    return right in rights_named_de(clause)


# A sentence that performs a right by its verb in the first person: "Ich widerspreche …", "hiermit widerrufe ich …",
# "Ich lege Beschwerde ein", "meine Einwilligung nehme ich zurück". Not under a condition, a negation or a question.
_PERFORMED = {
    "objection": r"\bwiderspreche\b|\blege\b[^;!?]*\bwiderspruch\b",
    "withdraw_consent": r"\bwiderrufe\b|\b(?:einwilligung|zustimmung)\w*\b[^;!?]*\b(?:nehme|ziehe)\b[^;!?]*\bzurück\b"
    r"|\b(?:nehme|ziehe)\b[^;!?]*\b(?:einwilligung|zustimmung)\w*\b[^;!?]*\bzurück\b",
    "complaint": r"\bbeschwere\s+mich\b|\blege\b[^;!?]*\bbeschwerde\b[^;!?]*\bein\b"
    r"|\b(?:möchte|will)\s+mich\b[^;!?]*\bbeschweren\b"
    r"|\b(?:entschieden|entschlossen)\b[^;!?]*\bbeschweren\b"
    r"|\b(?:will|möchte)\b[^;!?]*\b(?:aufsichtsbehörde|datenschutzbehörde|landesdatenschutzbeauftragt\w*)\b[^;!?]*"
    r"\b(?:melden|anzeigen|einschalten)\b"
    r"|\b(?:heute|soeben|gerade|eben)\b[^;!?]*\bbeschwerde\b[^;!?]*\b(?:eingelegt|eingereicht|erhoben)\b",
}
PERFORMED_RES = {right: re.compile(pattern, re.I) for right, pattern in _PERFORMED.items()}
# A reason given ("…, weil ihr nicht geantwortet habt") does not hedge the sentence; a dash ends a request
# before its question ("Ich möchte mich beschweren – wie mache ich das?").
_REASON_RE = re.compile(r",?\s*\b(?:weil|denn)\b[^;!?]*", re.I)
_DASH_RE = re.compile(r"\s+[–—-]\s+")
_HEDGED_RE = re.compile(r"\b(?:nicht|wenn|falls|ob|sollte|sollten|könnte|würde|theoretisch|überlege)\b", re.I)


def performed(text: str) -> list[str]:
    """The rights a German message exercises by a first-person verb in a plain statement."""
    found: list[str] = []
    pieces = [p.strip() for s in sentences(text) for p in _DASH_RE.split(s)]
    for sentence in (_REASON_RE.sub("", p) for p in pieces):
        if sentence.endswith("?") or _HEDGED_RE.search(sentence):
            continue
        found.extend(r for r, pattern in PERFORMED_RES.items() if pattern.search(sentence) and r not in found)
    return found


# Where a right is named without being asked for: what the controller did ("nachdem Sie … gelöscht haben", "Sie haben
# meine Anschrift berichtigt"), what the recipients are told of ("über die Löschung unterrichtet", "diese Berichtigung
# mitzuteilen"), a confirmation that it was done ("dass … entfernt wurde") and an erasure declined ("löschen Sie
# diese Daten nicht", "nicht, dass sie gelöscht werden", "anstelle der Löschung").
_BACKGROUND = (
    r"\bnachdem\b[^,.;!?]*",
    r"(?:^|(?<=[.!?,]\s))sie\s+haben\b(?![^.:;!?]*\b(?:nicht|noch|immer)\b)[^.:;!?]*",
    r"\b(?:über|von)\s+(?:die|der|diese|meine|mein|den)\s+\w*(?:lösch|berichtig|einschränk)\w*\s+(?:zu\s+)?(?:unterricht|informier)\w*",
    r"\b(?:die|diese|der)\s+\w*(?:löschung|berichtigung|einschränkung)\w*\s+mit(?:zuteilen|geteilt)\b",
    r"\bdass\b[^.;!?]*\b(?:lösch|entfern|berichtig|korrigier|gelösch|entfernt)\w*\s+(?:wurde|wurden|worden|ist|sind)\b",
    r"\blöschen\s+sie\b[^.,;!?]*\bnicht\b|\bnicht,?\s+(?:dass\s+\w+\s+)?(?:ge)?lösch\w*|\bkeine\s+löschung\b",
    r"\b(?:anstelle|anstatt|statt)\s+(?:der|des|einer|eines)\s+\w+",
    r"\b(?:ein|eine|einen|die|den)\s+[^.;!?,]*?\b(?:brauche|benötige|verlange|möchte|will|wünsche|beantrage)\s+ich\b"
    r"[^.;!?,]*?\bnicht\b",
    r"[^.;!?]*\b(?:verlangen|beantragen|fordern)\b[^.;!?]*\bdarum\s+geht\s+es\b[^.;!?]*\bnicht\b",
    r"\bkeine[nr]?\s+\w*(?:auskunft|löschung|berichtigung|einschränkung|kopie|export)\w*",
)
BACKGROUND_RE = re.compile("|".join(f"(?:{p})" for p in _BACKGROUND), re.I)


def background_only(text: str) -> list[str]:
    """The rights a German message names only where it does not ask for them (see ``_BACKGROUND``)."""
    rest = BACKGROUND_RE.sub(" ", text)
    return [r for r in rights_named_de(text) if r not in rights_named_de(rest)]


# Recipients asked about ("an welche Empfänger …", "an wen Sie … weitergegeben haben") are part of access; the
# recipients are to be told of a correction, erasure or restriction only where the letter says so
# ("Informieren Sie alle Empfänger", "allen Empfängern mitteilen", "sagt denen, dass …").
RECIPIENTS_ASKED_RE = re.compile(
    r"\b(?:an\s+welche|welche[nr]?|an\s+wen|wem|wer)\b[^.;!?]{0,40}\b(?:empfänger|weitergegeben|übermittelt|weitergeleitet)",
    re.I,
)
_TELL = r"(?:informier|unterricht|benachrichtig|mitteil|mitzuteil|in\s+kenntnis)\w*"
_CHANGE = (
    r"(?:korrigiert|berichtigt|gelöscht|eingeschränkt|gesperrt|korrektur|berichtigung|löschung|einschränkung|sperrung)"
)
NOTIFY_RE = re.compile(
    rf"\b{_TELL}\s+(?:sie\s+|ihr\s+)?(?:bitte\s+)?(?:alle|die|sämtliche|jeden|jede)\s+(?:\w+\s+)?empfänger"
    rf"|\b(?:allen|sämtlichen|den|jedem)\s+(?:\w+\s+)?empfängern\b[^.;!?]*\b{_TELL}"
    rf"|\b(?:sagt|sagen\s+sie|teilt|teilen\s+sie|informiert|informieren\s+sie)\s+(?:denen|diesen|ihnen|allen)\b[^.;!?]*\b{_CHANGE}",
    re.I,
)
# Recipients asked about in a letter about a change ("welchen Empfängern Sie die Löschung mitgeteilt haben") are
# notification (Art. 19 Satz 2).
_CHANGED_RE = re.compile(
    r"berichtig|korrigier|korrektur|lösch|einschränk|sperr|informiert|mitgeteilt|unterrichtet", re.I
)
_NEGATED_RE = re.compile(r"\bnicht\b|\bkein\w*", re.I)


def notification_asked(text: str) -> bool | None:
    """Whether a German message asks that recipients be told of a change (True), is a letter that only asks who
    they are, with no change in sight (False), or neither (None)."""
    if any(NOTIFY_RE.search(s) and not _NEGATED_RE.search(s) and asks(s, text) for s in sentences(text)):
        return True
    if len(sentences(text)) > 1 and RECIPIENTS_ASKED_RE.search(text) and not _CHANGED_RE.search(text):
        return False
    return None


# "Bis dahin dürfen Sie diese Angabe nicht verwenden", "nutzt meine Daten nicht mehr, bis …": restriction in the
# meantime.
_USE = r"(?:verwende|verwenden|verwendet|nutzen|nutzt|verarbeiten|verarbeitet|benutzen|benutzt|weitergeben)"
INTERIM_RE = re.compile(
    rf"\b(?:bis\s+dahin|bis\s+zu[rm]|solange)\b[^.;!?]*\bnicht\b[^.;!?]*\b{_USE}\b"
    rf"|\b{_USE}\b[^.;!?]*\bnicht\b[^.;!?]*\b(?:bis|solange)\b",
    re.I,
)
# "Außerdem möchte ich wissen, welche Daten gespeichert sind", "gebt mir eine Übersicht, was gespeichert ist".
WHAT_STORED_RE = re.compile(
    r"\b(?:wissen|erfahren|übersicht|auflistung|aufstellung)\b[^.;!?]*\b(?:welche|was)\b[^.;!?]*"
    r"\b(?:gespeichert|speichert|speichern|verarbeitet|verarbeiten)\b",
    re.I,
)
_QUALIFIED_RE = re.compile(r"\b(?:nicht|wenn|falls|ob|theoretisch)\b", re.I)


def declared(text: str) -> list[str]:
    """Rights a German message asks for in wording DIET may miss: restriction in the meantime, a wish to know
    what is stored, recipients to be told of a change."""
    found: list[str] = []
    for sentence in sentences(text):
        if sentence.endswith("?") and not POLITE_QUESTION_RE.search(sentence):
            continue
        if INTERIM_RE.search(sentence) and "restriction" not in found:
            found.append("restriction")
        if WHAT_STORED_RE.search(sentence) and not _QUALIFIED_RE.search(sentence) and asks(sentence, text):
            found.append("access") if "access" not in found else None
    if notification_asked(text):
        found.append("notification")
    return found


# The rights of the GDPR's articles a German request sentence cites ("Bitte löschen Sie … nach Art. 17 DSGVO",
# "… sind zu löschen (Art. 17 DSGVO)", "bitte ich Sie, mir gemäß Art. 19 Satz 2 DSGVO mitzuteilen").
_ARTICLE_RIGHTS = {n: r for n, r in rights_by_article().items() if n not in ("7", "77")}  # 15-22
# One article, not a range or a list ("Art. 15 bis 21", "Art. 15, 16"), nor one cited alongside ("i. V. m. Art. 21").
_ARTICLE_RE = re.compile(
    r"(?<!\bv\.\sm\.\s)(?<!\bv\.m\.\s)(?<!\bverbindung\smit\s)\bart(?:ikel|\.)?\s*(\d{1,2})\b"
    r"(?!\s*(?:bis|und|oder|[-–,]\s*\d))",
    re.I,
)
# The comma clause that cites must not be a condition, a negation or a threat ("falls Sie nicht …", "sonst …").
_CITING_HEDGE_RE = re.compile(
    r"\b(?:falls|wenn|sofern|soweit|sollte|sollten|andernfalls|ansonsten|sonst|nicht|kein\w*|ob|werde|würde)\b", re.I
)


def cited(text: str) -> list[str]:
    """Rights of the articles 15 to 22 that a German sentence worded as a request cites, in a clause of it that is
    no condition, negation or threat; not in a question other than a polite one, nor in background
    ("nachdem Sie …")."""
    found: list[str] = []
    for sentence in sentences(text):
        if sentence.endswith("?") and not POLITE_QUESTION_RE.search(sentence):
            continue
        if not (REQUEST_MOOD_RE.search(sentence) or POLITE_QUESTION_RE.search(sentence)):
            continue
        for clause in BACKGROUND_RE.sub(" ", sentence).split(","):
            if _CITING_HEDGE_RE.search(clause):
                continue
            for number in _ARTICLE_RE.findall(clause):
                right = _ARTICLE_RIGHTS.get(number)
                if right and right not in found:
                    found.append(right)
    return found


# A copy in a file format ("eine Kopie als CSV", "meine Daten als JSON", "als Datei zum Mitnehmen", "im XML-Format"):
# data to take along (portability), not access, unless access is also named by its own words ("Auskunft").
_FORMAT_RE = re.compile(
    r"\b(?:als|im|in\s+einem|in\s+einer)\s+(?:\w+\s+)?(?:csv|json|xml|datei|excel|xlsx)\b|\bmaschinenlesbar\w*", re.I
)
_ACCESS_WORDS_RE = re.compile(
    r"auskunft|auskünfte|einsicht|welche\s+daten|\bwas\b[^.;!?]*\bgespeichert|\bwissen\b|\berfahren\b|übersicht", re.I
)


def copy_to_take(text: str) -> bool:
    """Whether a German message asks for its data in a file format (in a sentence that asks, not negated)."""
    return any(
        _FORMAT_RE.search(s) and not _NEGATED_RE.search(s) and asks(s, text) and not s.endswith("?")
        for s in sentences(text)
    )


def access_named(text: str) -> bool:
    """Whether a German message names access by its own words, asks who received its data ("sagen Sie mir, an wen
    Sie sie weitergegeben haben") or asks for a copy in a sentence that names no file format."""
    if _ACCESS_WORDS_RE.search(text) or RECIPIENTS_ASKED_RE.search(text):
        return True
    return any(re.search(r"kopie", s, re.I) and not _FORMAT_RE.search(s) for s in sentences(text))
