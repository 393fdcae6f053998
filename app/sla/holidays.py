"""Holiday calendars as data: ``flask holidays import FILE.csv``.

CSV columns: ``date`` (YYYY-MM-DD), ``name``, optional ``name_bn``, ``state_lgd`` (empty = every
state), ``district_lgd`` (empty = the whole state). A row for a date and scope that exists already
updates its name. The whole file is checked first: one bad row and nothing is written.
"""
import csv
import io
from datetime import date

from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..models import Holiday

REQUIRED = ("date", "name")
COLUMNS = ("date", "name", "name_bn", "state_lgd", "district_lgd")


def parse_csv(text: str) -> list[dict]:
    """Rows of a holiday CSV; :raises Invalid: naming every bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise Invalid("The holiday file needs the columns date and name.",
                      fields={"header": "missing column(s): " + ", ".join(missing)})
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise Invalid("The holiday file has columns we do not know.",
                      fields={"header": "unknown column(s): " + ", ".join(unknown)})
    rows, errors = [], {}
    for line, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            on_date = date.fromisoformat(row["date"])
        except ValueError:
            errors[f"line {line}"] = f"date {row['date']!r} is not YYYY-MM-DD"
            continue
        if not row["name"]:
            errors[f"line {line}"] = "the holiday needs a name"
            continue
        if row.get("district_lgd") and not row.get("state_lgd"):
            errors[f"line {line}"] = "a district holiday needs the state's LGD code too"
            continue
        rows.append({"on_date": on_date, "name": row["name"][:200], "name_bn": row.get("name_bn") or None,
                     "state_lgd": row.get("state_lgd", ""), "district_lgd": row.get("district_lgd", "")})
    if errors:
        raise Invalid("Some lines of the holiday file are wrong; nothing was imported.", fields=errors)
    return rows


def import_rows(rows: list[dict], progress=None) -> tuple[int, int]:
    """Insert or rename holidays. :returns: (added, updated). :param progress: called with 1 per row."""
    added = updated = 0
    for row in rows:
        if progress:
            progress(1)
        existing = db.session.scalar(select(Holiday).where(
            Holiday.on_date == row["on_date"], Holiday.state_lgd == row["state_lgd"],
            Holiday.district_lgd == row["district_lgd"]))
        if existing is None:
            db.session.add(Holiday(**row))
            added += 1
        elif (existing.name, existing.name_bn) != (row["name"], row["name_bn"]):
            existing.name, existing.name_bn = row["name"], row["name_bn"]
            updated += 1
        db.session.flush()
    return added, updated
