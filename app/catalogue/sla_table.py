"""The SoP onboarding table (BSK SoP §4.6): one row per service with its total SLA and sub-SLAs.

Columns: Department Name, Department Code, Service Name, Service Code, SLA Total Time,
Total No of Sub-SLA, Time in Sub-SLA 1..n. Built from the services' published ``sla`` (the same
data ``GET /api/v1/services`` returns), so the table and the API never disagree.
"""
import csv
import io

FIXED = ("Department Name", "Department Code", "Service Name", "Service Code", "SLA Total Time",
         "Total No of Sub-SLA")


def _days(value) -> str:
    if value is None:
        return ""
    return f"{value} day" if value == 1 else f"{value} days"


def table(services: list[dict]) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` from services as ``GET /api/v1/services`` represents them."""
    width = max((len((s.get("sla") or {}).get("steps") or []) for s in services), default=0)
    header = list(FIXED) + [f"Time in Sub-SLA {n}" for n in range(1, width + 1)]
    rows = []
    for service in services:
        sla = service.get("sla") or {}
        steps = sla.get("steps") or []
        cells = [service["department"]["name"], service["department"]["code"], service["name"]["en"],
                 service["service_code"], _days(sla.get("total_days")), str(len(steps))]
        cells += [_days(step.get("days")) for step in steps] + [""] * (width - len(steps))
        rows.append(cells)
    return header, rows


def as_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def as_text(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in [header, *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
