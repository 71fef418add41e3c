"""Checking a copy of a publication: an uploaded PDF or a typed short code, and the chain.

A PDF matches when its SHA-256 is that of a published version and that version's stored hash
still recomputes from its previous hash, frozen contents, PDF and ledger head; anything else
(an edited, truncated or foreign file) does not match. A short code names one publication.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from coopledger.disclosure import rules
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.extensions import db
from coopledger.orgs.models import Organisation


@dataclass(frozen=True)
class Verdict:
    """What a check found: the publication it is, or nothing."""

    disclosure: Disclosure | None
    intact: bool

    @property
    def matches(self) -> bool:
        """An unaltered published version."""
        return self.disclosure is not None and self.intact


def pdf_path(storage: Path, disclosure: Disclosure) -> Path:
    """Where a publication's PDF is kept."""
    return storage / "disclosures" / f"{disclosure.pdf_sha256}.pdf"


def _intact(disclosure: Disclosure, pdf: bytes) -> bool:
    assert disclosure.frozen is not None
    return rules.publication_hash(disclosure.previous_hash or rules.GENESIS,
                                  disclosure.frozen.encode("utf-8"), pdf,
                                  disclosure.ledger_head or rules.GENESIS) == disclosure.hash


def verify_pdf(content: bytes) -> Verdict:
    """Whether ``content`` is exactly a published PDF (and which)."""
    digest = hashlib.sha256(content).hexdigest()
    found = db.session.scalar(sa.select(Disclosure).where(
        Disclosure.pdf_sha256 == digest, Disclosure.state == DisclosureState.PUBLISHED))
    if found is None:
        return Verdict(None, intact=False)
    return Verdict(found, intact=_intact(found, content))


def verify_code(code: str, storage: Path) -> Verdict:
    """The publication a short code names, checked against its stored PDF."""
    cleaned = code.strip().upper().replace(" ", "").replace("-", "")
    found = db.session.scalar(sa.select(Disclosure).where(
        Disclosure.short_code == cleaned, Disclosure.state == DisclosureState.PUBLISHED))
    if found is None:
        return Verdict(None, intact=False)
    path = pdf_path(storage, found)
    return Verdict(found, intact=path.is_file() and _intact(found, path.read_bytes()))


def published(org: Organisation) -> list[Disclosure]:
    """The organisation's publications in the order they were chained."""
    return list(db.session.scalars(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.PUBLISHED)
        .order_by(Disclosure.published_at, Disclosure.id)))


def broken_link(org: Organisation, storage: Path) -> Disclosure | None:
    """The first publication whose link in the chain does not hold, or None."""
    chain = published(org)
    links = []
    for item in chain:
        path = pdf_path(storage, item)
        links.append((item.previous_hash or "", item.hash or "", (item.frozen or "").encode(),
                      path.read_bytes() if path.is_file() else b"", item.ledger_head or ""))
    index = rules.verify_chain(links)
    return None if index is None else chain[index]
