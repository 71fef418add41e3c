"""Migration files are named date_time_revision_slug, so a directory listing is the chain's
order (issue 22): each file's down_revision is the file listed before it."""

from __future__ import annotations

import re

from coopledger import paths


def test_the_listing_is_the_chain() -> None:
    files = sorted((paths.MIGRATIONS_DIR / "versions").glob("*.py"))
    previous = None
    for path in files:
        assert re.fullmatch(r"\d{8}_\d{4}_[0-9a-f]{12}_\w+\.py", path.name), path.name
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = '([0-9a-f]+)'", text, re.M)
        down = re.search(r"^down_revision = (None|'([0-9a-f]+)')", text, re.M)
        assert revision is not None
        assert down is not None
        assert down.group(2) == previous, path.name
        assert path.name.split("_")[2] == revision.group(1)
        previous = revision.group(1)
