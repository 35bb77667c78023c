"""Answering over REST with the real Rasa and action servers: overview answers and honest silence (#15)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Servers

pytestmark = pytest.mark.servers


def test_what_data_do_you_collect_gets_an_overview_citing_three_sections(servers: Servers) -> None:
    text = servers.conversation().say_text("What data do you collect about me?")
    cited = set(re.findall(r"— sections? ([\d.A-Z]+(?:, [\d.A-Z]+)*)", text))
    sections = {n for group in cited for n in group.split(", ")}
    assert len(sections) >= 3, text
    assert "IP address" in text and "section 8" in text
    assert "if the personal data are not collected from the data subject" not in text


def test_a_topic_the_notice_does_not_mention_gets_the_honest_not_covered_answer(servers: Servers) -> None:
    text = servers.conversation().say_text("do you track my location?")
    assert "Our privacy notice does not mention tracking your location." in text
    assert "Datenschutz@aiconix.ai" in text
    assert "— Privacy notice, section" not in text  # no neighbouring section quoted as if it answered
