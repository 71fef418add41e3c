"""Checking a copy of a publication: an uploaded PDF or a typed short code, and the chain.

A PDF matches when its SHA-256 is that of a published notice (A4, A3 or the full notice) and
that version's stored hash still recomputes from its previous hash, frozen contents, both board
notices and ledger head; anything else (an edited, truncated or foreign file) does not match.
A short code names one publication.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from coopledger.db import begin_writing
from coopledger.disclosure import rules
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.stores import Store
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


def notice_key(disclosure: Disclosure, size: str = "a4") -> str:
    """The key a publication's A4 (or A3) notice is kept under."""
    digest = disclosure.a3_sha256 if size == "a3" else disclosure.pdf_sha256
    return f"disclosures/{digest}.pdf"


def notices(storage: Store, disclosure: Disclosure) -> bytes:
    """Both stored notices, A4 then A3, as the hash covers them (empty if one is missing)."""
    kept = [storage.get(notice_key(disclosure, size)) for size in ("a4", "a3")]
    if any(content is None for content in kept):
        return b""
    return b"".join(content or b"" for content in kept)


def _intact(disclosure: Disclosure, storage: Store) -> bool:
    """The publication and every one before it, from the genesis, still check out."""
    return broken_through(disclosure, storage) is None


def verify_pdf(content: bytes, storage: Store) -> Verdict:
    """Whether ``content`` is exactly a published notice, A4 or A3 (and which publication)."""
    digest = hashlib.sha256(content).hexdigest()
    found = db.session.scalar(sa.select(Disclosure).where(
        sa.or_(Disclosure.pdf_sha256 == digest, Disclosure.a3_sha256 == digest),
        Disclosure.state == DisclosureState.PUBLISHED))
    if found is not None:
        return Verdict(found, intact=_intact(found, storage))
    return _verify_full(digest, storage)


def _verify_full(digest: str, storage: Store) -> Verdict:
    """A full notice (``notice.full_notice``): kept under its publication's hash and its own
    digest; it matches when that file still has that digest and the publication is intact."""
    for key in storage.keys("disclosures/full-"):
        if not key.endswith(f"-{digest}.pdf"):
            continue
        publication_hash = key.removeprefix("disclosures/full-").removesuffix(f"-{digest}.pdf")
        found = db.session.scalar(sa.select(Disclosure).where(
            Disclosure.hash == publication_hash, Disclosure.state == DisclosureState.PUBLISHED))
        if found is not None:
            kept = hashlib.sha256(storage.get(key) or b"").hexdigest() == digest
            return Verdict(found, intact=kept and _intact(found, storage))
    return Verdict(None, intact=False)


def verify_code(code: str, storage: Store) -> Verdict:
    """The publication a short code names, checked against its stored notices."""
    cleaned = code.strip().upper().replace(" ", "").replace("-", "")
    found = db.session.scalar(sa.select(Disclosure).where(
        Disclosure.short_code == cleaned, Disclosure.state == DisclosureState.PUBLISHED))
    if found is None:
        return Verdict(None, intact=False)
    return Verdict(found, intact=_intact(found, storage))


def correction_of(disclosure: Disclosure) -> Disclosure | None:
    """The published version that corrects ``disclosure`` (it is superseded), or None."""
    return db.session.scalars(sa.select(Disclosure).where(
        Disclosure.corrects_id == disclosure.id,
        Disclosure.state == DisclosureState.PUBLISHED).order_by(Disclosure.version)).first()


def published(org: Organisation) -> list[Disclosure]:
    """The organisation's publications in the order they were chained."""
    return list(db.session.scalars(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.PUBLISHED)
        .order_by(Disclosure.published_at, Disclosure.id)))


def broken_link(org: Organisation, storage: Store) -> Disclosure | None:
    """The first publication whose link in the chain does not hold, or None."""
    return _first_broken(published(org), storage)


def broken_through(disclosure: Disclosure, storage: Store) -> Disclosure | None:
    """The first publication, from the organisation's genesis up to and including
    ``disclosure``, whose link does not hold (its stored contents, notices or hash were
    changed, or a link is missing), or None: what a page checks before it shows a
    publication's frozen contents, and what /verify checks before it says a copy matches."""
    chain = published(disclosure.organisation)
    if disclosure not in chain:
        return disclosure
    return _first_broken(chain[:chain.index(disclosure) + 1], storage)


def _first_broken(chain: list[Disclosure], storage: Store) -> Disclosure | None:
    links = [(item.previous_hash or "", item.hash or "", (item.frozen or "").encode(),
              notices(storage, item), item.ledger_head or "") for item in chain]
    index = rules.verify_chain(links)
    for item in chain[:len(chain) if index is None else index]:
        if item.short_code != rules.code_of(item.previous_hash or rules.GENESIS,
                                            (item.frozen or "").encode(),
                                            item.ledger_head or rules.GENESIS):
            return item     # the snapshot no longer yields the code printed on its notice
    return None if index is None else chain[index]


def chain_problems(org: Organisation) -> list[str]:
    """Book check (``ledger.bookfile.BOOK_CHECKS``): the organisation's publications still chain
    from the genesis — every stored snapshot, notice and hash as published. A failed check is
    a red item on the township dashboard (the ledger check rule)."""

    broken = broken_link(org, store())
    return [] if broken is None else [_broken_sentence(broken)]


def _broken_sentence(broken: Disclosure) -> str:
    return (f"publication {broken.period_key} v{broken.version} ({broken.short_code}): its "
            "stored contents, notices or hash no longer match what was published")


def raise_alarm(broken: Disclosure) -> None:
    """A reader (the public page, /verify) found a publication whose chain no longer holds:
    keep it as a failed check of the organisation's books, so that the township dashboard
    shows it red (the ledger-check rule) at once instead of after the next verify-ledger.
    Once per broken publication: a second reader adds nothing while the last check of the
    organisation is that failure. One of the few GET requests that write (``begin_writing``);
    the caller commits."""
    from coopledger.ledger.bookfile import Verification, record_check
    from coopledger.ledger.models import LedgerCheck

    sentence = _broken_sentence(broken)
    begin_writing(db.session)
    last = db.session.scalars(sa.select(LedgerCheck).where(
        LedgerCheck.organisation_id == broken.organisation_id)
        .order_by(LedgerCheck.checked_at.desc(), LedgerCheck.id.desc()).limit(1)).first()
    if last is not None and not last.ok and sentence in last.summary:
        return
    record_check(broken.organisation, Verification(chain_errors=[sentence]))


def anchor_problems(org: Organisation) -> list[str]:
    """Book check (``ledger.bookfile.BOOK_CHECKS``): every publication recorded the voucher
    chain's head it covers; that head must still be a link of the chain as it is now. A
    consistent rewrite of a posted voucher, with every later hash recomputed, keeps the chain
    intact but loses the old heads: the first publication whose anchor is gone is named."""
    from coopledger.ledger.models import Voucher, VoucherState

    heads = set(db.session.scalars(sa.select(Voucher.chain_hash).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)))
    for disclosure in published(org):
        if disclosure.ledger_head and disclosure.ledger_head != rules.GENESIS \
                and disclosure.ledger_head not in heads:
            return [f"publication {disclosure.period_key} v{disclosure.version} "
                    f"({disclosure.short_code}) recorded the ledger head "
                    f"{disclosure.ledger_head[:12]}…, which is no longer in the voucher chain: "
                    "posted vouchers were changed after it was published"]
    return []
