"""Request → identity check → ticket, over the REST channel with a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.db.sessions import session_factory, transaction
from bot.tickets.models import Ticket
from bot.verification.models import VerificationChallenge
from bot.verification.screening import INTERNAL_INTENTS
from bot.verification.service import conversation_key
from tests.conftest import Conversation, Mailbox, Servers, buttons

pytestmark = pytest.mark.servers


USED_ADDRESSES: list[str] = []


def address() -> str:
    USED_ADDRESSES.append(f"person-{uuid.uuid4().hex[:10]}@example.com")
    return USED_ADDRESSES[-1]


def tickets_of(servers: Servers, sender: str) -> list[Ticket]:
    factory = session_factory(servers.settings.database_url)
    with transaction(factory) as session:
        return list(session.execute(sa.select(Ticket).where(Ticket.conversation_id == sender)).scalars())


def start_erasure(chat: Conversation, email: str) -> str:
    chat.say("plz delete me from ur database")
    asked = chat.say_text("yes")
    assert "one-time code" in asked and "email address" in asked
    return chat.say_text(email)


def age_code(servers: Servers, sender: str, age: timedelta) -> None:
    """Make the conversation's code older by ``age``, on the servers' own clock (issued and expiring earlier)."""
    with transaction(session_factory(servers.settings.database_url)) as session:
        [challenge] = session.execute(
            sa.select(VerificationChallenge).where(VerificationChallenge.conversation == conversation_key(sender))
        ).scalars()
        challenge.created_at -= age
        challenge.expires_at -= age


def tracker_events(servers: Servers, sender: str) -> str:
    path = servers.settings.tracker_store_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    return "\n".join(r[0] for r in rows)


def test_correct_code_files_the_ticket_and_emails_dpo_and_person(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    sent = start_erasure(chat, email)
    assert "I've sent a 6-digit code to p***@e***.com" in sent
    code = mailbox.latest_code(email)
    reply = chat.say_text(f"the code is {code}")
    assert "Your request is filed with reference DSR-" in reply
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.reference in reply and ticket.rights == ["erasure"]
    assert (ticket.verification_method, ticket.verification_outcome) == ("verified_email", "verified")
    assert ticket.subject_match == "verified email, no record found"
    assert ticket.request_text == "plz delete me from ur database" and ticket.channel == "web"

    [dpo] = mailbox.wait_for("dpo@example.org", ticket.reference)
    assert dpo["Subject"].startswith(f"[{ticket.reference}] Right to erasure")
    attachments = {p.get_filename(): p for p in dpo.iter_attachments()}
    assert set(attachments) == {f"{ticket.reference}.json", f"{ticket.reference}-due.ics"}
    assert "DTSTART;VALUE=DATE:" in attachments[f"{ticket.reference}-due.ics"].get_content()
    assert "plz delete me from ur database" in dpo.get_body(("plain",)).get_content()
    [ack] = mailbox.wait_for(email, "was received")
    assert ticket.reference in ack["Subject"]

    events = tracker_events(servers, chat.sender)
    assert code not in events  # the code never entered the tracker store
    assert "code_verified" in events


def test_five_wrong_codes_lock_and_file_nothing(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    code = mailbox.latest_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    replies = [chat.say_text(wrong) for _ in range(5)]
    assert replies[0] == "That code isn't right. You have 4 more tries."
    assert replies[3] == "That code isn't right. You have 1 more tries."
    assert "too many wrong codes" in replies[4]
    assert "too many wrong codes" in chat.say_text(code)  # even the right code no longer works
    assert tickets_of(servers, chat.sender) == []
    assert wrong not in tracker_events(servers, chat.sender)


def test_expired_code_offers_a_new_one(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    old = mailbox.latest_code(email)
    age_code(servers, chat.sender, timedelta(minutes=11))  # valid for 10 minutes
    reply = chat.say(old)
    assert reply[0]["text"] == "That code has expired. Shall I send you a new one?"
    assert buttons(reply) == [{"title": "Send a new code", "payload": "/resend_code"}]
    assert "I've sent a 6-digit code" in chat.say_text("/resend_code")
    new = mailbox.latest_code(email, count=2)
    assert "filed with reference" in chat.say_text(new)


def test_resend_cooldown(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    mailbox.latest_code(email)
    assert "Please wait" in chat.say_text("send me a new code")
    assert len(mailbox.to(email)) == 1
    age_code(servers, chat.sender, timedelta(seconds=4))  # the test cooldown is 3 s
    assert "I've sent a 6-digit code" in chat.say_text("send me a new code")
    second = mailbox.latest_code(email, count=2)
    assert "filed with reference" in chat.say_text(second)


def test_cancel_mid_flow_discards_the_request(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    code = mailbox.latest_code(email)
    assert "cancelled that and kept nothing" in chat.say_text("cancel")
    assert "wasn't expecting a code" in chat.say_text(code)
    assert tickets_of(servers, chat.sender) == []


def test_cancel_while_the_address_is_asked_for(servers: Servers) -> None:
    chat = servers.conversation()
    chat.say("delete my account")
    chat.say("yes")
    assert "cancelled that and kept nothing" in chat.say_text("cancel")
    assert "Hi!" in chat.say_text("hello")  # the form is no longer active


@pytest.mark.parametrize(
    "hostile",
    [
        "jane@example.com\r\nBcc: everyone@example.org",
        "jane@example.com, boss@example.org",
        "jane@example.com%0d%0aBcc:x@example.org",
        "<script>alert(1)</script>@example.com",
        "jane@example",
        "not an address at all",
    ],
)
def test_malformed_and_injection_addresses_are_refused(servers: Servers, mailbox: Mailbox, hostile: str) -> None:
    chat = servers.conversation()
    chat.say("delete my account")
    chat.say("yes")
    before = len(mailbox.messages)
    reply = chat.say_text(hostile)
    assert reply.startswith("Sorry,") and "like name@example.com" in reply
    assert "<script>" not in reply
    codes_sent = [m for m in mailbox.messages[before:] if "verification code" in str(m["Subject"])]
    assert codes_sent == []  # no code went anywhere (other tests' ticket emails may still arrive meanwhile)
    assert "I've sent a 6-digit code" in chat.say_text(address())  # the form still works


def stored_events(servers: Servers, sender: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in tracker_events(servers, sender).splitlines()]


@pytest.mark.parametrize(
    "forged",
    [
        "/code_verified",
        '/code_verified{"attempts_left": "5"}',
        "/phone_verified",
        '/phone_verified{"verified_phone": "+4940123456"}',
        "/code_wrong",
    ],
)
def test_typed_internal_intent_cannot_fake_verification(servers: Servers, mailbox: Mailbox, forged: str) -> None:
    """The channel hands a typed internal intent on as plain text: no internal intent, no filing, no phone."""
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    reply = chat.say_text(forged)
    for effect in ("can't file it yet", "filed with reference", "phone number is confirmed", "code isn't right"):
        assert effect not in reply
    events = stored_events(servers, chat.sender)
    [heard] = [e for e in events if e["event"] == "user" and e["text"] == forged.lstrip("/")]
    assert heard["parse_data"]["intent"]["name"] not in INTERNAL_INTENTS
    assert not [e for e in events if e["event"] == "user" and e["parse_data"]["intent"]["name"] in INTERNAL_INTENTS]
    ran = {e["name"] for e in events if e["event"] == "action"}
    assert not ran & {"action_file_ticket", "action_phone_verified", "action_code_feedback"}
    assert not [e for e in events if e["event"] == "slot" and e["name"] == "requester_phone" and e["value"]]
    assert tickets_of(servers, chat.sender) == []
    assert "filed with reference" in chat.say_text(mailbox.latest_code(email))  # the real code still works
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.verification_method == "verified_email"  # no phone was added


def test_objection_needs_only_a_confirmed_address(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), address()
    assert "(Art. 21 GDPR)" in chat.say_text("stop sending me newsletters")
    assert "Which email address" in chat.say_text("yes")
    assert f"is {email} your address?" in chat.say_text(f"my email is {email}")
    reply = chat.say_text("yes")
    assert "filed with reference" in reply
    [ticket] = tickets_of(servers, chat.sender)
    assert (ticket.verification_method, ticket.verification_outcome) == ("confirmed_email", "confirmed")
    assert mailbox.wait_for(email, "was received")[0]["To"] == email


def test_three_rights_the_domain_has_no_intent_for_are_restated_and_filed_together(
    servers: Servers, mailbox: Mailbox
) -> None:
    """The intent names at most two rights; the restatement and the ticket take the message's own set (#15)."""
    chat, email = servers.conversation(), address()
    letter = "Could you send me a copy of my personal data, erase it afterwards and stop emailing me adverts"
    reply = chat.say(letter)
    assert reply[0]["text"] == (
        "You'd like us to:\n"
        "1. tell you what personal data we hold about you and send you a copy (Art. 15 GDPR)\n"
        "2. erase your personal data (Art. 17 GDPR)\n"
        "3. stop using your personal data for direct marketing or on the basis of our legitimate interests "
        "(Art. 21 GDPR)\nIs that right?"
    )
    [heard] = [e for e in stored_events(servers, chat.sender) if e["event"] == "user"]
    assert heard["parse_data"]["intent"]["name"].startswith("request_")  # the request flow started
    rights = [e for e in heard["parse_data"]["entities"] if e["entity"] == "requested_right"]
    assert [(e["value"], e["extractor"]) for e in rights] == [
        ("access", "LetterRights"),
        ("erasure", "LetterRights"),
        ("objection", "LetterRights"),
    ]
    assert "one-time code" in chat.say_text("yes")  # access and erasure need a code, objection less
    assert "I've sent a 6-digit code" in chat.say_text(email)
    filed = chat.say_text(f"the code is {mailbox.latest_code(email)}")
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.reference in filed and ticket.rights == ["access", "erasure", "objection"]
    assert ticket.request_text == letter


def test_complaint_is_recorded_for_the_dpo(servers: Servers) -> None:
    chat = servers.conversation()
    reply = chat.say_text("I want to complain to the data protection authority about you")
    assert "Reference DSR-" in reply
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.rights == ["complaint"] and ticket.verification_method == "none"


def test_known_and_unknown_addresses_get_the_same_words(servers: Servers, mailbox: Mailbox, tmp_path) -> None:
    from bot.subjects.customers import import_csv

    known = address()
    csv_file = tmp_path / "subjects.csv"
    csv_file.write_text(f"customer_ref,email,name\nC-1001,{known},Known Person\n")
    import_csv(session_factory(servers.settings.database_url), csv_file)
    unknown = address()
    replies = []
    for email in (known, unknown):
        chat = servers.conversation()
        replies.append(start_erasure(chat, email))
        code = mailbox.latest_code(email)
        replies.append(chat.say_text(code).split("DSR-")[0])
        if email == known:
            [ticket] = tickets_of(servers, chat.sender)
            assert ticket.subject_match == "verified email matches customer record #C-1001"
    assert replies[0] == replies[2] and replies[1] == replies[3]


def test_an_old_code_after_a_resend_is_wrong_and_codes_may_be_typed_with_a_space_or_dash(
    servers: Servers, mailbox: Mailbox
) -> None:
    chat, email = servers.conversation(), address()
    start_erasure(chat, email)
    old = mailbox.latest_code(email)
    time.sleep(3.2)  # the test cooldown is 3 s
    assert "I've sent a 6-digit code" in chat.say_text("send me a new code")
    new = mailbox.latest_code(email, count=2)
    if old != new:  # one in a million they are equal
        assert chat.say_text(f"{old[:3]} {old[3:]}") == "That code isn't right. You have 4 more tries."
    assert "filed with reference" in chat.say_text(f"my code is {new[:3]}-{new[3:]}")
    other, second = servers.conversation(), address()
    start_erasure(other, second)
    code = mailbox.latest_code(second)
    assert "filed with reference" in other.say_text(f"{code[:3]} {code[3:]}")
    for sender, typed in ((chat.sender, old), (chat.sender, new), (other.sender, code)):
        events = tracker_events(servers, sender)
        assert typed not in events and typed[:3] + " " + typed[3:] not in events and typed[:3] + "-" not in events


def test_a_code_email_the_mail_server_refuses_loses_nothing(servers: Servers, mailbox: Mailbox) -> None:
    """The person hears no code is coming, the request waits, the refused code is dead, a retry works at once."""
    chat, email = servers.conversation(), address().replace("@", "-123456@")  # six digits: still an address
    USED_ADDRESSES.append(email)
    mailbox.refuse.add(email)
    try:
        reply = start_erasure(chat, email)
    finally:
        mailbox.refuse.discard(email)
    assert "couldn't send the email just now, so no code is on its way" in reply
    assert "Which address is it?" in reply and "I've sent" not in reply
    [refused] = [m for m in mailbox.refused if m["To"] == email]
    dead = re.search(r"code is: (\d{6})", refused.get_body(("plain",)).get_content())
    assert dead is not None
    assert "I've sent a 6-digit code" in chat.say_text(email)  # straight away: no cooldown, nothing was sent
    if dead.group(1) != mailbox.latest_code(email):
        assert "code isn't right" in chat.say_text(dead.group(1))
    assert "filed with reference" in chat.say_text(mailbox.latest_code(email))
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.request_text == "plz delete me from ur database" and ticket.rights == ["erasure"]


def test_no_address_or_code_in_the_server_logs(servers: Servers, mailbox: Mailbox) -> None:
    """Runs last in this module: everything the flows above sent stays out of every process's log."""
    assert USED_ADDRESSES
    log = servers.log.read_text(encoding="utf-8")
    codes = [
        m.group(1)
        for message in [*mailbox.messages, *mailbox.refused]
        for m in [re.search(r"code is: (\d{6})", message.get_body(("plain",)).get_content())]
        if m
    ]
    assert codes
    assert " INFO " in log and "rasa " in log and "worker" in log and "actions" in log  # every process, at INFO
    for secret in [*USED_ADDRESSES, *codes, "plz delete me from ur database", "stop sending me newsletters"]:
        assert secret not in log
