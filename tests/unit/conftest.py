"""Unit tests build model objects without an app: every table is imported first, so that the
mappers can resolve relationships named by string (``Contract.resources`` → resource_models)
whatever order the tests run in."""

from __future__ import annotations

import coopledger.models  # noqa: F401 - registers every domain's tables
