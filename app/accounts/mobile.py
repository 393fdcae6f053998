"""Indian mobile numbers in one form (E.164, ``+91`` and ten digits starting 6–9)."""


def e164(raw) -> str | None:
    """``9876543210``, ``+91 98765-43210``, ``09876543210`` → ``+919876543210``; None if not a mobile."""
    if not isinstance(raw, str):
        return None
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.strip().startswith("+"):
        if not digits.startswith("91"):
            return None
        digits = digits[2:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "6789":
        return None
    return "+91" + digits


def spellings(number: str) -> list[str]:
    """How an E.164 Indian number may have been written on a form (``+91…``, ``91…``, 10 digits, ``0…``):
    the values an indexed ``applicant_mobile IN (…)`` looks for."""
    digits = number.lstrip("+")
    return [number, digits, digits[-10:], "0" + digits[-10:]]
