"""Application Identification Numbers.

Shape: ``<DEPT><SVC>-<YEAR>-<SERIAL>-<C>``, e.g. ``HHA012-2026-0000042-7``: the department and
service codes, the year of submission, a 7-digit serial per service and year, and a check
character (ISO 7064 MOD 37-2, a pure system: weights 2^k mod 37) that catches any single mistyped
character and any swap of two neighbours (the hybrid MOD 37,36 misses some swaps — measured).
MOD 37-2 needs a 37th check symbol, ``*``; serials whose check would be ``*`` are skipped, so every
AIN stays within 0-9 A-Z. AINs are unique, not gap-free (UINs are the gap-free ones). Lookups
ignore case and hyphens.
"""
import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPE = re.compile(r"^([A-Z]{3}\d{3})(\d{4})(\d{7})([0-9A-Z])$")


def check_character(body: str) -> str | None:
    """ISO 7064 MOD 37-2 check character for ``body`` (0-9, A-Z); ``None`` where it would be ``*``."""
    p = 0
    for ch in body:
        p = ((p + ALPHABET.index(ch)) * 2) % 37
    value = (1 - p) % 37
    return ALPHABET[value] if value < 36 else None


def make(dept_code: str, service_code: str, year: int, serial: int) -> str | None:
    """The AIN for this serial, or ``None`` when the serial must be skipped (check would be ``*``)."""
    body = f"{dept_code}{service_code}{year:04d}{serial:07d}"
    check = check_character(body)
    return f"{dept_code}{service_code}-{year:04d}-{serial:07d}-{check}" if check else None


def normalise(raw: str) -> str | None:
    """The canonical AIN for user input, or ``None`` when it is not AIN-shaped or its check fails."""
    compact = re.sub(r"[\s-]", "", raw or "").upper()
    match = _SHAPE.match(compact)
    if not match:
        return None
    prefix, year, serial, check = match.groups()
    if check_character(prefix + year + serial) != check:
        return None
    return f"{prefix}-{year}-{serial}-{check}"


def looks_like_ain(raw: str) -> bool:
    return bool(_SHAPE.match(re.sub(r"[\s-]", "", raw or "").upper()))
