"""Email address validation: syntax only, and nothing that could smuggle extra headers."""

from __future__ import annotations

import re

MAX_LENGTH = 254
# A practical subset of RFC 5321/5322: dot-atom local part, a domain with a dot and letters at the end.
ADDRESS_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
LOCALHOST_RE = re.compile(r"^[A-Za-z0-9._%+-]+@localhost$")


PROBLEMS = {
    "control": "an email address cannot contain line breaks or control characters",
    "too_long": "that email address is too long",
    "one": "please give exactly one email address",
    "spaces": "please give exactly one email address, without spaces",
    "syntax": "that doesn't look like an email address (name@example.com)",
}


class InvalidAddress(ValueError):
    """Not an email address we accept; the message says why, without echoing the input.

    ``problem`` is the key of the reason in ``PROBLEMS`` (the chat words it in the person's language).
    """

    def __init__(self, problem: str):
        super().__init__(PROBLEMS[problem])
        self.problem = problem


def normalise_address(value: str, allow_localhost: bool = True) -> str:
    """The address with its domain lower-cased; InvalidAddress for anything else."""
    if any(ch in value for ch in "\r\n\0"):
        raise InvalidAddress("control")
    address = value.strip()
    if len(address) > MAX_LENGTH:
        raise InvalidAddress("too_long")
    if any(ch.isspace() or ord(ch) < 32 for ch in address) or "," in address or ";" in address:
        raise InvalidAddress("spaces")
    if not (ADDRESS_RE.match(address) or (allow_localhost and LOCALHOST_RE.match(address))):
        raise InvalidAddress("syntax")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


LEAD_IN_RE = re.compile(
    r"^(?:(?:my|the)\s+)?(?:e-?mail(?:\s+address)?|address)\s*(?:is|:)?\s+|^(?:it'?s|it is|use|here(?: it is)?:?)\s+"
    # German: "meine E-Mail-Adresse ist …", "Adresse: …", "sie lautet …", "das ist …", "hier: …"
    r"|^(?:(?:meine|die)\s+)?(?:e-?mail(?:-?adresse)?|mailadresse|adresse)\s*(?:ist|lautet|:)?\s+"
    r"|^(?:sie|die|es|das)\s+(?:ist|lautet)\s+|^(?:hier|bitte)(?:\s+ist\s+sie)?:?\s+",
    re.I,
)


def extract_address(text: str) -> str:
    """The one email address a chat reply gives ("my email is jane@example.com."), or InvalidAddress."""
    if any(ch in text for ch in "\r\n\0"):
        raise InvalidAddress("control")
    candidate = LEAD_IN_RE.sub("", text.strip()).strip().rstrip(".!")
    if candidate.count("@") > 1 or len(re.findall(r"\S+@\S+", candidate)) > 1:
        raise InvalidAddress("one")
    if "@" not in candidate:
        raise InvalidAddress("syntax")
    return normalise_address(candidate, allow_localhost=False)
