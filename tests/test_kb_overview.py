"""Overview answers and silence detection: broad questions get a cited list, silent topics an honest answer."""

from __future__ import annotations

import re
import time

import pytest

from bot.devtools.kb_eval import EvalQuestion, Reply, evaluate, overview_correct
from bot.dialogue.questions import question_buttons
from bot.kb.answer import answer_question
from bot.kb.model import KnowledgeBase, Passage, Section
from bot.kb.overview import (
    COLLECT,
    COOKIES,
    PURPOSES,
    RECIPIENTS,
    RETENTION,
    RIGHTS,
    TRANSFERS,
    overview,
    overview_topic,
)
from bot.kb.silence import SilenceDetector, load_topics, silent_topic

CITED_SECTION = re.compile(r"— sections? [\w.]+|— section \d+")


def test_what_data_do_you_collect_gets_an_overview_citing_several_sections() -> None:
    answer = answer_question("What data do you collect about me?")
    cited = {s.id for s in answer.cited}
    assert {"1", "2", "6", "7", "8"} <= cited
    assert not answer.abstained and answer.section is None
    items = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert len(items) >= 3 and all(CITED_SECTION.search(line) for line in items)  # each item cited
    assert "IP address" in answer.text and "payment details" in answer.text
    assert "Right to information" not in answer.text  # not the item of the access list the issue quotes


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what do you collect?", COLLECT),
        ("are you storing anything about me?", COLLECT),
        ("does this site collect personal information", COLLECT),
        ("who gets my data?", RECIPIENTS),
        ("do you give my info to 3rd parties", RECIPIENTS),
        ("what are my rights?", RIGHTS),
        ("what choices do i have about my data", RIGHTS),
        ("how long do you keep my data?", RETENTION),
        ("what do you use my data for?", PURPOSES),
        ("is my data sent to the USA?", TRANSFERS),
    ],
)
def test_broad_questions_are_recognised(question: str, topic: str) -> None:
    assert overview_topic(question) == topic


@pytest.mark.parametrize(
    "question",
    [
        "what data do you collect in the server log files?",  # names a processing: retrieval answers it
        "who gets my billing data",
        "how long are cookies stored?",
        "who do I send my question to?",  # the person's own step, not recipients
        "can I find out who received my data?",  # the right to be told, section 13/17
        "what is the right to be forgotten?",
        "wat do u log when i visit ur site",
        "why do you need my ip adress",
        "can I learn whether my data went to a third country?",
    ],
)
def test_specific_questions_are_left_to_retrieval(question: str) -> None:
    assert overview_topic(question) is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("hey, which info are you folks gathering from me while I browse?", COLLECT),
        ("Which information do you hold about me?", COLLECT),  # "which" + data: not recipients
        ("are you saving my personal details?", COLLECT),
        ("could you give me an overview of what you record?", COLLECT),
        ("what sort of cookies end up on my computer?", COOKIES),
        ("is any tracking or analytics happening here?", COOKIES),
        ("which external services and plugins are built into the site?", RECIPIENTS),
        ("what social media things are hooked into the site?", RECIPIENTS),
        ("are my details passed on?", RECIPIENTS),
        ("what could I ask you for concerning my data?", RIGHTS),
        ("what rights do I have here, data-protection-wise?", RIGHTS),
        ("how long do you hang on to everything?", RETENTION),
        ("what are you doing with all my data?", PURPOSES),
        ("how do you handle my information?", PURPOSES),
        ("is my data moved to the US?", TRANSFERS),
    ],
)
def test_broad_questions_in_other_words_are_recognised(question: str, topic: str) -> None:
    assert overview_topic(question) == topic


@pytest.mark.parametrize(
    "question",
    [
        "who owns this site and who runs it?",  # the controller, not recipients
        "do I have to give you my email?",  # an obligation (section 24), not what is collected
        "where do you keep my data?",  # a place, not a list
        "do you keep data in the US?",  # storing there: the notice is silent
        "what cookies does the comment form set?",
        "are cookies stored for a long time?",
        "do third-party providers know what I read?",
        "what can I do if you refuse my request?",
        "do you share my data with LinkedIn?",
    ],
)
def test_neighbours_of_broad_questions_are_left_alone(question: str) -> None:
    assert overview_topic(question) is None


def test_cookies_overview_lists_our_cookies_first_then_the_embedded_services() -> None:
    answer = answer_question("which cookies do you set?")
    cited = [s.id for s in answer.cited]
    assert cited[0] == "2" and {"3.A", "3.B", "3.C", "3.D", "4", "5"} <= set(cited)
    assert "6" not in cited and "8" not in cited  # e-mail and payment set no cookies
    items = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert items[0] == "• Use of cookies — section 2" and any("YouTube LLC" in line for line in items)


def test_the_company_named_by_its_own_name_still_gets_the_overview() -> None:
    assert overview_topic("what does aiconix collect?") is None  # an unknown word: something specific
    assert {"1", "2", "8"} <= {s.id for s in answer_question("what does aiconix collect?").cited}


def test_recipients_overview_names_the_companies_first_each_cited() -> None:
    answer = answer_question("who gets my data?")
    assert [s.id for s in answer.cited][:2] == ["3", "3.A"]
    assert "Stripe Payments Europe Ltd — section 8 'Data processing for payment process'" in answer.text
    assert "law enforcement authorities" in answer.text
    assert "GitHub" not in answer.text  # the publisher of the share-button solution receives nothing


def test_rights_overview_lists_every_right_section_with_its_article() -> None:
    answer = answer_question("what are my rights?")
    assert [s.metadata["right"] for s in answer.cited][:2] == ["access", "rectification"]
    assert len(answer.cited) == 10 and "(Art. 17 GDPR) — section 16 'Right of cancellation'" in answer.text


def test_asking_what_is_held_about_me_also_points_to_the_right_of_access() -> None:
    answer = answer_question("what data do you have about me?")
    assert answer.cited[0].id == "13" and len(answer.cited) > 3
    assert question_buttons(answer) == [{"title": "Request a copy of your data", "payload": "/request_access"}]


def test_retention_overview_quotes_the_general_rule_first() -> None:
    answer = answer_question("how long do you keep my data?")
    assert answer.cited[0].id == "12" and {"1", "2", "6"} <= {s.id for s in answer.cited}
    notice = KnowledgeBase.load()
    quotes = re.findall(r"“(.+?)”", answer.text)
    assert quotes and all(any(q in s.text for s in notice.sections) for q in quotes)  # verbatim


def test_purposes_and_transfers_quote_each_section_verbatim() -> None:
    notice = KnowledgeBase.load()
    purposes = answer_question("why do you collect my data?")
    assert {"1", "2", "6", "7", "8"} <= {s.id for s in purposes.cited}
    transfers = answer_question("do you transfer my data outside the EU?")
    assert {s.id for s in transfers.cited} == {"3", "3.A", "3.B", "3.C", "4"}  # XING is in Hamburg
    for answer in (purposes, transfers):
        quotes = re.findall(r"“(.+?)”", answer.text)
        assert len(quotes) == len(answer.cited) and all(any(q in s.text for s in notice.sections) for q in quotes)


def test_a_notice_without_metadata_gives_no_overview() -> None:
    bare = KnowledgeBase("x", [Section("1", "1", "Cookies", [Passage("p", "We use cookies.", ["We use cookies."])])])
    assert overview("what do you collect?", bare) is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("do you sell my data?", "selling"),
        ("do you track my location?", "location"),
        ("are calls to your hotline recorded?", "recording"),
        ("have you ever had a data breach?", "breaches"),
        ("what permissions does your app need?", "app"),
        ("do you collect data from kids?", "children"),
    ],
)
def test_silent_topics_get_the_honest_not_covered_answer(question: str, topic: str) -> None:
    found = silent_topic(question, KnowledgeBase.load())
    assert found is not None and found.id == topic
    answer = answer_question(question)
    assert answer.abstained and answer.section is None and not answer.quotes and not answer.cited
    assert answer.text.startswith(f"Our privacy notice does not mention {found.label}.")
    assert "Datenschutz@aiconix.ai" in answer.text and "Privacy notice, section" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "is my info safe with you?",  # section 9
        "what happens if you get hacked",
        "is there a risk my data could leak?",
        "in which city is the company located?",
        "do you record which browser I use?",
        "who processes my credit card payment?",
    ],
)
def test_neighbouring_topics_the_notice_covers_are_not_silent(question: str) -> None:
    assert silent_topic(question, KnowledgeBase.load()) is None


def test_a_topic_the_notice_does_cover_is_answered_from_it() -> None:
    selling = next(t for t in load_topics() if t.id == "selling")
    kb = KnowledgeBase("x", [Section("1", "1", "Sale", [Passage("p", "We never sell data.", ["We never sell data."])])])
    assert SilenceDetector(kb, [selling]).topic("do you sell my data?") is None
    assert SilenceDetector(KnowledgeBase.load(), [selling]).topic("do you sell my data?") is selling


def test_overview_correctness_needs_enough_right_citations() -> None:
    expected = ("1", "2", "6", "7", "8")
    assert overview_correct(Reply(["1", "2", "6", "3", "4"], False, overview=True), expected)
    assert not overview_correct(Reply(["1", "2", "3", "4", "5", "9", "10"], False, overview=True), expected)
    assert not overview_correct(Reply(["1", "2", "6"], False), expected)  # one section's answer


def test_evaluation_scores_kinds_and_overviews() -> None:
    questions = [
        EvalQuestion("What data do you collect about me?", ("1", "2", "6", "7", "8"), "overview"),
        EvalQuestion("do you sell my data?", (), "silent"),
        EvalQuestion("who processes my credit card payment?", ("8",), "plain"),
    ]
    from bot.devtools.kb_eval import shipped_system

    result = evaluate(shipped_system(), questions)
    assert result["top1"] == 1.0 and result["abstention_on_unanswerable"] == 1.0
    assert result["overview_correct"] == 1.0 and set(result["by_kind"]) == {"overview", "silent", "plain"}
    assert result["by_kind"]["silent"]["abstention_on_unanswerable"] == 1.0 and not result["misses"]


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "?!",
        "\x00\x1b[31m what do you collect \u202e",
        "what do you collect? " * 5000,
        "a" * 100_000 + " sell",
    ],
)
def test_odd_and_oversized_questions_get_an_answer_without_error(question: str) -> None:
    started = time.perf_counter()
    answer = answer_question(question)
    assert isinstance(answer.text, str) and answer.text
    assert time.perf_counter() - started < 5  # no runaway pattern on hostile input (the answer reads 1,000 chars)


def test_asking_whom_to_contact_names_the_officer_and_the_controller() -> None:
    answer = answer_question("whom could I write to about my personal data?")
    assert [s.role for s in answer.cited] == ["dpo", "controller"]
    assert "Datenschutz@aiconix.ai" in answer.text
    assert overview_topic("how do I reach your data protection officer?") is None  # one of them, named
