"""The controller's known data subjects: importing them (DPO only), matching a verified address to one."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.addresses import InvalidAddress, normalise_address
from bot.db.sessions import SessionFactory, transaction
from bot.subjects.models import DataSubject

REQUIRED = ("customer_ref", "email")


@dataclass
class ImportReport:
    """Counts, and the line numbers of refused rows (without their content)."""

    added: int = 0
    updated: int = 0
    refused: list[int] = field(default_factory=list)


def import_csv(factory: SessionFactory, path: Path) -> ImportReport:
    """Upsert rows ``customer_ref,email[,name]`` by customer reference."""
    report = ImportReport()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"the CSV needs the columns {', '.join(REQUIRED)} (missing: {', '.join(missing)})")
        rows = list(reader)
    with transaction(factory) as session:
        for line, row in enumerate(rows, start=2):
            ref = (row.get("customer_ref") or "").strip()[:64]
            try:
                email = normalise_address(row.get("email") or "").lower()
            except InvalidAddress:
                report.refused.append(line)
                continue
            if not ref:
                report.refused.append(line)
                continue
            existing = session.execute(select(DataSubject).where(DataSubject.customer_ref == ref)).scalar_one_or_none()
            clash = session.execute(select(DataSubject).where(DataSubject.email == email)).scalar_one_or_none()
            if clash is not None and clash is not existing:
                report.refused.append(line)
                continue
            if existing is None:
                session.add(DataSubject(customer_ref=ref, email=email, name=(row.get("name") or None)))
                report.added += 1
            else:
                existing.email, existing.name = email, row.get("name") or existing.name
                report.updated += 1
            session.flush()
    return report


def subject_match(factory: SessionFactory, email: str, method: str) -> str:
    """What the DPO is told about the address and the controller's records (never the person)."""
    with transaction(factory) as session:
        record = session.execute(select(DataSubject).where(DataSubject.email == email.lower())).scalar_one_or_none()
    label = method.replace("_", " ")
    if record is None:
        return f"{label}, no record found"
    return f"{label} matches customer record #{record.customer_ref}"
