"""The SLA a service publishes (catalogue ``sla``, shown to citizens and in the SoP table) comes from
the escalation matrix of its active version — the same rows ``compute_sla`` turns into deadlines —
so the promise and the timers cannot disagree.

Steps are the ``sla_step`` properties of the model's user tasks plus the steps the matrix names; each
takes the matrix row for its step, else the first ``"*"`` row (as ``compute_sla`` does). Step names are
the catalogue's (analysts word them), else the task's name; role is the task's lane.
"""
from .. import engine

MATRIX_DECISION = "escalation_matrix"


def _role(role, days) -> dict | None:
    if not role or days in (None, ""):
        return None
    return {"role": role, "days": _number(days)}


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def matrix_rows(service_key: str, dmn: dict[str, bytes]) -> list[dict] | None:
    """The matrix rows (COLLECT) for the service; ``None`` when the version carries no matrix."""
    out = engine.evaluate_decision(dmn, MATRIX_DECISION, {"service_key": service_key})
    if out is None:
        return None
    names = ("step", "sla_days", "l1_role", "l1_days", "l2_role", "l2_days")
    columns = [out.get(f"matrix_{n}") for n in names]
    if not isinstance(columns[0], list):
        columns = [[c] for c in columns] if columns[0] is not None else [[] for _ in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def derive(service_key: str, task_meta: dict, dmn: dict[str, bytes], current: dict | None) -> dict | None:
    """The published SLA ``{"total_days", "steps": [{"name", "role", "days", "l1", "l2"}]}``, or
    ``None`` when the version has no escalation matrix (the catalogue's SLA then stands)."""
    rows = matrix_rows(service_key, dmn)
    if rows is None:
        return None
    tasks = {}
    for task_id, meta in task_meta.items():
        step = (meta.get("properties") or {}).get("sla_step")
        if meta.get("kind") == "user" and step:
            tasks.setdefault(str(step), meta)
    steps = sorted(set(tasks) | {str(r["step"]) for r in rows if str(r["step"]) != "*"},
                   key=lambda s: (len(s), s))
    old_steps = (current or {}).get("steps") or []
    published = []
    for n, step in enumerate(steps):
        row = next((r for r in rows if str(r["step"]) == step), None) or next(
            (r for r in rows if str(r["step"]) == "*"), None)
        if row is None or row["sla_days"] in (None, ""):
            continue
        meta = tasks.get(step, {})
        old = old_steps[n] if n < len(old_steps) and isinstance(old_steps[n], dict) else {}
        published.append({"name": old.get("name") or meta.get("name") or f"Step {step}",
                          "role": meta.get("lane") or old.get("role"),
                          "days": _number(row["sla_days"]), "l1": _role(row["l1_role"], row["l1_days"]),
                          "l2": _role(row["l2_role"], row["l2_days"])})
    return {"total_days": max((s["days"] for s in published), default=None), "steps": published}


def numbers(sla: dict | None) -> list:
    """What must agree with the matrix: total days and each step's days and escalations."""
    sla = sla or {}
    return [sla.get("total_days"), [(s.get("days"), s.get("l1"), s.get("l2")) for s in sla.get("steps") or []]]
