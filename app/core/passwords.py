"""Password hashing for officer accounts: argon2id, one set of parameters for the desk and the hub.

The parameters are OWASP's first argon2id choice (46 MiB, one pass, one lane). The library's
defaults (64 MiB, three passes, four lanes) took 0.22–0.29 s per login on the target machine (two
cores), too close to the 0.3 s budget once the desk is busy; bench/login.py prints both. A hash
records its own parameters, so a stored hash made with other parameters still verifies, and
`needs_rehash` tells the desk to store a fresh one at the next good login.
"""

from __future__ import annotations

import base64
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION

from app.core.errors import ValidationError

TIME_COST, MEMORY_KIB, LANES = 1, 47_104, 1
HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=LANES, type=Type.ID)
MIN_LENGTH = 8
# What a stored hash looks like (PHC string form): anything else is refused before it is stored.
HASH_PATTERN = r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"


def check_new_password(password: str) -> str:
    """A new password: at least 8 characters, not only spaces."""
    if len(password) < MIN_LENGTH or not password.strip():
        raise ValidationError(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.", field="password")
    return password


def hash_password(password: str) -> str:
    return HASHER.hash(check_new_password(password))


def decoy_hash() -> str:
    """A well-formed hash with the current parameters, of a random salt and a random digest that no
    password is known to give: verifying against it costs exactly what verifying a real hash costs
    (the same argon2id work), and making it costs nothing — hashing a decoy password took about a
    login's time at every start of the desk (issue 14)."""
    salt, digest = (base64.b64encode(secrets.token_bytes(size)).decode().rstrip("=")
                    for size in (HASHER.salt_len, HASHER.hash_len))
    return f"$argon2id$v={ARGON2_VERSION}$m={MEMORY_KIB},t={TIME_COST},p={LANES}${salt}${digest}"


def verify_password(stored_hash: str, password: str) -> bool:
    """True when the password matches; a damaged stored hash counts as a mismatch."""
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
