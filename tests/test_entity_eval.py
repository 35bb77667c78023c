"""The entity check of `privacybot eval nlu`: its set loads, and (entity, value) pairs are scored per type."""

from bot.devtools.nlu_eval import entity_report, load_entities, score_entities


def test_entity_set_loads_with_texts_as_strings() -> None:
    items = load_entities()
    assert len(items) >= 30
    assert all(isinstance(text, str) and text for text, _ in items)
    assert {kind for _, gold in items for kind, _ in gold} >= {"data_category", "email", "code", "name", "date"}


def test_pairs_are_scored_per_entity_type() -> None:
    items = [
        ("delete my IP", frozenset({("data_category", "ip_address")})),
        ("I am Ada Lovelace", frozenset({("name", "Ada Lovelace")})),
        ("hello", frozenset()),
    ]
    found = {
        "delete my IP": [{"entity": "data_category", "value": "ip_address"}],
        "I am Ada Lovelace": [{"entity": "name", "value": "Ada"}],
        "hello": [],
    }
    result = score_entities(lambda text: found[text], items)
    assert result["per_entity"] == {"data_category": (1, 1, 0), "name": (0, 1, 1)}
    assert (result["precision"], result["recall"], result["f1"]) == (0.5, 0.5, 0.5)
    assert "name 0/1 (+1 wrong)" in entity_report(result)
