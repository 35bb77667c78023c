"""Load benchmark of the running assistant over the REST channel (`make bench`)."""

TARGETS = ("embedded", "production-1", "production-2", "rasa-init")
