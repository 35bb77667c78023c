"""The structured knowledge base: sections of a privacy notice with passages and metadata."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT

KB_FILE = PROJECT_ROOT / "policy_kb" / "notice.json"
KB_FILE_DE = PROJECT_ROOT / "policy_kb" / "notice.de.json"  # a German notice, when the operator builds one


@dataclass
class Passage:
    """A paragraph or list item, split into sentences."""

    id: str
    text: str
    sentences: list[str]


@dataclass
class Section:
    """A section as the notice shows it: its own number (None if unnumbered) and title."""

    id: str
    number: str | None
    title: str
    passages: list[Passage] = field(default_factory=list)
    parent: str | None = None
    role: str | None = None  # preamble | controller | dpo | language_versions | None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The section body."""
        return "\n".join(p.text for p in self.passages)

    @property
    def label(self) -> str:
        """How the section is cited: "section 8 'Title'" or "'Title'"."""
        if self.number:
            return f"section {self.number} '{self.title}'"
        return f"'{self.title}'"


@dataclass
class KnowledgeBase:
    """A built privacy notice."""

    source: str
    sections: list[Section]
    document: dict[str, Any] = field(default_factory=dict)
    dropped_lines: list[str] = field(default_factory=list)

    @property
    def language(self) -> str:
        """The notice's language: "en", or "de" for one built with ``--lang de``."""
        return str(self.document.get("language") or "en")

    def section(self, section_id: str) -> Section:
        """The section with ``section_id``."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def by_role(self, role: str) -> Section | None:
        """The first section with ``role``, if any."""
        return next((s for s in self.sections if s.role == role), None)

    def to_json(self) -> str:
        """Serialise (stable, human-diffable)."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    def save(self, path: Path = KB_FILE) -> None:
        """Write the KB as JSON."""
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path = KB_FILE) -> KnowledgeBase:
        """Read a KB written by :meth:`save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        sections = [Section(**{**s, "passages": [Passage(**p) for p in s["passages"]]}) for s in data["sections"]]
        return cls(
            source=data["source"],
            sections=sections,
            document=data.get("document", {}),
            dropped_lines=data.get("dropped_lines", []),
        )
