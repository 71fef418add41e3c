"""Files the app keeps beside its rows: the store (a folder or the database, ``store``) and
the scans kept in it (``scans``: checked by content, kept once by SHA-256, served intact)."""

from coopledger.files.stores import (
    CHUNK,
    DatabaseStore,
    FolderStore,
    Store,
    scratch_dir,
    send_kept,
    store,
)

__all__ = ["CHUNK", "DatabaseStore", "FolderStore", "Store", "scratch_dir", "send_kept", "store"]
