"""Checks every piece of outside input passes, shared by the API, the pages and the operations.

- database ids: an integer a BIGINT key can hold (a larger number is "no such thing", never an
  overflow in the database driver);
- free text (names, addresses, remarks, form strings): no control characters (NUL included) and no
  bidirectional overrides/isolates, which can make a printed name read differently from what was
  stored. Zero-width joiner and non-joiner (U+200D, U+200C) are kept: Bengali spelling needs them.
"""
import unicodedata
from datetime import date

from .errors import Invalid

MAX_DB_ID = 2 ** 63 - 1
#: The largest value of an INTEGER column (process version numbers).
MAX_INT = 2 ** 31 - 1
#: Pages beyond this are refused or ignored: no list is that long, and the offset must fit the database.
MAX_PAGE = 1_000_000

#: Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Whitespace a multi-line field (address, remarks) may hold.
LINE_BREAKS = frozenset("\n\r\t")


def nul_paths(value, path: str = "") -> dict:
    """``{path: message}`` for every string (or object key) in parsed JSON holding a NUL character;
    PostgreSQL cannot store or even compare such text."""
    found = {}
    if isinstance(value, str):
        if "\x00" in value:
            found[path or "body"] = "must not contain a NUL character"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found[child.replace("\x00", "")] = "must not contain a NUL character"
            else:
                found.update(nul_paths(item, child))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(nul_paths(item, f"{path}.{index}" if path else str(index)))
    return found


def is_db_id(value) -> bool:
    """True for an int (not a bool) in 1 … 2^63 − 1."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DB_ID


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` may not be stored as text, or ``None`` when it is fine.

    :param multiline: allow line breaks and tabs (addresses, remarks).
    """
    for ch in value:
        if ch in BIDI_CONTROLS:
            return "must not contain direction-changing characters (U+202A–U+202E, U+2066–U+2069)"
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in LINE_BREAKS):
            return "must not contain control characters" if ch != "\x00" else "must not contain a NUL character"
    return None


def text_problems(values: dict, *, prefix: str = "", single_line=frozenset()) -> dict:
    """Field errors for every string in ``values`` (nested objects and lists walked), keyed by path.

    :param single_line: keys whose text may not hold line breaks either (names, codes); every other
        string may hold ``\n``, ``\r`` and tabs (addresses, remarks).
    """
    problems = {}
    for key, value in values.items():
        problems.update(_walk(value, f"{prefix}{key}", multiline=key not in single_line))
    return problems


def _walk(value, path: str, *, multiline: bool) -> dict:
    if isinstance(value, str):
        problem = text_problem(value, multiline=multiline)
        return {path: problem} if problem else {}
    if isinstance(value, dict):
        return text_problems(value, prefix=f"{path}.")
    if isinstance(value, list):
        found = {}
        for index, item in enumerate(value):
            found.update(_walk(item, f"{path}.{index}", multiline=multiline))
        return found
    return {}


def check_text(field: str, value, *, multiline: bool = True) -> None:
    """Raise :class:`Invalid` naming ``field`` when a free-text value holds forbidden characters."""
    problem = text_problem(value, multiline=multiline) if isinstance(value, str) else None
    if problem:
        raise Invalid("Some text holds characters that cannot be stored.", fields={field: problem})


#: Calendar days the app deals in; anything outside is a typo or a probe (and date arithmetic
#: near year 1 or 9999 overflows).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def day_from_text(text: str, field: str = "day") -> date:
    """``YYYY-MM-DD`` between :data:`FIRST_DAY` and :data:`LAST_DAY`. :raises Invalid: otherwise."""
    try:
        day = date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(f"Give a date as YYYY-MM-DD between {FIRST_DAY.year} and {LAST_DAY.year}.",
                      fields={field: f"a date YYYY-MM-DD between {FIRST_DAY} and {LAST_DAY}"})
    return day


def page_number(raw, default: int = 1) -> int:
    """A page number from a query string for the pages: anything unreadable or out of range → ``default``
    (the API refuses instead, see ``app.api.edge.paging``)."""
    try:
        page = int(raw) if raw is not None else default
    except (TypeError, ValueError):
        return default
    return page if 1 <= page <= MAX_PAGE else default
