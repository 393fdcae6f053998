"""Loading LGD locations from a CSV file (docs/lgd-import.md): validate every row, then upsert by LGD code.

Columns: ``level, lgd_code, name, name_bn, parent_lgd_code``. All rows are checked first; when any
row is bad nothing is loaded, unless ``skip_bad`` (then the bad rows and everything under them are
left out). Loading the same file again changes nothing.
"""
import csv
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import Location, Office

COLUMNS = ("level", "lgd_code", "name", "name_bn", "parent_lgd_code")
#: What each level may hang under (None: a top-level row).
PARENTS = {"STATE": (None,), "DISTRICT": ("STATE", None), "SUBDIVISION": ("DISTRICT",),
           "BLOCK": ("SUBDIVISION", "DISTRICT"), "GP": ("BLOCK",), "MUNICIPALITY": ("SUBDIVISION", "DISTRICT"),
           "WARD": ("MUNICIPALITY",)}
_DEPTH = {"STATE": 0, "DISTRICT": 1, "SUBDIVISION": 2, "BLOCK": 3, "MUNICIPALITY": 3, "GP": 4, "WARD": 4}
#: The government office created for an area with ``offices=True``: (code prefix, name pattern, level).
OFFICES = {"DISTRICT": ("DM", "Office of the District Magistrate, {name}"),
           "SUBDIVISION": ("SDO", "Office of the SDO, {name}"),
           "BLOCK": ("BDO", "Office of the BDO, {name}"),
           "GP": ("GP", "{name} Gram Panchayat")}
_CODE = re.compile(r"^[0-9]{1,20}$")


@dataclass
class Row:
    line: int
    level: str
    lgd_code: str
    name: str
    name_bn: str | None
    parent: str | None


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    offices: int = 0
    #: [(line number, message)] in line order
    bad: list = field(default_factory=list)
    loaded: bool = False


def read_rows(text: str) -> tuple[list[Row], list[tuple[int, str]]]:
    """Parse the CSV text; returns the rows and the problems of rows that cannot even be read."""
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header and c not in ("name_bn", "parent_lgd_code")]
    if missing:
        return [], [(1, f"the header must name the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})")]
    rows, bad = [], []
    for number, raw in enumerate(reader, start=2):
        values = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        if None in raw:
            bad.append((number, "has more values than the header has columns"))
            continue
        rows.append(Row(number, values.get("level", "").upper(), values.get("lgd_code", ""), values.get("name", ""),
                        values.get("name_bn") or None, values.get("parent_lgd_code") or None))
    return rows, bad


def check(rows: list[Row]) -> dict[int, str]:
    """``{line: problem}`` for every bad row, including rows whose parent row is bad."""
    problems: dict[int, str] = {}
    by_code: dict[str, Row] = {}
    for row in rows:
        first = by_code.setdefault(row.lgd_code, row)
        message = _row_problem(row)
        if message is None and first is not row:
            message = f"LGD code {row.lgd_code} is already on line {first.line}"
        if message:
            problems[row.line] = message
    codes = [r.lgd_code for r in rows] + [r.parent for r in rows if r.parent]
    known = {loc.lgd_code: loc.level for loc in db.session.scalars(select(Location).where(Location.lgd_code.in_(codes)))}
    for row in rows:
        if row.line in problems:
            continue
        if row.lgd_code in known and known[row.lgd_code] != row.level:
            problems[row.line] = f"LGD code {row.lgd_code} exists already as a {known[row.lgd_code]}, not a {row.level}"
            continue
        allowed = PARENTS[row.level]
        if row.parent is None:
            if None not in allowed:
                problems[row.line] = f"a {row.level} needs parent_lgd_code (a {' or '.join(a for a in allowed if a)})"
            continue
        parent_row = by_code.get(row.parent)
        if parent_row is not None and parent_row.line in problems:
            continue   # reported below as "its parent is bad"
        parent_level = parent_row.level if parent_row is not None else known.get(row.parent)
        if parent_level is None:
            problems[row.line] = f"parent LGD code {row.parent} is neither in this file nor loaded already"
        elif parent_level not in allowed:
            problems[row.line] = f"a {row.level} cannot be under a {parent_level} ({row.parent})"
    changed = True
    while changed:   # a row under a bad row is bad too
        changed = False
        for row in rows:
            parent = by_code.get(row.parent) if row.parent else None
            if row.line not in problems and parent is not None and parent.line in problems:
                problems[row.line] = f"its parent on line {parent.line} is bad"
                changed = True
    return problems


def _row_problem(row: Row) -> str | None:
    if row.level not in PARENTS:
        return f"level must be one of {', '.join(PARENTS)}"
    if not _CODE.match(row.lgd_code):
        return "lgd_code must be 1 to 20 digits"
    if not 1 <= len(row.name) <= 200:
        return "name is required (at most 200 characters)"
    if row.name_bn and len(row.name_bn) > 200:
        return "name_bn must be at most 200 characters"
    if row.parent and not _CODE.match(row.parent):
        return "parent_lgd_code must be 1 to 20 digits"
    if row.parent == row.lgd_code:
        return "a location cannot be its own parent"
    return None


def import_text(text: str, *, skip_bad: bool = False, offices: bool = False, progress=None) -> Report:
    """Check and (when allowed) load the rows; flushes, never commits.

    :param progress: called with 1 after each row is loaded (a progress bar's ``update``).
    """
    rows, unreadable = read_rows(text)
    problems = dict(unreadable)
    problems.update(check(rows))
    report = Report(bad=sorted(problems.items()))
    if problems and not skip_bad:
        return report
    good = sorted((r for r in rows if r.line not in problems), key=lambda r: (_DEPTH[r.level], r.line))
    existing = {loc.lgd_code: loc for loc in db.session.scalars(
        select(Location).where(Location.lgd_code.in_([r.lgd_code for r in good] + [r.parent for r in good if r.parent])))}
    for row in good:
        parent = existing.get(row.parent) if row.parent else None
        location = existing.get(row.lgd_code)
        if location is None:
            location = Location(lgd_code=row.lgd_code, name=row.name, name_bn=row.name_bn, level=row.level,
                                parent=parent)
            db.session.add(location)
            existing[row.lgd_code] = location
            report.created += 1
        elif (location.name, location.name_bn, location.parent_id) != (row.name, row.name_bn, getattr(parent, "id", None)):
            location.name, location.name_bn, location.parent = row.name, row.name_bn, parent
            report.updated += 1
        else:
            report.unchanged += 1
        db.session.flush()
        if offices and row.level in OFFICES:
            report.offices += _ensure_office(location)
        if progress:
            progress(1)
    report.loaded = True
    return report


def _ensure_office(location: Location) -> int:
    prefix, pattern = OFFICES[location.level]
    if db.session.scalar(select(Office.id).where(Office.location_id == location.id, Office.level == location.level)):
        return 0
    db.session.add(Office(code=f"{prefix}-{location.lgd_code}", name=pattern.format(name=location.name),
                          level=location.level, location_id=location.id))
    db.session.flush()
    return 1
