"""Password hashing with argon2id.

The default cost is argon2-cffi's (RFC 9106 low-memory profile). ``configure_hashing`` lets
the app lower it for the test suite only (``PASSWORD_HASH_COST = "test"``); it is still argon2id.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = [PasswordHasher()]


def configure_hashing(cost: str) -> None:
    """Select the hashing cost: "default", or "test" for a fast suite."""
    if cost == "test":
        _hasher[0] = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    else:
        _hasher[0] = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher[0].hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash."""
    try:
        return _hasher[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the configured ones."""
    return _hasher[0].check_needs_rehash(password_hash)


# Verified against when the username is unknown, so timing does not reveal which names exist.
DUMMY_HASH = PasswordHasher().hash("coopledger-no-such-user")
