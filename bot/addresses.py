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


class InvalidAddress(ValueError):
    """Not an email address we accept; the message says why, without echoing the input."""


def normalise_address(value: str, allow_localhost: bool = True) -> str:
    """The address with its domain lower-cased; InvalidAddress for anything else."""
    if any(ch in value for ch in "\r\n\0"):
        raise InvalidAddress("an email address cannot contain line breaks or control characters")
    address = value.strip()
    if len(address) > MAX_LENGTH:
        raise InvalidAddress("that email address is too long")
    if any(ch.isspace() or ord(ch) < 32 for ch in address) or "," in address or ";" in address:
        raise InvalidAddress("please give exactly one email address, without spaces")
    if not (ADDRESS_RE.match(address) or (allow_localhost and LOCALHOST_RE.match(address))):
        raise InvalidAddress("that doesn't look like an email address (name@example.com)")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


LEAD_IN_RE = re.compile(
    r"^(?:(?:my|the)\s+)?(?:e-?mail(?:\s+address)?|address)\s*(?:is|:)?\s+|^(?:it'?s|it is|use|here(?: it is)?:?)\s+",
    re.I,
)


def extract_address(text: str) -> str:
    """The one email address a chat reply gives ("my email is jane@example.com."), or InvalidAddress."""
    if any(ch in text for ch in "\r\n\0"):
        raise InvalidAddress("an email address cannot contain line breaks or control characters")
    candidate = LEAD_IN_RE.sub("", text.strip()).strip().rstrip(".!")
    if candidate.count("@") > 1 or len(re.findall(r"\S+@\S+", candidate)) > 1:
        raise InvalidAddress("please give exactly one email address")
    if "@" not in candidate:
        raise InvalidAddress("that doesn't look like an email address (name@example.com)")
    return normalise_address(candidate, allow_localhost=False)
