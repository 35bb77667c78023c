"""English letters: which clauses of a message can ask for something at all (the mood of a clause).

A letter of several sentences mixes the request with explanations ("I have been a customer since 2019"),
lists of what to include ("the recipients of my data"), what the writer knows ("I am aware of my rights to
rectification and erasure"), general questions ("Is this free of charge?") and disclaimers ("I am not
making a request myself"). DIET reads each clause out of context and may take any of them for a request;
these rules keep only clauses written as a request: an imperative, "please", a first-person wish or
declaration ("I request", "I object", "I withdraw"), a polite question ("could you …"), or a clause that
names the letter a request ("this is a subject access request"). German clauses are left to their own rules.
"""

from __future__ import annotations

import re

from bot.rights.catalogue import rights_by_article

# Words much more frequent in English than in German texts: a message with more of them is English.
_EN_WORDS = frozenset({
    "i", "you", "your", "my", "me", "the", "please", "to", "of", "and", "is", "are", "would", "could", "that",
    "this", "with", "for",
})  # fmt: skip
_DE_WORDS = frozenset({
    "ich", "sie", "ihre", "meine", "mir", "mich", "die", "der", "das", "bitte", "und", "ist", "sind", "dass",
    "mit", "für", "zu", "von",
})  # fmt: skip
_WORD_RE = re.compile(r"[a-zäöüß']+", re.I)
_SENTENCE_END_RE = re.compile(r"[.!?;]+(?=\s|$)")
_SENTENCE_START_RE = re.compile(r"(?<=[.!?;])\s+")

_PLEASE = r"\b(?:please|pls|plz|kindly)\b"
# A first-person wish or declaration that makes the clause a request ("I would also like", "I hereby object").
_FIRST_PERSON = (
    r"\b(?:i|we|he|she|they)(?:['’](?:d|m|ve))?(?:\s+[\w'’]+){0,3}?\s+"
    r"(?:requests?|requesting|asks?|asking|demands?|demanding|wants?|wanna|wish(?:es)?|like|needs?|require|expect|insist"
    r"|object|objecting|withdraw|withdrawing|revoke|revoking|contest|contesting|challenge|challenging"
    r"|exercise|exercising|invoke|invoking|take back|taking back|grateful|appreciate|instruct|refuse"
    r"|writing|write|submit|submitting|lodge|lodging|file|filing|complain|complaining|opt|opting"
    r"|make|making|repeat|reiterate|renew|maintain|(?:no longer|do not|don't|dont|not) (?:consent|agree))\b"
)
# A polite question that asks the reader to do something: "could you send", "would you please delete".
_POLITE_QUESTION = r"^(?:(?:dear|hello|hi)\b[^,]*,\s*)?(?:and\s+)?(?:could|can|would|will)\s+(?:you|u)\b"
# The letter declares what it is: "this is a subject access request", "treat this email as …".
_DECLARES_REQUEST = (
    r"\b(?:this|the present|my)\s+(?:letter|e-?mail|message|request|note)?\s*(?:is|constitutes|serves as|should be)\b"
    r"|\btreat (?:this|my)\b|\bconsider this\b|\bplease (?:regard|accept)\b"
)
# An imperative opening the clause (after an optional salutation or "so", "and"): "delete my account".
_IMPERATIVES = (
    r"send|give|provide|delete|erase|remove|correct|fix|update|amend|rectify|complete|change|replace|stop|cease"
    r"|restrict|limit|suspend|block|freeze|tell|inform|notify|let|confirm|export|transfer|transmit|port|forward"
    r"|close|wipe|unsubscribe|review|reconsider|arrange|include|treat|register|record|file|pass|take|disclose"
    r"|share|explain|list|identify|anonymi[sz]e|mark|purge|destroy|deactivate|cancel|drop|hand|email|mail|show"
    r"|return|make|get|keep|exclude|opt|do|don't|dont|refrain|challenge|contest|reverse"
)
_IMPERATIVE = r"^(?:(?:dear|hello|hi|to)\b[^,]*,\s*)?(?:so|and|then|also|now)?\s*(?:" + _IMPERATIVES + r")\b"
# A clause that only says what the writer knows or notes is no request ("I am aware of my right to …").
_KNOWLEDGE = r"^(?:i am aware|i'm aware|i understand|i know|i note|as you know|i realise|i realize|i appreciate that)\b"
# The writer says outright that the message asks for nothing.
DISCLAIMER_RE = re.compile(
    r"\b(?:i am|i'm)\s+not\s+(?:making|exercising|submitting|filing|lodging|requesting|asking for)\b"
    r"(?:\s+(?:a|any|my|this|that|an)\b)?(?:\s+\w+){0,3}?\s*(?:request|rights?|complaint|anything|one)\b"
    r"(?!\s+(?:now|away|here))",
    re.I,
)
REQUEST_MOOD_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_PLEASE, _FIRST_PERSON, _POLITE_QUESTION, _DECLARES_REQUEST, _IMPERATIVE)), re.I
)
POLITE_QUESTION_RE = re.compile(_POLITE_QUESTION, re.I)
# The request mood of the writer alone: a third person's wish or question ("she can ask you to …", "he'll write to
# you himself") told in the message is no request of the writer's.
WRITER_MOOD_RE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            _PLEASE,
            _FIRST_PERSON.replace("(?:i|we|he|she|they)", "(?:i|we)"),
            _POLITE_QUESTION,
            _DECLARES_REQUEST,
        )
    )
    + f"|(?:{_IMPERATIVE})",
    re.I,
)
IMPERATIVE_RE = re.compile(_IMPERATIVE, re.I)
# The kinds of request a letter can name itself ("a subject access request", "a SAR", "a request for erasure").
_REQUEST_KINDS = {
    "access": r"(?:data\s+)?subject\s+access|d?sar|access|data\s+access",
    "erasure": r"erasure|deletion|right\s+to\s+be\s+forgotten",
    "rectification": r"rectification|correction",
    "restriction": r"restriction",
    "portability": r"(?:data\s+)?portability",
    "objection": r"objection",
}
_KIND_RES = {
    right: re.compile(
        rf"\b(?:(?:an?|my)\s+(?:formal\s+)?(?:{kind})(?:\s+request\b)?|(?:{kind})\s+request|request\s+for\s+(?:{kind}))\b",
        re.I,
    )
    for right, kind in _REQUEST_KINDS.items()
}
# A sentence that makes the letter a request of some kind: "This is both a SAR and a portability request",
# "please also treat it as a subject access request", "I am writing to make a data portability request".
_DECLARATION_RE = re.compile(
    r"\b(?:this|it|the present|my)\s+(?:letter|e-?mail|message|note)?\s*(?:is|constitutes|serves\s+as)\b"
    r"|\b(?:treat|regard|consider|accept|handle|process)\s+(?:this|it|my\s+(?:letter|e-?mail|message))\b"
    r"|\b(?:i|we)\s+(?:am\s+|are\s+)?(?:\w+\s+){0,3}?(?:make|making|submit|submitting|raise|raising|file|filing)\b",
    re.I,
)
KNOWLEDGE_RE = re.compile(_KNOWLEDGE, re.I)
# A clause that opens with what the reader did before ("after you deleted my account, …", "since you fixed …").
PAST_DEED_RE = re.compile(
    r"^(?:(?:dear|hello|hi)\b[^,]*,\s*)?(?:after|since|because|as|when|now\s+that|although|once)\s+"
    r"(?:(?:you|your\s+\w+)\s+(?:have\s+|had\s+|already\s+|recently\s+)?\w+ed"
    # or in the passive: "now that my address has been updated", "since the account was closed"
    r"|(?:my|the|our)\s+(?:\w+\s+){1,2}?(?:has|have|had|was|were)\s+(?:now\s+|already\s+)?(?:been\s+)?\w+ed)\b",
    re.I,
)
# The marks of the items of a list: "- my data", "• my data", "2) my data".
_LIST_ITEM_RE = re.compile(r"(?:^|\s)(?:[-•*–]|\(?\d{1,2}[.)])\s+(?=[a-z])", re.I)


_GENERAL_SUBJECT = (
    r"(?:a|an|the|any|every)?\s*(?:company|companies|business(?:es)?|controllers?|organi[sz]ations?|firms?"
    r"|employers?|websites?|gdpr|law|regulators?|right|rights|d?sar|(?:subject\s+)?access\s+request|requests?)\b"
)
# A question in general terms ("Do I need to send ID …?", "Can a company refuse …?", "How long does a company
# have …?") or a statement about rights or the news ("The right to erasure is not absolute", "I read that …"),
# with no sentence written as a request: it asks about rights and exercises none.
GENERAL_RE = re.compile(
    r"^(?:(?:do|does|would|will|should|must|can|could|may)\s+(?:i|we|one|you|people)\s+(?:need|have|has)\s+to\b"
    rf"|(?:can|could|may|must|should|do|does|is|are|will|would|has|have)\s+{_GENERAL_SUBJECT}"
    # an act in general terms as the subject ("Does withdrawing consent …?", "Is objecting to profiling …?")
    r"|(?:can|could|may|does|do|is|will|would)\s+(?!(?:any|some|no|every)thing\b)[a-z]{3,}ing\b"
    rf"|how\s+(?:long|much|soon|quickly|often|many\s+\w+)\s+(?:does|do|can|may|should|must|will|has|have|is)\s+"
    rf"{_GENERAL_SUBJECT}"
    r"|(?:the|a|your|my)\s+right\s+(?:to|of)\b[^.!?]*\b(?:is|isn't|are|aren't|applies|does|doesn't|has|only)\b"
    r"|i\s+(?:just\s+)?(?:read|heard|saw)\b|apparently\b|according\s+to\b|did\s+you\s+(?:know|hear|see)\b"
    # hearsay ("A colleague said that …") or a story of the past ("Two years ago my insurer …")
    r"|(?:a|my|some|one)\s+(?:\w+\s+)?(?:friend|colleague|neighbou?r|relative|lawyer|person|user|someone)s?\s+"
    r"(?:told|tells|said|says|claims?|claimed)\b|(?:someone|somebody|people|they)\s+(?:told|said|say|says)\b"
    # a third person's question ("My friend wants to know whether …") or a question about the reader's practice
    # or its terms ("Do you use profiling?", "Is there a fee for …?")
    r"|(?:a|my|some|one)\s+(?:\w+\s+)?(?:friend|colleague|neighbou?r|relative|client|person|user|someone)s?\s+"
    r"(?:wants?\s+to\s+know|wonders|wondered|is\s+wondering|asks|asked)\b"
    r"|do\s+you\s+(?:do|use|perform|carry\s+out|engage\s+in|rely\s+on|practi[cs]e)\b"
    r"|(?:is|are)\s+there\s+(?:a|any)\s+(?:fees?|charges?|costs?|deadlines?|time\s+limits?|forms?|templates?)\b"
    r"|(?:last\s+(?:year|month|week|summer|winter|spring|autumn)|(?:a\s+few|two|three|several|many)\s+"
    r"(?:years|months)\s+ago|years\s+ago|back\s+in)\b)",
    re.I,
)


# A question only in theory or rhetoric ("Hypothetically, …?", "… if I lived in Austria?", "… one day?",
# "Isn't it absurd that …?", "do companies have to …?"): a message of such questions asks for nothing.
HYPOTHETICAL_RE = re.compile(
    r"\bhypothetical(?:ly)?\b|\b(?:one day|some day|someday)\b|\bif i (?:lived|were|was|moved)\b"
    r"|^(?:isn't|aren't|wouldn't|doesn't|don't|isn’t)\s+(?:it|that)\b|\bdo (?:you|companies|they) have to\b",
    re.I,
)


def is_english(text: str) -> bool:
    """Whether a message reads as English (more English than German function words)."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    return sum(w in _EN_WORDS for w in words) > sum(w in _DE_WORDS for w in words)


def plainly_english(text: str) -> bool:
    """Whether a message is English with next to no German in it: the rules for English lists, general
    questions and letters' background are not tried on a message that mixes both languages."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    english, german = sum(w in _EN_WORDS for w in words), sum(w in _DE_WORDS for w in words)
    return english >= 5 * german


def _sentence(clause: str, text: str) -> str:
    """The sentence of ``text`` that holds ``clause``, with its closing mark ("send it, then delete it.")."""
    at = text.find(clause)
    if at < 0:
        return clause
    starts = [m.end() for m in _SENTENCE_END_RE.finditer(text, 0, at)]
    end = _SENTENCE_END_RE.search(text, at + len(clause))
    return text[starts[-1] if starts else 0 : end.start() + 1 if end else len(text)].strip()


def in_question(clause: str, text: str) -> bool:
    """Whether the sentence of ``text`` that holds ``clause`` is a question."""
    return _sentence(clause.strip(), text).endswith("?")


# A parenthetical remark ("I attach my ID (please delete it after checking)") is an aside on the sentence around it:
# it does not make that sentence a request.
_PARENTHESIS_RE = re.compile(r"\s*\([^()]*\)")
# A request the writer says is not made ("I am NOT asking you to delete …", "I don't want anything deleted").
NOT_ASKED_RE = re.compile(
    r"\b(?:i\s+am|i['’]m|we\s+are|we['’]re)\s+not\s+(?:asking|requesting|demanding)\b"
    r"|\b(?:i|we)\s+(?:do\s+not|don['’]t|dont)\s+(?:want|need|wish)\s+(?:anything|it|them|(?:my|our|the)\s+\w+)"
    r"\s+(?:\w+\s+)?(?:deleted|erased|removed|corrected|changed|restricted|exported|sent)\b",
    re.I,
)


def asks(clause: str, text: str) -> bool:
    """Whether the sentence of ``text`` that holds ``clause`` is written as a request (module docstring).

    The sentence decides, not the clause: in "send me a copy, and then have it deleted" both clauses ask.
    A question asks only in the polite form ("could you send me …?").
    """
    sentence = _sentence(clause.strip(), text)
    if PAST_DEED_RE.search(clause.strip()) and plainly_english(text):
        return False  # "after you deleted my account": what was done, split off its sentence by triage.clauses
    if plainly_english(text) and NOT_ASKED_RE.search(clause):
        return False  # "I am not asking you to delete my account"
    if plainly_english(text) and _PARENTHESIS_RE.search(sentence):
        clause, sentence = _PARENTHESIS_RE.sub("", clause), _PARENTHESIS_RE.sub("", sentence)
        if not clause.strip():
            return False  # only the aside
    if IMPERATIVE_RE.search(clause.strip()) and not sentence.endswith("?") and plainly_english(text):
        return True  # "…, and tell me which data it was based on": the clause itself asks
    if sentence.endswith("?"):
        return POLITE_QUESTION_RE.search(sentence) is not None
    items = _LIST_ITEM_RE.split(sentence)
    if len(items) > 2 and any(IMPERATIVE_RE.search(i.strip()) for i in items[1:]) and plainly_english(text):
        return True  # "Two things: - my data - erase my address": the items of a list that asks all ask
    return not KNOWLEDGE_RE.search(sentence) and REQUEST_MOOD_RE.search(sentence) is not None


# The writer reports a complaint just lodged with an authority ("I have this week filed a complaint with …"): the
# letter tells of the complaint it makes (a story of the past, "I complained in 2020", is none).
_LODGED_COMPLAINT_RE = re.compile(
    r"\b(?:i|we)\s+(?:have|'ve)\s+(?:\w+\s+){0,3}?(?:filed|lodged|submitted|made|raised|sent)\s+"
    r"(?:a|an|my|our)\s+(?:formal\s+|official\s+)?complaint\b",
    re.I,
)


def declared_rights(text: str) -> list[str]:
    """Rights of the request kinds a statement names the letter ("This is both a SAR and a portability request"),
    and the complaint a letter reports lodged today (``_LODGED_COMPLAINT_RE``)."""
    found: list[str] = ["complaint"] if _LODGED_COMPLAINT_RE.search(text) else []
    for sentence in _SENTENCE_END_RE.split(text):
        if sentence.strip().endswith("?") or not _DECLARATION_RE.search(sentence) or KNOWLEDGE_RE.search(sentence):
            continue
        found.extend(right for right, kind_re in _KIND_RES.items() if kind_re.search(sentence) and right not in found)
    return found


def disclaims(text: str) -> bool:
    """Whether an English message says that it makes no request ("I am not exercising any rights"), or is
    a general question or statement about rights without a sentence written as a request (``GENERAL_RE``)."""
    if DISCLAIMER_RE.search(text):
        return True
    if not plainly_english(text):
        return False
    sentences = [s.strip() for s in _SENTENCE_START_RE.split(text.strip()) if s.strip()]
    if sentences and all(s.endswith("?") and not POLITE_QUESTION_RE.search(s) for s in sentences):
        # only questions: they ask nothing if in theory or in general terms
        return any(HYPOTHETICAL_RE.search(s) for s in sentences) or GENERAL_RE.search(sentences[0]) is not None
    return (
        bool(sentences)
        and GENERAL_RE.search(sentences[0]) is not None
        and not any(WRITER_MOOD_RE.search(s) for s in sentences if not s.endswith("?"))
        and not any(POLITE_QUESTION_RE.search(s) for s in sentences)
    )


# A first-person act that exercises a right by saying it ("Under Art. 21 I object to …", "I hereby withdraw any
# consent …", "I repeat my objection"), not after "if", "should", "when" … and not in a question.
# A request for a right by its noun ("I request the immediate erasure of …") or in the mandative subjunctive
# ("I ask that the recordings be erased") counts as well.
_BY_NOUN = r"(?:request|demand|require|ask\s+for)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?"
_SUBJUNCTIVE = r"(?:ask|request|demand|insist|require)\s+that\s+[^.;!?]*?\bbe\s+(?:\w+\s+)?"
_PERFORMED = {
    "objection": r"object\s+to|(?:repeat|reiterate|maintain|renew)\s+(?:that|this|my|our)\s+objection"
    r"|\S[^.;!?]*?\band\s+(?:also\s+)?object\s+to",  # "I withdraw my consent and object to …"
    "withdraw_consent": r"(?:withdraw|revoke)\s+(?:(?:my|any|all|the|that|this)\s+)?(?:\w+\s+){0,2}?consents?"
    r"|(?:withdraw|revoke)\s+(?:my|that|this)\s+agreement",
    "erasure": rf"{_BY_NOUN}(?:erasure|deletion)\b|{_SUBJUNCTIVE}(?:erased|deleted|removed)\b",
    "rectification": rf"{_BY_NOUN}(?:rectification|correction)\b|{_SUBJUNCTIVE}(?:corrected|rectified|updated)\b",
    "restriction": rf"{_BY_NOUN}restriction\b|{_SUBJUNCTIVE}restricted\b",
}
_PERFORMED_RES = {
    right: re.compile(
        r"(?<!\bif )(?<!\bshould )(?<!\bwhen )(?<!\bunless )(?<!\bcould )(?<!\bcan )(?<!\bwhether )"
        rf"\b(?:i|we)\s+(?:hereby\s+|also\s+|further\s+|therefore\s+|expressly\s+|now\s+)?(?:{verb})\b",
        re.I,
    )
    for right, verb in _PERFORMED.items()
}


def performed(text: str) -> list[str]:
    """Rights a statement of the message exercises by saying so (``_PERFORMED``)."""
    stated = [s for s in _SENTENCE_START_RE.split(text) if not s.strip().endswith("?")]
    return [r for r, r_re in _PERFORMED_RES.items() if any(r_re.search(s) for s in stated)]


# The rights of the GDPR's articles a request sentence cites ("Under Art. 17 GDPR I request …", "as per Article 20").
_ARTICLE_RIGHTS = {n: r for n, r in rights_by_article().items() if n != "7"}  # 15-22 and 77
_NUMBER = r"\d{1,2}\b(?:\s*\(\w{1,3}\))*"
_ARTICLE_RE = re.compile(rf"\b(?:art|article)s?\.?\s*({_NUMBER}(?:\s*(?:,|and|&)\s*{_NUMBER})*)", re.I)
_CONDITION_RE = re.compile(r"\b(?:if|unless|otherwise|should|failing|or\s+else|whether)\b", re.I)


# A request in so many words (not "I consider this a breach of Art. 15"): please, a first-person wish, a polite
# question or an imperative.
_CITING_MOOD_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_PLEASE, _FIRST_PERSON, _POLITE_QUESTION, _IMPERATIVE)), re.I
)


def cited_rights(text: str) -> list[str]:
    """Rights of the articles a statement written as a request cites, not in a question, a condition or a threat
    ("otherwise I will complain under Art. 77"), nor in what the writer says they know."""
    found: list[str] = []
    for sentence in _SENTENCE_START_RE.split(re.sub(r"\b(art|article)\.\s+", r"\1 ", text, flags=re.I)):
        s = sentence.strip()
        if s.endswith("?") or _CONDITION_RE.search(s) or KNOWLEDGE_RE.search(s) or NOT_ASKED_RE.search(s):
            continue
        if not _CITING_MOOD_RE.search(_PARENTHESIS_RE.sub("", s)):
            continue
        numbers = [n for cited in _ARTICLE_RE.findall(s) for n in re.findall(r"(?<![(\d])\d{1,2}\b", cited)]
        for number in numbers:
            right = _ARTICLE_RIGHTS.get(number)
            if right and right not in found:
                found.append(right)
    return found


# A question for what the reader holds about the writer ("What data do you have about me?", "what do u have on
# me", "could you tell me what info you hold on me"): it asks for access, as a direct question or a request.
_WHAT_YOU_HOLD = (
    r"\bwhat\s+(?:(?:personal\s+)?(?:data|info(?:rmation)?|details|records?)\s+)?(?:do\s+|does\s+)?"
    r"(?:you|u|your\s+\w+)\s+(?:have|hold|store|keep|process|know)\s+(?:about|on|of)\s+me\b"
)
_WHAT_YOU_HOLD_RE = re.compile(_WHAT_YOU_HOLD, re.I)
_DIRECT_WHAT_RE = re.compile(r"^(?:(?:hi|hello|hey)\b[^,]*,\s*)?" + _WHAT_YOU_HOLD, re.I)


def asks_what_is_held(text: str) -> bool:
    """Whether a sentence of the message asks what data the reader holds about the writer (``_WHAT_YOU_HOLD``)."""
    for sentence in _SENTENCE_START_RE.split(text.strip()):
        s = sentence.strip()
        if not _WHAT_YOU_HOLD_RE.search(s) or _CONDITION_RE.search(s) or KNOWLEDGE_RE.search(s):
            continue
        if _DIRECT_WHAT_RE.search(s) or (not s.endswith("?") and REQUEST_MOOD_RE.search(s)):
            return True
        if s.endswith("?") and POLITE_QUESTION_RE.search(s):
            return True
    return False


# A message that opens by thanking for or reporting what was done or received ("Thank you for confirming the
# deletion", "I received the copy you sent") and asks for nothing after it.
_ACKNOWLEDGES_RE = re.compile(
    r"\bthank(?:s|\s+you)\s+(?:\w+\s+)?for\s+\w+ing\b|\b(?:i|we)\s+(?:have\s+|'ve\s+)?(?:received|got)\b"
    r"|\bno\s+(?:further\s+)?action\b",
    re.I,
)


def acknowledges(text: str) -> bool:
    """Whether a message only acknowledges what the reader did (``_ACKNOWLEDGES_RE``), with no sentence that asks."""
    sentences = [s.strip() for s in _SENTENCE_START_RE.split(text.strip()) if s.strip()]
    if not sentences or not _ACKNOWLEDGES_RE.search(sentences[0]) or any(s.endswith("?") for s in sentences):
        return False  # "Thanks for fixing it. Who else has my data?" asks
    return not any(
        POLITE_QUESTION_RE.search(s) or (not s.endswith("?") and REQUEST_MOOD_RE.search(s)) for s in sentences
    )


# A sentence that asks the reader NOT to delete ("I ask that you do not erase this data", "don't delete them"): what
# the writer wants kept is no request for erasure.
_KEEP_RE = re.compile(
    r"\b(?:do\s+not|don['’]t|dont|not\s+to|never)\s+(?:\w+\s+)?(?:delete|erase|remove|destroy|wipe)\b", re.I
)
_ERASE_RE = re.compile(r"\b(?:delet|eras|remov|destroy|wip|forgotten)\w*", re.I)


def keeps_not_erases(text: str) -> bool:
    """Whether an English message asks that data NOT be deleted (``_KEEP_RE``) and no sentence that asks names a
    deletion otherwise."""
    if not plainly_english(text) or not _KEEP_RE.search(text):
        return False
    for sentence in _SENTENCE_START_RE.split(text.strip()):
        rest = _KEEP_RE.sub("", sentence)
        if _ERASE_RE.search(rest) and not KNOWLEDGE_RE.search(sentence.strip()) and asks(sentence.strip(), text):
            return False
    return True
