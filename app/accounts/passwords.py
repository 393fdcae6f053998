"""Password hashing with Argon2id (argon2-cffi)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("pravah-timing-equaliser")


def configure(time_cost: int, memory_cost_kib: int) -> None:
    """Set the Argon2 cost (lowered only by the testing config; verification reads cost from each hash)."""
    global _hasher, _DUMMY_HASH
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_cost_kib):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)
        _DUMMY_HASH = _hasher.hash("pravah-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
