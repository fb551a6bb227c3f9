"""Password hashing: the standard library's scrypt, salted, compared in constant time.

Stored as `scrypt$<n>$<r>$<p>$<salt>$<hash>` (base64), so the cost can rise
later without invalidating old hashes. n=2**14, r=8 costs ~16 MiB and tens of
milliseconds per check: cheap for one login, expensive for a guesser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
COST_N, BLOCK_R, PARALLEL_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_LENGTH, MAX_LENGTH = 10, 256


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(password, salt, COST_N, BLOCK_R, PARALLEL_P)
    encode = base64.b64encode
    return f"{SCHEME}${COST_N}${BLOCK_R}${PARALLEL_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Verified against when the username is unknown or the account cannot log in,
# so every failed login costs the same work.
# The hash of a random password nobody kept; made once, so no login pays to make it.
_DUMMY_HASH = "scrypt$16384$8$1$cHJw/gYOqCAI+L6XdA6Q8w==$uQ9VycYPQ7fhnwRmX8au0wCA0FrJbnEiRh9Jy2dYucA="


def burn_equal_time(password: str) -> None:
    verify_password(password, _DUMMY_HASH)


def hash_secret_code(code: str) -> str:
    """Signup codes are random and long, so a plain SHA-256 suffices (no offline guessing)."""
    return hashlib.sha256(code.encode()).hexdigest()


def codes_match(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret_code(code), stored_hash)
