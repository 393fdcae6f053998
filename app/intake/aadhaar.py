"""Optional Aadhaar: Verhoeff-checked, stored only as the last four digits plus a keyed hash."""
import hashlib
import hmac
import re

_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
      [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
      [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
      [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_valid(number: str) -> bool:
    check = 0
    for i, digit in enumerate(reversed(number)):
        check = _D[check][_P[i % 8][int(digit)]]
    return check == 0


def normalise(raw: str) -> str | None:
    """Twelve digits (spaces and hyphens removed) if it is a valid Aadhaar number, else ``None``."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"[2-9]\d{11}", digits) or not verhoeff_valid(digits):
        return None
    return digits


def protect(number: str, secret: str) -> tuple[str, str]:
    """``(masked, keyed_hash)``: ``XXXX-XXXX-1234`` and an HMAC-SHA256 of the full number."""
    masked = f"XXXX-XXXX-{number[-4:]}"
    digest = hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()
    return masked, digest
