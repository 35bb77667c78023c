"""Letters and talk about rights over REST (real Rasa and action servers): issue #15's request-or-question cases."""

from __future__ import annotations

import pytest

from tests.conftest import Servers, buttons

pytestmark = pytest.mark.servers

ACCESS_LETTER = (
    "Dear Sir or Madam, in accordance with Article 15 of the General Data Protection Regulation I am asking "
    "for a copy of every item of personal information your organisation holds on me. Please state for what "
    "purposes it is used, to whom it has been passed on and for how long it will be kept. My customer number "
    "is 55-1234. I expect your answer within one calendar month; if it does not arrive in time, I shall bring "
    "the matter before the supervisory authority. Yours faithfully, Jo Example"
)

TWO_RIGHTS_LETTER = (
    "Hello, I am writing about the account registered to this address. First, I would like a full copy of "
    "the personal data you store about me. Once I have received it, please erase all of that data from your "
    "systems. Thank you in advance."
)


def test_formal_multi_sentence_access_letter_is_restated_as_access_only(servers: Servers) -> None:
    reply = servers.conversation().say(ACCESS_LETTER)
    text = reply[0]["text"]
    assert text.startswith("You'd like us to tell you what personal data we hold about you")
    assert "(Art. 15 GDPR)" in text
    assert "Art. 77" not in text and "Art. 17" not in text and "Art. 21" not in text
    assert [b["payload"] for b in buttons(reply)] == ["/affirm", "/deny"]


def test_access_letter_near_the_length_limit_is_still_restated(servers: Servers) -> None:
    details = (
        " For the avoidance of doubt, this includes my order history, payment records, support tickets,"
        " notes your staff made about me, recordings of telephone calls and any marketing profile."
    )
    letter = ACCESS_LETTER + details * 20
    letter = letter[: letter.rindex(".", 0, 1990) + 1]
    assert 1800 < len(letter) <= 2000
    text = servers.conversation().say_text(letter)
    assert "(Art. 15 GDPR)" in text and "Is that right?" in text


def test_letter_naming_two_rights_gets_both(servers: Servers) -> None:
    text = servers.conversation().say_text(TWO_RIGHTS_LETTER)
    assert "(Art. 15 GDPR)" in text and "(Art. 17 GDPR)" in text


def test_explaining_a_right_gets_an_explanation_not_a_restatement(servers: Servers) -> None:
    reply = servers.conversation().say("Is an organisation ever allowed to turn down a request to have data erased?")
    text = reply[0]["text"]
    assert "You'd like us to" not in text
    assert "/affirm" not in [b["payload"] for b in buttons(reply)]
