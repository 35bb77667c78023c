"""Checks on a file the DPO sends to the person: a plain name, a known type that matches its content, a size limit."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

# The types a response to an access or portability request comes in, by extension.
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
}
_NAME_RE = re.compile(r"^[\w][\w .()+-]{0,150}$")


class UploadRefused(ValueError):
    """The file cannot be sent; the message says why."""


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser gave and the bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks."""

    filename: str
    content_type: str
    content: bytes


def check_upload(upload: Upload, limit_bytes: int) -> CheckedUpload:
    """The file with a safe name and its content type; UploadRefused naming the problem otherwise."""
    name = upload.filename or ""
    if "/" in name or "\\" in name or ".." in name or any(ord(ch) < 32 for ch in name):
        raise UploadRefused("the file name must be a plain name, without a folder or '..'")
    if not _NAME_RE.fullmatch(name):
        raise UploadRefused("the file name may have letters, digits, spaces and . ( ) + - _ only (at most 150)")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise UploadRefused(f"files of this type are not accepted; use {', '.join(t[1:] for t in ALLOWED_TYPES)}")
    if not upload.content:
        raise UploadRefused("the file is empty")
    if len(upload.content) > limit_bytes:
        raise UploadRefused(f"the file is larger than the limit of {limit_bytes // (1024 * 1024)} MB")
    if not _content_matches(suffix, upload.content):
        raise UploadRefused(f"the file's content is not {suffix[1:].upper()}: its type does not match its name")
    return CheckedUpload(name, ALLOWED_TYPES[suffix], upload.content)


def _content_matches(suffix: str, content: bytes) -> bool:
    if suffix == ".pdf":
        return content.startswith(b"%PDF-")
    if suffix == ".zip":
        return content[:4] in (b"PK\x03\x04", b"PK\x05\x06")
    if b"\0" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError:
            return False
    if suffix == ".xml":
        return text.lstrip().startswith("<")
    return True
