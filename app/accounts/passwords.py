"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.core.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 200


@lru_cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_rules(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_LENGTH} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password must have at most {MAX_LENGTH} characters", field=field)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache
def _decoy_hash() -> str:
    return hash_password("not a password of anyone")


def spend_verification_time(password: str) -> None:
    """As long as checking a real password: an unknown address must not answer faster than a known one."""
    verify_password(_decoy_hash(), password)
