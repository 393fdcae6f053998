"""Language of a page (user's choice, then the session, then the browser), Bengali digits and dates."""
import re
from datetime import datetime, timedelta, timezone

from flask import current_app, request, session
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from ..accounts.operations import MIN_PASSWORD_CHARS, PASSWORD_TOO_SHORT

LANGUAGES = ("en", "bn")
_BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
#: Dates on pages are shown in Indian Standard Time.
IST = timezone(timedelta(hours=5, minutes=30))


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or "en"


def lang() -> str:
    return str(get_locale() or "en")


def digits(value) -> str:
    """Numbers in the reader's script: Bengali digits on Bengali pages."""
    if value is None:
        return ""
    text = str(value)
    return text.translate(_BN_DIGITS) if lang() == "bn" else text


def when(value: datetime | None, with_time: bool = True) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(IST)
    months_bn = ("জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই", "আগস্ট", "সেপ্টেম্বর",
                 "অক্টোবর", "নভেম্বর", "ডিসেম্বর")
    if lang() == "bn":
        text = f"{local.day} {months_bn[local.month - 1]} {local.year}"
    else:
        text = local.strftime("%d %b %Y").lstrip("0")
    if with_time:
        text += local.strftime(", %H:%M")
    return digits(text)


def pick(obj, attr: str = "name") -> str:
    """``obj.<attr>_bn`` on Bengali pages when there is one, else ``obj.<attr>``; works on dicts too."""
    get = obj.get if isinstance(obj, dict) else lambda k, d=None: getattr(obj, k, d)
    if lang() == "bn" and get(f"{attr}_bn"):
        return get(f"{attr}_bn")
    return get(attr) or ""


def title(schema_part: dict) -> str:
    """A form field's (or action's) title in the page language."""
    return pick(schema_part, "title")


def enum_title(prop: dict, value) -> str:
    titles = prop.get("x-enum-titles-bn" if lang() == "bn" else "x-enum-titles") or prop.get("x-enum-titles") or {}
    return titles.get(value, str(value))


_PATTERNS = (
    (re.compile(r"^must be at least (\d+) characters$"), lambda m: _("must be at least %(n)s characters", n=digits(m[1]))),
    (re.compile(r"^must be at most (\d+) characters$"), lambda m: _("must be at most %(n)s characters", n=digits(m[1]))),
    (re.compile(r"^must be at least (\S+)$"), lambda m: _("must be at least %(n)s", n=digits(m[1]))),
    (re.compile(r"^must be at most (\S+)$"), lambda m: _("must be at most %(n)s", n=digits(m[1]))),
    (re.compile(r"^must have at least (\d+) entries$"), lambda m: _("must have at least %(n)s entries", n=digits(m[1]))),
    (re.compile(r"^must have at most (\d+) entries$"), lambda m: _("must have at most %(n)s entries", n=digits(m[1]))),
    (re.compile(r"^required document missing: (.+)$"), lambda m: _("this document is required")),
    (re.compile(r"^must be a ([A-Z_]+) of the same district$"),
     lambda m: _("must be a %(role)s of the same district", role=m[1])),
    (re.compile(r"^a delegation lasts at most (\d+) days$"),
     lambda m: _("a delegation lasts at most %(n)s days", n=digits(m[1]))),
)


def field_message(message: str) -> str:
    """The operations' field messages (English) in the page language."""
    fixed = {
        "is required": _("is required"),
        "is not in the expected format": _("is not in the expected format"),
        "must be a valid date": _("must be a valid date"),
        "must be a whole number": _("must be a whole number"),
        "must be text": _("must be text"),
        "must be a number": _("must be a number"),
        "must be yes or no": _("must be yes or no"),
        "must be a list": _("must be a list"),
        "is not a field of this form": _("is not a field of this form"),
        "must be a 10-digit Indian mobile number": _("must be a 10-digit Indian mobile number"),
        "is not a valid Aadhaar number": _("is not a valid Aadhaar number"),
        "must be an email address": _("must be an email address"),
        "is required (2–200 characters)": _("is required (2–200 characters)"),
        "must be the LGD code of a Gram Panchayat or ward": _("choose the Gram Panchayat or ward"),
        "no such document in your uploads": _("upload this document again"),
        "must be a whole number from 1 to 5": _("choose a rating from 1 to 5"),
        "too large": _("the file is too large (at most %(n)s MB)",
                       n=digits(current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024))),
        "together too large": _("the files together are too large (at most %(n)s MB for one application); "
                                "choose smaller files or scans",
                                n=digits(current_app.config["MAX_APPLICATION_UPLOAD_BYTES"] // (1024 * 1024))),
        "not a PDF, JPEG or PNG file": _("only PDF, JPEG or PNG files are accepted"),
        "is empty": _("the file is empty"),
        "is required (at most 2000 characters)": _("is required (at most 2000 characters)"),
        "too long": _("is too long (at most 2000 characters)"),
        "must be a date YYYY-MM-DD": _("must be a valid date"),
        "must be the username of an active officer": _("must be the username of an active officer"),
        "must be another officer": _("must be another officer"),
        "must be on or after starts_on": _("must be on or after the first day"),
        "is in the past": _("is in the past"),
        "has no officer posting to delegate": _("has no officer posting to delegate"),
        "contains active content (JavaScript, launch actions or embedded files)":
            _("PDFs with JavaScript, launch actions or attached files are not accepted"),
        "cannot be read as PDF": _("this PDF cannot be read; save or print it again as PDF"),
        "daily upload limit reached": _("you have reached today's upload limit; please try again tomorrow"),
        "is not your current password": _("is not your current password"),
        PASSWORD_TOO_SHORT: _("must be at least %(n)s characters", n=digits(MIN_PASSWORD_CHARS)),
        "must differ from the current password": _("must differ from the current password"),
        "does not match the new password": _("does not match the new password"),
    }
    if message in fixed:
        return fixed[message]
    if message.startswith("must not contain"):
        return _("must not contain control or direction-changing characters")
    if message.startswith("must be one of"):
        return _("choose one of the options")
    if message.startswith("is required to "):
        return _("is required for this action")
    if message.startswith("must be the username of an active"):
        return _("choose an officer of this office")
    for pattern, make in _PATTERNS:
        found = pattern.match(message)
        if found:
            return make(found)
    return message


_OTP_ACCOUNT = re.compile(r"^Citizen (\d{10})$")


def display_name(name: str | None) -> str:
    """A user's name for the page: an OTP account's "Citizen <mobile>" in the page's language."""
    found = _OTP_ACCOUNT.match(name or "")
    return _("Citizen %(mobile)s", mobile=digits(found.group(1))) if found else (name or "")


def channel_label(code: str | None) -> str:
    """Where an application was made, in words (the code stays as printed on receipts for CSC/BSK)."""
    labels = {"CSC": _("Common Service Centre (CSC)"), "BSK": _("Bangla Sahayata Kendra (BSK)"),
              "KIOSK": _("Kiosk"), "GP": _("Gram Panchayat office"), "DOORSTEP": _("Doorstep camp (Duare Sarkar)"),
              "WEB": _("Online")}
    return labels.get(code or "", code or "")
