"""English letters: which sentences can ask for something (bot/rights/letters_en.py) and how combine uses it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rights.letters_en import (
    acknowledges,
    asks,
    asks_what_is_held,
    cited_rights,
    declared_rights,
    disclaims,
    is_english,
    keeps_not_erases,
    performed,
    plainly_english,
)
from bot.rights.triage import clauses, combine

LETTER = (
    "Dear Sir or Madam, I have been a customer since 2019. Under Art. 15 GDPR I request a copy of my data. "
    "I am aware of my rights to rectification and erasure. Is this free of charge? Could you also tell me "
    "where you got my number? I want a copy of my data, and then have it deleted. Kind regards, Jo Example"
)


def parse(intent: str, confidence: float) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": confidence}, "entities": []}


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("Dear Sir or Madam, I have been a customer since 2019", False),  # an explanation
        ("Under Art. 15 GDPR I request a copy of my data", True),  # a first-person request
        ("I am aware of my rights to rectification and erasure", False),  # what the writer knows
        ("Is this free of charge", False),  # a general question
        ("Could you also tell me where you got my number", True),  # a polite question asks
        ("have it deleted", True),  # the sentence decides: "I want …, and then have it deleted"
        ("Kind regards, Jo Example", False),
    ],
)
def test_a_sentence_asks_by_its_mood(clause: str, expected: bool) -> None:
    assert asks(clause, LETTER) is expected


def test_imperatives_wishes_and_declarations_ask() -> None:
    for sentence in (
        "Please erase my data.",
        "Delete my account.",
        "I hereby object to direct marketing.",
        "I'd like it removed.",
        "He requests access to his data.",
        "Kindly treat this email as a subject access request.",
        "I no longer consent to the newsletter.",
    ):
        assert asks(sentence.rstrip("."), sentence), sentence
    for sentence in ("I have withdrawn my consent and there is no other ground.", "The deadline has passed."):
        assert not asks(sentence.rstrip("."), sentence), sentence


def test_language_and_disclaimers() -> None:
    assert is_english(LETTER) and not is_english("Bitte löschen Sie meine Daten und schicken Sie mir eine Kopie.")
    assert disclaims("How long does it take you? I'm not making a request myself.")
    assert disclaims("I am not exercising any rights at this stage.")
    assert not disclaims("I am not happy with your answer, please delete my data.")


def test_clauses_split_before_a_new_first_person_request_but_not_before_a_preposition() -> None:
    assert clauses("I withdraw my consent, I object to marketing, and I want my data.") == [
        "I withdraw my consent",
        "I object to marketing",
        "I want my data",
    ]
    assert clauses("Please remove them from the site and from your systems.") == [
        "Please remove them from the site and from your systems"
    ]
    assert clauses("Should you fail to reply, I will complain.") == ["Should you fail to reply, I will complain"]


def test_explanations_in_an_english_letter_add_nothing_but_its_requests_do() -> None:
    text = "I have withdrawn my consent and there is no ground. Please erase my data."
    t = combine(
        text,
        parse("request_erasure", 0.9),
        [
            ("I have withdrawn my consent and there is no ground", parse("request_withdraw_consent", 0.99)),
            ("Please erase my data", parse("request_erasure", 0.99)),
        ],
    )
    assert t.rights == ["erasure"]


def test_an_english_letter_read_as_a_question_keeps_its_request_sentences() -> None:
    text = "I object to analytics on my data. Should you ignore this, I will go to the regulator."
    t = combine(
        text,
        parse("ask_question", 1.0),
        [
            ("I object to analytics on my data", parse("request_objection", 0.95)),
            ("Should you ignore this, I will go to the regulator", parse("request_complaint", 0.9)),
        ],
    )
    assert t.rights == ["objection"]


def test_a_disclaimer_makes_a_message_ask_for_nothing() -> None:
    text = "How quickly do you answer access requests? I am not making a request myself."
    t = combine(
        text,
        parse("request_access", 0.7),
        [("How quickly do you answer access requests", parse("request_access", 0.9))],
    )
    assert t.rights == []


def test_a_letter_that_names_its_request_kinds_asks_for_them() -> None:
    assert declared_rights("This email is both a SAR and a data portability request.") == ["access", "portability"]
    assert declared_rights("Kindly handle it as a request for erasure too.") == ["erasure"]
    assert declared_rights("I am writing to submit a formal objection.") == ["objection"]
    # a past request, a question about one and what the writer knows declare nothing
    assert declared_rights("Back in March I made a deletion request.") == []
    assert declared_rights("Is an access request free?") == []
    assert declared_rights("I am aware that this is a portability request.") == []


def test_a_clause_opening_with_an_imperative_asks_inside_any_sentence() -> None:
    text = "Review the automated refusal and tell me what data it used."
    assert asks("tell me what data it used", text)
    assert not asks("tell me what data it used", "Why did you tell me what data it used?")


def test_general_questions_and_statements_about_rights_ask_nothing() -> None:
    for text in (
        "Would I have to show a passport to get my data?",
        "May an employer refuse an erasure request?",
        "How long does a controller have to reply to a SAR?",
        "The right to object only covers some processing.",
        "I heard that a bank was fined for ignoring access requests.",
        "Suppose hypothetically my insurer used an algorithm, would I get a say?",
        "Where would my photos end up if I moved to another app some day?",
        "Isn't that a lot of paperwork for one deletion?",
    ):
        assert disclaims(text), text
    for text in (
        "Could you erase my data?",
        "The right to erasure applies here, so please delete my account.",
        "Do you have to keep my invoices? Delete everything else.",
        "Could you erase my account one day next week?",
    ):
        assert not disclaims(text), text


def test_a_right_only_background_carries_is_dropped_from_an_english_letter() -> None:
    text = (
        "Hello, you fixed my postal address last week after I wrote to you about it. "
        "Please tell me which partners and service providers you told about the change. Best wishes, Kim"
    )
    t = combine(
        text,
        parse("request_rectification+request_notification", 0.8),
        [
            (
                "Hello, you fixed my postal address last week after I wrote to you about it",
                parse("request_rectification", 0.95),
            ),
            (
                "Please tell me which partners and service providers you told about the change",
                parse("request_notification", 0.97),
            ),
            ("Best wishes, Kim", parse("greet", 0.6)),
        ],
    )
    assert t.rights == ["notification"]


def test_a_right_of_the_whole_letter_stands_when_no_background_carries_it() -> None:
    text = "I object to profiling of my data. Please confirm it has stopped."
    t = combine(
        text,
        parse("request_objection", 0.9),
        [
            ("I object to profiling of my data", parse("ask_question", 0.9)),
            ("Please confirm it has stopped", parse("request_restriction", 0.6)),
        ],
    )
    assert t.rights == ["objection"]


def test_a_declared_request_kind_adds_its_right_to_a_letter() -> None:
    text = (
        "Dear team, I would like all my uploads and project files as one file that I can import elsewhere. "
        "This is a portability request and a SAR as well. Thanks, Kim"
    )
    t = combine(
        text,
        parse("request_portability", 0.9),
        [
            (
                "Dear team, I would like all my uploads and project files as one file that I can import elsewhere",
                parse("request_portability", 0.95),
            ),
            ("This is a portability request and a SAR as well", parse("request_portability", 0.7)),
            ("Thanks, Kim", parse("thanks", 0.9)),
        ],
    )
    assert t.rights == ["portability", "access"]


def test_the_new_english_rules_leave_messages_mixing_german_alone() -> None:
    mixed = "Hallo, please send me the copy und die Rechnung + delete my account, and the data from the form"
    assert is_english(mixed) and not plainly_english(mixed)
    assert clauses(mixed)[0] == "Hallo, please send me the copy und die Rechnung + delete my account"  # no "+" split
    assert plainly_english("Send me my data + delete my account.")
    assert clauses("Send me my data + delete my account.") == ["Send me my data", "delete my account"]


def test_hearsay_and_stories_of_the_past_ask_nothing() -> None:
    for text in (
        "My neighbour says that an objection stops every kind of tracking. Does it?",
        "Someone told me erasure requests are always free. True?",
        "Two years ago my gym refused to correct my birthday and I went to the ombudsman. Nothing came of it.",
        "Last month an insurer lost my file. They apologised weeks later.",
    ):
        assert disclaims(text), text
    for text in (
        "A colleague said you keep CVs forever. Please delete mine.",
        "Last year you lost my data. I want a copy of what you still hold.",
    ):
        assert not disclaims(text), text


def test_repeating_an_earlier_request_asks_again() -> None:
    text = "I asked for my data in March. I repeat that request now, since nothing has arrived."
    assert asks("I repeat that request now", text)
    assert asks("We reiterate our objection to the tracking", "We reiterate our objection to the tracking.")


LODGED = (
    "Dear DPO, my messages about your newsletter went unanswered. I have this week lodged a formal complaint "
    "with the state commissioner and I am letting you know about it. Regards, Kim"
)


def test_a_complaint_the_letter_reports_lodged_counts() -> None:
    assert declared_rights(LODGED) == ["complaint"]
    t = combine(
        LODGED,
        parse("inform", 0.6),
        [(c, parse("inform", 0.6)) for c in clauses(LODGED)],
    )
    assert t.rights == ["complaint"]
    assert declared_rights("I complained to the regulator in 2021 and got no answer.") == []
    threat = "Dear DPO, please delete my profile now. Otherwise I will file a complaint with the authority. Kim"
    assert "complaint" not in declared_rights(threat)


def test_a_right_exercised_by_saying_so_counts() -> None:
    assert performed("Dear team, under Art. 21 I hereby object to the profiling. Regards, Kim") == ["objection"]
    assert performed("We repeat our objection. We also revoke all marketing consent given in 2020.") == [
        "objection",
        "withdraw_consent",
    ]
    assert performed("I repeat my objection to the tracking.") == ["objection"]
    for text in ("Can I object to the tracking?", "If I object to it, what happens?", "Should we object to it?"):
        assert performed(text) == [], text


def test_every_item_of_a_list_that_asks_asks() -> None:
    text = "Two requests: - my full data file - delete the old phone number"
    assert asks("my full data file", text)
    assert not asks("my full data file", "Notes: - my full data file - my old phone number")


def test_combine_adds_a_right_exercised_by_saying_so_when_diet_is_unsure() -> None:
    text = "Dear team, I was sent your offers by post. I hereby object to the use of my address for them. Kim"
    t = combine(text, parse("nlu_fallback", 0.55), [(c, parse("nlu_fallback", 0.55)) for c in clauses(text)])
    assert t.rights == ["objection"]
    mixed = "Mein Anwalt meint, ich soll schreiben: I object to it. Aber ich will nur wissen, was ihr über mich habt."
    assert not plainly_english(mixed)
    assert "objection" not in combine(mixed, parse("request_access", 0.9), []).rights


def test_what_the_reader_did_before_is_split_off_and_asks_nothing() -> None:
    text = "Hi team, since you corrected my birthday last week, I would like to know who else got the old one. Kim"
    parts = clauses(text)
    assert parts[:2] == [
        "Hi team, since you corrected my birthday last week",
        "I would like to know who else got the old one",
    ]
    assert not asks(parts[0], text) and asks(parts[1], text)
    unsplit = "Since you are the controller, I would like my data."
    assert clauses(unsplit) == ["Since you are the controller, I would like my data"]


def test_an_aside_in_parentheses_does_not_make_its_sentence_a_request() -> None:
    text = "Please fix my birth date. A copy of my passport is enclosed (kindly shred it once you have checked)."
    assert not asks("A copy of my passport is enclosed (kindly shred it once you have checked)", text)
    assert asks("Please fix my birth date", text)


def test_a_request_the_writer_says_is_not_made_does_not_ask() -> None:
    text = "Send me my files as JSON. Just so you know, I'm not asking you to remove anything."
    assert not asks("Just so you know, I'm not asking you to remove anything", text)
    text = "Please list what you store on me; we don't want our profile deleted yet."
    assert not asks("we don't want our profile deleted yet", text)
    assert not disclaims("I unsubscribe from the newsletter. I'm not asking for a copy right now.")
    assert disclaims("I'm not requesting anything, I only wonder how long you keep invoices.")


def test_rights_stated_by_noun_subjunctive_or_coordinated_verb() -> None:
    assert performed("As her lawyer I request the complete erasure of her records.") == ["erasure"]
    assert performed("We demand that the old photos be deleted from the gallery.") == ["erasure"]
    assert performed("I insist that my street name be corrected.") == ["rectification"]
    assert performed("I revoke consent to tracking and object to all profiling.") == ["objection", "withdraw_consent"]
    assert performed("I now withdraw this agreement.") == ["withdraw_consent"]
    assert performed("If I request the erasure of my data, what happens?") == []


def test_articles_cited_by_a_request_sentence_name_their_rights() -> None:
    assert cited_rights("Pursuant to Art. 18(1)(a) GDPR I ask you to limit the use of my data.") == ["restriction"]
    assert cited_rights("Under Articles 15 and 20 GDPR please send my records in a reusable format.") == [
        "access",
        "portability",
    ]
    assert cited_rights("If you ignore this, I will go to the regulator under Art. 77 GDPR.") == []
    assert cited_rights("I know that Article 21 gives me a right to object.") == []
    assert cited_rights("Does Art. 20 GDPR apply to invoices?") == []


def test_asking_what_is_held_asks_for_access() -> None:
    assert asks_what_is_held("hey, what info do you keep on me?")
    assert asks_what_is_held("Could you let me know what records you hold about me?")
    assert asks_what_is_held("Would you tell me what data you store about me?")
    assert not asks_what_is_held("I wonder whether I could find out what data you hold about me?")


def test_acknowledging_what_was_done_asks_nothing() -> None:
    assert acknowledges("Thanks for sending the export. It opened fine.")
    assert acknowledges("We received your letter about the correction. No further action is required.")
    assert not acknowledges("I received your reply. Please now delete the rest of my data.")


def test_general_questions_about_practice_fees_and_a_third_persons_question() -> None:
    assert disclaims("Do you use profiling for pricing?")
    assert disclaims("Are there any fees for a data export?")
    assert disclaims("My colleague wants to know whether he can have his data removed. He will contact you.")


def test_a_third_persons_wish_in_a_general_question_is_no_request_of_the_writer() -> None:
    assert disclaims("My colleague wondered whether she can ask you to correct her surname. She will write herself.")
    assert not disclaims("My colleague wondered about her data. I want my own data deleted, though.")


def test_a_question_about_an_act_in_general_terms_asks_nothing() -> None:
    assert disclaims("Is objecting to profiling possible for existing customers?")
    assert not disclaims("Is anything about me stored on your servers?")


def test_a_request_not_to_delete_is_no_erasure() -> None:
    assert keeps_not_erases("Please do not wipe my old invoices; I need them for my tax return.")
    assert keeps_not_erases("I understand you plan to delete old projects. I ask that you do not remove mine.")
    assert not keeps_not_erases("Don't delete my invoices, but please erase my chat logs.")
    assert not keeps_not_erases("Please delete my profile.")


def test_a_first_person_perfect_makes_a_request() -> None:
    assert asks("I've thought again and withdraw my permission", "I've thought again and withdraw my permission.")


def test_a_passive_past_deed_asks_nothing() -> None:
    text = "Since my phone number was changed last week, could you tell the partners you gave it to?"
    assert not asks("Since my phone number was changed last week", text)
