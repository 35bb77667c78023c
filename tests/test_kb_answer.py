"""Answers from the notice: quotes, citations, offers, honest abstention."""

from __future__ import annotations

import pytest

from bot.dialogue.questions import question_buttons
from bot.kb.answer import _PARTS, answer_question, citation, confident_enough
from bot.kb.model import KnowledgeBase
from bot.kb.retrieve import Ranking, Retriever, default_retriever
from bot.text import TypoFixer, analyse, lemmas


@pytest.mark.parametrize(
    ("question", "sections"),
    [
        ("do you store my IP?", {"1", "7"}),  # server logs; comments store the IP too
        ("who is your DPO?", {"name-and-address-of-the-data-protection-officer"}),
        ("wat do u log when i visit ur site", {"1"}),
        ("does Stripe get my date of birth?", {"8"}),
        ("can I get my stuff removed?", {"16"}),
        ("is the English version legally binding?", {"language-versions"}),
        ("do you tell recipients when my data is corrected?", {"17"}),
        ("can I get a copy of my data for free?", {"13"}),
    ],
)
def test_questions_from_the_issue_reach_their_section(question: str, sections: set[str]) -> None:
    answer = answer_question(question)
    assert answer.section is not None and answer.section.id in sections


def test_answer_quotes_the_notice_verbatim_and_cites() -> None:
    answer = answer_question("does Stripe get my date of birth?")
    notice = default_retriever().kb.section("8").text
    assert answer.quotes and all(q in notice for q in answer.quotes)
    assert 1 <= len(answer.quotes) <= 4
    assert answer.text.endswith("— Privacy notice, section 8 'Data processing for payment process'")


def test_citation_of_unnumbered_section() -> None:
    kb = KnowledgeBase.load()
    assert citation(kb.section("name-and-address-of-the-data-protection-officer")) == (
        "— Privacy notice, 'Name and address of the Data Protection Officer'"
    )


def test_dpo_answer_gives_the_contact() -> None:
    answer = answer_question("how can I reach your data protection officer?")
    assert "Thilo Noack" in answer.text and "Datenschutz[at]aiconix.ai" in answer.text


def test_rights_section_offers_the_matching_request() -> None:
    answer = answer_question("what is the right to be forgotten?")
    assert question_buttons(answer) == [{"title": "Request deletion of your data", "payload": "/request_erasure"}]
    notification = answer_question("do you tell recipients when my data is corrected?")
    assert question_buttons(notification)[0]["payload"] == "/request_notification"


@pytest.mark.parametrize(
    "question",
    ["do you use TikTok pixels?", "what's your refund policy?", "", "?!?", "do you share data with Microsoft?"],
)
def test_not_covered_means_honest_abstention(question: str) -> None:
    answer = answer_question(question)
    assert answer.abstained and answer.section is None
    assert "doesn't seem to cover that" in answer.text
    assert "Datenschutz@aiconix.ai" in answer.text
    assert len(answer.buttons) == 8


def test_huge_and_hostile_input_is_handled() -> None:
    answer = answer_question("what cookies do you use? <script>alert(1)</script> " * 2000)
    assert answer.section is None or answer.section.id == "2"
    assert "<script>" not in answer.text


def test_to_dict_has_the_documented_fields() -> None:
    data = answer_question("can I switch off cookies?").to_dict()
    assert {"question", "answer", "confidence", "section", "alternatives"} <= set(data)
    assert data["section"]["number"] == "2" and data["section"]["title"] == "Use of cookies"
    assert all({"number", "title", "score"} <= set(a) for a in data["alternatives"])


def test_text_processing_pieces() -> None:
    assert lemmas("what's the company's address? don't") == ["what", "the", "company", "address", "do", "not"]
    assert "#right_erasure" in analyse("please erase it")
    assert "#right_erasure" in analyse("cancellation")
    assert TypoFixer(["cookie", "payment"]).fix("paymnet") == "payment"
    assert TypoFixer(["cookie"]).fix("zzzzzz") == "zzzzzz"


def test_retriever_without_example_questions_still_answers() -> None:
    plain = Retriever(KnowledgeBase.load(), examples={})
    ranking = plain.search("who processes my credit card payment?")
    assert ranking.hits[0].section.id == "8"


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("what do you store about this chat?", "what-this-chat-stores"),
        ("how long do you keep this conversation?", "how-long-the-chat-is-kept"),
        ("who can read my chat messages?", "who-can-see-the-chat"),
        ("does the chatbot log what I type", "logs-of-the-assistant"),
    ],
)
def test_questions_about_this_chat_are_answered_from_the_assistants_statement(question: str, section: str) -> None:
    answer = answer_question(question)
    assert answer.section is not None and answer.section.id == section
    assert "— Privacy statement of this assistant, '" in answer.text
    assert all(quote in answer.section.text for quote in answer.quotes)  # quoted, not rewritten


def test_questions_about_the_company_still_go_to_the_notice() -> None:
    assert "— Privacy notice, section 1" in answer_question("do you store my IP address when I visit the site?").text


def test_assistant_statement_is_up_to_date_with_its_source() -> None:
    from bot.kb.build import build
    from bot.kb.chat_privacy import STATEMENT_FILE, STATEMENT_SOURCE

    built = build(STATEMENT_SOURCE)
    assert STATEMENT_FILE.read_text(encoding="utf-8") == built.to_json(), (
        f"run: privacybot kb build {STATEMENT_SOURCE} --out {STATEMENT_FILE}"
    )


def test_concept_words_count_for_coverage_unless_their_tag_was_matched() -> None:
    retriever = default_retriever()
    preamble = [s.id for s in retriever.kb.sections].index("data-protection-notice")
    # "privacy", "policy" and "change" belong to a concept phrase the question does not contain:
    # they are the question's own evidence, found in the preamble.
    terms = analyse("Can the privacy policy change later?", retriever.fixer)
    assert not any(t.startswith("#") for t in terms)
    assert retriever.coverage(terms, preamble) >= 0.5
    # with the phrase matched, its #concept tag stands for the words instead of counting them twice
    tagged = analyse("we reserve the right to change the privacy policy", retriever.fixer)
    assert "#policy_change" in tagged and retriever.coverage(tagged, preamble) == 1.0


def test_full_word_coverage_without_any_similar_meaning_abstains() -> None:
    ranking = Ranking(hits=(), confidence=1.0, terms=("open", "hour"), similarity=0.2)
    assert not confident_enough(ranking)
    assert confident_enough(Ranking(hits=(), confidence=1.0, terms=("open", "hour"), similarity=None))
    assert confident_enough(Ranking(hits=(), confidence=0.15, terms=("delete",), similarity=0.7))
    assert not confident_enough(Ranking(hits=(), confidence=0.0, terms=(), similarity=0.7))
    assert confident_enough(Ranking(hits=(), confidence=0.0, terms=(), similarity=0.9))  # meaning alone


def test_question_of_stop_words_only_is_still_ranked_by_meaning() -> None:
    retriever = default_retriever()
    question = "can I do it without telling you who I am?"
    assert analyse(question, retriever.fixer) == []
    ranking = retriever.search(question)
    assert ranking.hits and ranking.confidence == 0.0 and ranking.similarity is not None
    assert Retriever(retriever.kb, examples={}, semantic=False).search(question).hits == ()


def test_a_question_in_two_parts_quotes_and_cites_a_section_for_each() -> None:
    found = answer_question("what do you keep from my blog comments, and what from my messages via the contact form?")
    assert [s.id for s in found.cited] == ["7", "6"] and found.section is not None and found.section.id == "7"
    assert "section 7 'Comments'" in found.text and "section 6 'Email and contact-form'" in found.text
    assert not found.abstained


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("who gets my data, where is it stored?", ["who gets my data", "where is it stored?"]),
        ("was speichert ihr und wie lange?", ["was speichert ihr", "wie lange?"]),
        ("do you keep the files, which I uploaded last year?", ["do you keep the files, which I uploaded last year?"]),
        (
            "Wozu dienen die Angaben, die ich im Formular mache?",
            ["Wozu dienen die Angaben, die ich im Formular mache?"],
        ),
        ("Ich möchte wissen, ob ihr meine IP speichert", ["Ich möchte wissen, ob ihr meine IP speichert"]),
    ],
)
def test_a_relative_or_subordinate_clause_is_not_another_question(question: str, parts: list[str]) -> None:
    assert _PARTS.split(question) == parts


def test_a_question_in_one_part_cites_only_its_section() -> None:
    found = answer_question("how long do you keep what I send through the contact form?")
    assert found.section is not None and found.section.id == "6" and found.cited == []
