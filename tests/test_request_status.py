"""'How is my request going?' and 'withdraw my request' in the chat, against the real assistant."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from bot.db.sessions import session_factory, transaction
from bot.notify.models import OutboxEmail
from bot.tickets.models import Ticket
from tests.conftest import Conversation, Mailbox, Servers

pytestmark = pytest.mark.servers


def file_erasure(servers: Servers, mailbox: Mailbox) -> tuple[Conversation, str, str]:
    """A request filed in the chat: the conversation, the address, the reference."""
    chat, email = servers.conversation(), f"status-{uuid.uuid4().hex[:10]}@example.com"
    chat.say("plz delete me from ur database")
    chat.say_text("yes")
    chat.say_text(email)
    reply = chat.say_text(mailbox.latest_code(email))
    found = re.search(r"DSR-\d{4}-\d{6}", reply)
    assert found, reply
    return chat, email, found.group(0)


def ticket(servers: Servers, reference: str) -> Ticket:
    with transaction(session_factory(servers.settings.database_url)) as session:
        return session.execute(sa.select(Ticket).where(Ticket.reference == reference)).scalar_one()


def outbox_kinds(servers: Servers, reference: str) -> list[str]:
    with transaction(session_factory(servers.settings.database_url)) as session:
        found = session.execute(sa.select(Ticket.id).where(Ticket.reference == reference)).scalar_one()
        return list(session.execute(sa.select(OutboxEmail.kind).where(OutboxEmail.ticket_id == found)).scalars())


def short_reference(reference: str) -> str:
    """'DSR-2026-000012' as a person might type it: 'dsr-2026-12'."""
    year, number = reference.split("-")[1:]
    return f"dsr-{year}-{int(number)}"


def test_status_with_the_right_code_in_another_conversation(servers: Servers, mailbox: Mailbox) -> None:
    _, email, reference = file_erasure(servers, mailbox)
    other = servers.conversation()
    asked = other.say_text(f"what is the status of {short_reference(reference)}?")
    assert f"I've sent a 6-digit code to the email address on request {reference}" in asked
    answer = other.say_text(mailbox.latest_code(email, count=2))
    assert f"Your request {reference} (Right to erasure" in answer and "is open" in answer
    assert "You will hear from us by" in answer
    assert mailbox.latest_code(email, count=2) not in str(other.replies)  # the code never reached the assistant


def test_the_conversation_that_filed_it_and_just_proved_the_address_gets_the_answer_at_once(
    servers: Servers, mailbox: Mailbox
) -> None:
    chat, email, reference = file_erasure(servers, mailbox)
    answer = chat.say_text("how is my request going?")
    assert f"Your request {reference}" in answer and "is open" in answer
    assert len(mailbox.wait_for(email, "verification code")) == 1  # no second code


def test_a_wrong_or_unknown_reference_gets_the_same_answers_until_the_code(servers: Servers, mailbox: Mailbox) -> None:
    _, email, reference = file_erasure(servers, mailbox)
    real, unknown = servers.conversation(), servers.conversation()
    made_up = f"DSR-{reference.split('-')[1]}-999999"
    real_reply = real.say_text(f"what is the status of {reference}?")
    unknown_reply = unknown.say_text(f"what is the status of {made_up}?")
    assert unknown_reply.replace(made_up, reference) == real_reply
    code = mailbox.latest_code(email, count=2)
    wrong = "000000" if code != "000000" else "111111"
    assert real.say_text(wrong) == unknown.say_text(wrong) == "That code isn't right. You have 4 more tries."
    assert unknown.say_text(code).startswith("That code isn't right")  # someone else's code opens nothing
    assert "is open" in real.say_text(code)


def test_withdrawal_is_confirmed_then_done_and_the_dpo_told(servers: Servers, mailbox: Mailbox) -> None:
    _, email, reference = file_erasure(servers, mailbox)
    chat = servers.conversation()
    asked = chat.say_text(f"please withdraw request {reference}")
    assert "I've sent a 6-digit code" in asked
    code = mailbox.latest_code(email, count=2)
    assert chat.say_text("123 000" if code != "123000" else "123 001").startswith("That code isn't right")
    assert ticket(servers, reference).status == "open"
    question = chat.say_text(code)
    assert f"Do you want to withdraw your request {reference}?" in question
    done = chat.say_text("yes")
    assert f"your request {reference} is withdrawn" in done
    assert ticket(servers, reference).status == "withdrawn"
    assert {"answer_withdrawn", "dpo_withdrawn"} <= set(outbox_kinds(servers, reference))
    assert mailbox.wait_for(email, f"{reference} was withdrawn")
    assert mailbox.wait_for(servers.settings.dpo_email, f"[{reference}] withdrawn by the person")


def test_no_keeps_the_request(servers: Servers, mailbox: Mailbox) -> None:
    chat, _, reference = file_erasure(servers, mailbox)
    assert f"withdraw your request {reference}?" in chat.say_text("I want to withdraw my request")
    assert "stays as it is" in chat.say_text("no")
    assert ticket(servers, reference).status == "open"
