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


#: Characters people type for one another: in a digit position, and for the check character.
_AS_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1"})
_AS_LETTER = str.maketrans({"0": "O", "1": "I"})
_CONFUSABLE = {"O": "0", "0": "O", "I": "1", "1": "I"}


def _compact(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").upper()


def _read_alike(compact: str) -> str:
    """Letters typed in digit positions (and digits in the three-letter prefix) read as what they
    look like."""
    if len(compact) != 18:
        return compact
    return compact[:3].translate(_AS_LETTER) + compact[3:17].translate(_AS_DIGIT) + compact[17]


def normalise(raw: str) -> str | None:
    """The canonical AIN for user input, or ``None`` when it is not AIN-shaped or its check fails."""
    match = _SHAPE.match(_compact(raw))
    if not match:
        return None
    prefix, year, serial, check = match.groups()
    if check_character(prefix + year + serial) != check:
        return None
    return f"{prefix}-{year}-{serial}-{check}"


def look_alike(raw: str) -> str | None:
    """The AIN ``raw`` would be read with look-alikes corrected (``O`` typed in a digit position,
    ``0`` typed for a check character ``O``, ``1`` for ``I`` and back), when that passes the check.
    Not a proof by itself (a typo elsewhere could pass too): callers accept it only for an AIN that
    exists."""
    if normalise(raw):
        return None
    match = _SHAPE.match(_read_alike(_compact(raw)))
    if not match:
        return None
    prefix, year, serial, check = match.groups()
    expected = check_character(prefix + year + serial)
    if expected and (expected == check or expected == _CONFUSABLE.get(check)):
        return f"{prefix}-{year}-{serial}-{expected}"
    return None


def looks_like_ain(raw: str) -> bool:
    return bool(_SHAPE.match(_read_alike(_compact(raw))))
