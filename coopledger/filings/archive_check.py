"""Checking a yearly archive offline, pure: every file the manifest lists is there with its
SHA-256 and size, nothing else is there, and the seal is SHA-256 of the ledger chain head and
the manifest (``archive``). Reads a ZIP from bytes; no database, no network."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

MANIFEST = "manifest.json"
SEAL = "SEAL"


def seal_of(ledger_head: str, manifest: bytes) -> str:
    """The archive's seal: SHA-256 over the ledger head and the manifest's SHA-256."""
    digest = hashlib.sha256(manifest).hexdigest()
    return hashlib.sha256(f"{ledger_head}\n{digest}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What checking an archive found."""

    organisation: str
    year: int
    ledger_head: str
    seal: str
    files: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the archive is intact."""
        return not self.problems


def verify(data: bytes) -> Verdict:
    """Check an archive's bytes; every problem is a sentence naming the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        manifest_bytes = archive.read(MANIFEST)
        seal = archive.read(SEAL).decode("ascii").strip()
        manifest = json.loads(manifest_bytes)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError) as err:
        return Verdict("", 0, "", "", 0, (f"not a coopledger archive: {err}",))
    problems = []
    head = str(manifest.get("ledger_head", ""))
    if seal_of(head, manifest_bytes) != seal:
        problems.append("the seal does not match the manifest and the ledger head")
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    for path, entry in sorted(listed.items()):
        if path not in names:
            problems.append(f"missing: {path}")
            continue
        try:
            content = archive.read(path)
        except (zipfile.BadZipFile, OSError) as err:   # a damaged member fails its CRC
            problems.append(f"unreadable: {path} ({err})")
            continue
        if hashlib.sha256(content).hexdigest() != entry["sha256"] \
                or len(content) != entry["bytes"]:
            problems.append(f"changed: {path}")
    for extra in sorted(names - set(listed) - {MANIFEST, SEAL}):
        problems.append(f"not in the manifest: {extra}")
    return Verdict(str(manifest.get("organisation", "")), int(manifest.get("year", 0)), head,
                   seal, len(listed), tuple(problems))
