"""Build the structured knowledge base from a privacy notice in plain text, Markdown or HTML.

Sections keep the notice's own numbering ("1" … "24", "3.A" …) and titles; unnumbered sections (the
preamble, controller and DPO contacts) get a slug id and a role. Page chrome ("Skip to content") is
dropped and recorded, URLs broken by spaces are repaired, a heading fused with its first sentence is
split, and a closing remark on which language version is binding becomes its own section. A German notice
(``language="de"``) is read the same way, with German words for the roles and the binding-version remark.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from bot.kb.metadata import EMAIL_RE, URL_RE, section_metadata
from bot.kb.model import KnowledgeBase, Passage, Section

CHROME = {
    "skip to content", "skip to main content", "back to top", "print", "menu", "cookie settings",
    "accept all", "close", "share", "home",
}  # fmt: skip
NUMBERED_RE = re.compile(r"^(\d{1,2})\.?\s+(\S.*)$")
LETTERED_RE = re.compile(r"^([A-Z])[.)]\s+(\S.*)$")
FUSED_SPLIT_RE = re.compile(r"\s(?=(?:The|We|Our|You|This|These)\s)")
LANGUAGE_NOTE_RE = re.compile(
    r"\b(legally binding|shall prevail|prevails|takes precedence|rechtsverbindlich|ma(ß|ss)geblich)\b.*"
    r"|.*\b(version|fassung)\b.*\b(binding|verbindlich)\b|\bverbindlich\b.*\bfassung\b",
    re.I,
)
ABBREVIATIONS = (
    "art", "para", "lit", "no", "nr", "e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "dr", "mr",
    "mrs", "ms", "st", "vs", "approx", "cf", "sec", "abs", "z.b", "u.a", "ggf", "bzw",
)  # fmt: skip
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])")


@dataclass
class Block:
    """A unit of the source: heading (explicit), paragraph or list item."""

    kind: str  # heading | para | item
    text: str


# ---------------------------------------------------------------- reading the source formats


def read_blocks(path: Path) -> list[Block]:
    """Blocks of a notice file, by its suffix (.txt, .md/.markdown, .html/.htm)."""
    raw = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"}:
        return html_blocks(raw)
    if suffix in {".md", ".markdown"}:
        return markdown_blocks(raw)
    return text_blocks(raw)


def text_blocks(raw: str) -> list[Block]:
    """Plain text: paragraphs separated by blank lines; indented numbered lines are list items."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(ln[:1].isspace() for ln in lines):
            blocks.extend(Block("item", ln.strip()) for ln in lines)
        else:
            blocks.append(Block("para", "\n".join(ln.strip() for ln in lines)))
    return blocks


def markdown_blocks(raw: str) -> list[Block]:
    """Markdown: '#' lines are headings, '-', '*' and '1.' lines are list items."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", "\n".join(para)))
            para.clear()

    for line in raw.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            blocks.append(Block("heading", _unmark(stripped.lstrip("#").strip())))
        elif re.match(r"^([-*+]|\d+[.)])\s+", stripped):
            flush()
            blocks.append(Block("item", _unmark(re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped))))
        else:
            para.append(_unmark(stripped))
    flush()
    return blocks


def _unmark(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)


class _HTMLBlocks(HTMLParser):
    BLOCK: ClassVar[set[str]] = {
        "p",
        "div",
        "section",
        "article",
        "br",
        "tr",
        "table",
        "address",
        "blockquote",
    }
    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "header", "footer", "noscript", "button", "form"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.kind = "para"
        self.buf: list[str] = []
        self.skip = 0

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.blocks.append(Block(self.kind, text))
        self.buf = []
        self.kind = "para"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.kind = "heading"
        elif tag == "li":
            self.flush()
            self.kind = "item"
        elif tag in self.BLOCK:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag == "li" or tag in self.BLOCK:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)


def html_blocks(raw: str) -> list[Block]:
    """HTML: h1–h6 are headings, li items, p/div paragraphs; nav, header, footer, scripts skipped."""
    parser = _HTMLBlocks()
    parser.feed(raw)
    parser.close()
    parser.flush()
    return parser.blocks


# ---------------------------------------------------------------- repairs


def repair_urls(text: str) -> str:
    """Join URLs that the source broke with a space ("facebook.com/set tings?tab=ads")."""

    def fix(match: re.Match[str]) -> str:
        url, rest = match.group(1), match.group(2)
        while rest:
            nxt = re.match(r" ([a-z0-9][^\s]*)", rest)
            if not nxt:
                break
            token = nxt.group(1)
            tail_open = (url[-1] in "/?=&-." and not url.endswith(("/.", "."))) or url.endswith("?")
            looks_url = bool(re.search(r"[/?=&]|\.[a-z]{2,4}\b", token))
            if not (tail_open or looks_url) or url[-1] in ",;":
                break
            url += token
            rest = rest[len(nxt.group(0)) :]
        return url + rest

    return re.sub(r"(https?://\S+)((?: [a-z0-9][^\s]*)*)", fix, text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; abbreviations such as 'Art.', 'para.', 'e.g.' do not end one."""
    out: list[str] = []
    for line in text.split("\n"):
        start = 0
        for m in SENTENCE_END_RE.finditer(line):
            before = line[start : m.start()].rstrip("\"”')]")
            last = re.findall(r"([A-Za-z.]+)\.$", before)
            if last and (last[0].lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", last[0])):
                continue
            out.append(line[start : m.start()].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return [s for s in out if s]


# ---------------------------------------------------------------- headings


def _is_title_like(text: str, max_words: int = 12) -> bool:
    words = text.split()
    return (
        0 < len(words) <= max_words
        and text[:1].isupper()
        and text[-1] not in ".,;:?!"
        and not URL_RE.search(text)
        and not EMAIL_RE.search(text)
    )


def _split_fused(text: str) -> tuple[str, str] | None:
    """'Name and address of the DPO The DPO is:' -> ('Name and address of the DPO', 'The DPO is:')."""
    if "\n" in text or len(text.split()) > 30:
        return None
    for m in FUSED_SPLIT_RE.finditer(text):
        head, body = text[: m.start()].strip(), text[m.end() :].strip()
        capitals = sum(1 for w in head.split() if w[:1].isupper())
        if _is_title_like(head, 10) and capitals >= 3 and body[-1:] in ".:":
            return head, body
    return None


@dataclass
class _Heading:
    number: str | None
    title: str
    lettered: bool = False


def _heading(block: Block, expected_number: int, expected_letter: str | None, is_last: bool) -> _Heading | None:
    text = block.text.strip()
    if block.kind == "item" or "\n" in text:
        return None
    explicit = block.kind == "heading"
    m = NUMBERED_RE.match(text)
    if m and int(m.group(1)) == expected_number and text[-1] not in ".,;" and len(text) < 300:
        return _Heading(m.group(1), m.group(2).strip())
    m = LETTERED_RE.match(text)
    if m and expected_letter and m.group(1) == expected_letter and text[-1] not in ".,;":
        return _Heading(m.group(1), m.group(2).strip(), lettered=True)
    if explicit:
        return _Heading(None, text)
    if not is_last and _is_title_like(text):
        return _Heading(None, text)
    return None


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "section"


def _role(title: str, index: int) -> str | None:
    low = title.lower()
    if re.search(r"data protection officer|privacy officer|\bdpo\b|datenschutzbeauftragte", low):
        return "dpo"
    if re.search(
        r"person responsible|responsible person|\bcontroller\b|responsible party|who we are|verantwortliche", low
    ):
        return "controller"
    return "preamble" if index == 0 else None


# ---------------------------------------------------------------- metadata


# ---------------------------------------------------------------- assembling sections


def build(path: Path, language: str = "en") -> KnowledgeBase:
    """Parse a notice file (in ``language``: "en" or "de") into a knowledge base."""
    kept, dropped, language_note = _without_chrome([Block(b.kind, repair_urls(b.text)) for b in read_blocks(path)])

    sections: list[Section] = []
    pending: list[_Heading] = []
    current: Section | None = None
    next_number, last_number = 1, None
    next_letter: str | None = None
    for i, block in enumerate(kept):
        is_last = i == len(kept) - 1
        head = _heading(block, next_number, next_letter, is_last)
        body_text = block.text
        if head is None and block.kind == "para":
            fused = _split_fused(block.text)
            if fused:
                head, body_text = _Heading(None, fused[0]), fused[1]
        if head is not None and body_text is block.text:
            if head.number is None and pending and pending[-1].number is None:
                dropped.append(pending.pop().title)  # page chrome before the real title
            pending.append(head)
            if head.number and not head.lettered:
                last_number, next_number, next_letter = head.number, int(head.number) + 1, "A"
            elif head.lettered and next_letter:
                next_letter = chr(ord(next_letter) + 1)
            continue
        if head is not None:
            pending.append(head)
        for h in pending:
            current = _new_section(h, last_number, sections)
        pending = []
        if current is None:
            current = _new_section(_Heading(None, "Introduction"), None, sections)
        _append(current, block.kind, body_text)
    for h in pending:
        _new_section(h, last_number, sections)
    if language_note is not None:
        note = _new_section(
            _Heading(None, "Sprachfassungen" if language == "de" else "Language versions"), None, sections
        )
        note.role = "language_versions"
        _append(note, "para", language_note.text)

    title_counts = Counter(s.title.lower() for s in sections)
    for index, section in enumerate(sections):
        if section.role is None:
            section.role = _role(section.title, index) if section.number is None else None
        section.metadata = section_metadata(section, title_counts[section.title.lower()] == 1, language)
    document = {
        "title": next((s.title for s in sections if s.role == "preamble"), None),
        "binding_language_note": language_note.text if language_note else None,
        "section_count": len(sections),
        "language": language,
    }
    return KnowledgeBase(source=path.name, sections=sections, document=document, dropped_lines=dropped)


def _without_chrome(blocks: list[Block]) -> tuple[list[Block], list[str], Block | None]:
    """The notice's blocks without page chrome; the chrome dropped; the closing language note, if any."""
    dropped = [b.text.strip() for b in blocks if b.text.strip().lower() in CHROME]
    kept = [b for b in blocks if b.text.strip().lower() not in CHROME]
    if kept and LANGUAGE_NOTE_RE.search(kept[-1].text) and re.search(r"version|fassung", kept[-1].text, re.I):
        return kept[:-1], dropped, kept[-1]
    return kept, dropped, None


def _new_section(head: _Heading, last_number: str | None, sections: list[Section]) -> Section:
    if head.lettered and last_number:
        number: str | None = f"{last_number}.{head.number}"
        parent: str | None = last_number
    else:
        number, parent = head.number, None
    sid = number or _slug(head.title)
    taken = {s.id for s in sections}
    base, n = sid, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    section = Section(id=sid, number=number, title=head.title, parent=parent)
    sections.append(section)
    return section


def _append(section: Section, kind: str, text: str) -> None:
    text = text.strip()
    first_line = text.split("\n", 1)[0].strip()
    if section.passages and section.passages[-1].sentences[-1:] == [first_line]:
        text = text.split("\n", 1)[1].strip() if "\n" in text else ""  # duplicated fused sentence
        if not text:
            return
    if kind != "item" and "\n" in text:
        lines = [ln.strip() for ln in text.split("\n")]
        text = "\n".join(lines) if max(len(ln) for ln in lines) < 80 else " ".join(lines)
    pid = f"{section.id}.p{len(section.passages) + 1}"
    section.passages.append(Passage(id=pid, text=text, sentences=split_sentences(text)))
