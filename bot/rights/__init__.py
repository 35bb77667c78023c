"""The data-subject rights: the catalogue (ids, articles, what verification each needs) and triage of a text."""
