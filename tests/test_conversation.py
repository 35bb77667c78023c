"""Conversations with the real Rasa and action servers over the REST channel."""

from __future__ import annotations

import pytest

from tests.conftest import Servers, buttons

pytestmark = pytest.mark.servers


def test_greeting_says_what_the_assistant_can_do(servers: Servers) -> None:
    reply = servers.conversation().say("hello")
    text = reply[0]["text"]
    assert "privacy assistant" in text
    assert "questions about our privacy notice" in text
    assert {"/request_access", "/request_erasure"} <= {b["payload"] for b in buttons(reply)}


def test_help_lists_questions_and_rights(servers: Servers) -> None:
    text = servers.conversation().say_text("what can you do?")
    assert "answer questions about our privacy notice" in text
    assert "deletion" in text and "withdrawing consent" in text


def test_question_is_answered_with_a_quote_and_its_section(servers: Servers) -> None:
    text = servers.conversation().say_text("who processes my credit card payment?")
    assert "Stripe Payments Europe Ltd" in text
    assert "— Privacy notice, section 8 'Data processing for payment process'" in text


def test_question_about_a_right_offers_to_start_the_request(servers: Servers) -> None:
    reply = servers.conversation().say("what does the right to be forgotten mean?")
    assert "section 16 'Right of cancellation'" in reply[0]["text"]
    assert {"title": "Request deletion of your data", "payload": "/request_erasure"} in buttons(reply)


def test_question_the_notice_does_not_cover_gets_an_honest_answer(servers: Servers) -> None:
    reply = servers.conversation().say("do you use TikTok pixels on the checkout page?")
    text = reply[0]["text"]
    assert "doesn't seem to cover that" in text
    assert "Datenschutz@aiconix.ai" in text
    assert "Use of cookies" in [b["title"] for b in buttons(reply)]


def test_request_is_restated_with_its_article_and_confirmed(servers: Servers) -> None:
    chat = servers.conversation()
    reply = chat.say("plz delete me from ur database")
    assert reply[0]["text"] == "You'd like us to erase your personal data (Art. 17 GDPR). Is that right?"
    assert [b["payload"] for b in buttons(reply)] == ["/affirm", "/deny"]
    assert "one-time code" in chat.say_text("yes")


def test_deny_lets_the_person_pick_the_right_request(servers: Servers) -> None:
    chat = servers.conversation()
    chat.say("freeze my data, don't use it while you check it")
    reply = chat.say("no")
    assert "Which of these did you mean?" in reply[0]["text"]
    assert "/request_erasure" in [b["payload"] for b in buttons(reply)]
    assert chat.say_text("/request_erasure").startswith("You'd like us to erase your personal data")


def test_two_rights_in_one_message(servers: Servers) -> None:
    text = servers.conversation().say_text("send me a copy of my data and then close my account")
    assert "(Art. 15 GDPR)" in text and "(Art. 17 GDPR)" in text


def test_complaint_gets_the_hamburg_authority(servers: Servers) -> None:
    text = servers.conversation().say_text("I want to complain to the data protection authority about you")
    assert "Hamburg Commissioner for Data Protection" in text
    assert "Reference DSR-" in text
    assert "mailbox@datenschutz.hamburg.de" in text
    assert "authority where you live or work" in text


def test_question_in_the_middle_of_a_request_then_confirmation(servers: Servers) -> None:
    chat = servers.conversation()
    chat.say("I want a copy of all data you have about me")
    answer = chat.say_text("how long do you keep my data?")
    assert "section 12" in answer
    assert answer.endswith("Is that right?")
    assert "one-time code" in chat.say_text("/affirm")


def test_out_of_scope_and_bot_challenge(servers: Servers) -> None:
    chat = servers.conversation()
    assert "I can only help with privacy" in chat.say_text("tell me a joke")
    assert "automated assistant" in chat.say_text("are you a bot?")


def test_what_do_you_store_about_this_chat(servers: Servers) -> None:
    text = servers.conversation().say_text("what do you store about this chat?")
    assert "— Privacy statement of this assistant, 'What this chat stores'" in text
    assert "The assistant stores the conversation" in text
