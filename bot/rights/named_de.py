"""The rights a German text talks about, by German word stems (the English ones are in policy_kb/vocabulary.yml).

A stem matches inside compounds and inflections ("Löschung", "gelöscht", "Datenlöschung", "Löschantrag"); a
German question about a right is thereby named in ``question_about`` as an English one is.
"""

from __future__ import annotations

import re

# Right id -> stems (regular expressions, case-insensitive), in the contract's order (bot/data/rights.yml).
STEMS_DE: dict[str, tuple[str, ...]] = {
    "access": (r"auskunft", r"auskünfte", r"einsicht", r"welche\s+daten\b", r"kopie\s+(?:meiner|aller|der)\b"),
    "rectification": (r"berichtig", r"korrigier", r"korrektur", r"richtigstell", r"unrichtig", r"aktualisier"),
    "erasure": (r"lösch", r"vergessen\s*werden", r"entfern"),
    "restriction": (r"einschränk", r"sperrung", r"sperren\b"),
    "notification": (r"unterrichtung", r"empfänger"),
    "portability": (r"übertragbarkeit", r"datenübertragung", r"maschinenlesbar", r"portabilität", r"datenexport"),
    "objection": (r"widerspruch", r"widersprech", r"widersprich", r"abbestell"),
    "withdraw_consent": (r"widerruf", r"einwilligung", r"zustimmung\s+zurück", r"einverständnis"),
    "automated_decision": (r"automatisierte", r"automatische\s+entscheidung", r"profiling", r"scoring"),
    "complaint": (r"beschwer", r"aufsichtsbehörde", r"datenschutzbehörde", r"landesdatenschutzbeauftragt"),
}
_PATTERNS = {right: re.compile("|".join(stems), re.I) for right, stems in STEMS_DE.items()}


def rights_named_de(text: str) -> list[str]:
    """The rights ``text`` names in German, in the order it names them."""
    found = [(m.start(), right) for right, pattern in _PATTERNS.items() if (m := pattern.search(text))]
    return [right for _, right in sorted(found)]
