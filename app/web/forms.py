"""Turning a JSON-Schema form into HTML fields and a posted HTML form back into typed JSON data.

Client hints come from the schema (required, pattern, min/max, lengths); the server check is always
``app.formschema.field_errors`` through the operations.
"""
from datetime import date

from .i18n import digits, enum_title, title, when


def fields(schema: dict, values: dict | None = None, errors: dict | None = None, *, prefix: str = "data") -> list[dict]:
    """One dict per property, in schema order, with what the template needs to draw it."""
    values, errors = values or {}, errors or {}
    required = set(schema.get("required", []))
    out = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        field = {"name": name, "input_name": f"{prefix}.{name}", "id": f"f-{prefix}-{name}".replace(".", "-"),
                 "label": title(prop) or name, "required": name in required, "value": values.get(name),
                 "error": errors.get(f"{prefix}.{name}"), "attrs": {}, "officer_role": prop.get("x-officer-role")}
        if "enum" in prop:
            field["widget"] = "select"
            field["options"] = [(v, enum_title(prop, v)) for v in prop["enum"]]
        elif kind == "boolean":
            field["widget"] = "checkbox"
        elif kind in ("integer", "number"):
            field["widget"] = "number"
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if key in prop:
                    field["attrs"][attr] = prop[key]
            field["attrs"]["step"] = "1" if kind == "integer" else "any"
        elif prop.get("format") == "date":
            field["widget"] = "date"
        elif prop.get("format") == "email":
            field["widget"] = "email"
        elif (prop.get("maxLength") or 0) > 300:
            field["widget"] = "textarea"
        else:
            field["widget"] = "text"
        if kind == "string":
            if "pattern" in prop:
                field["attrs"]["pattern"] = prop["pattern"].lstrip("^").rstrip("$")
            if "minLength" in prop:
                field["attrs"]["minlength"] = prop["minLength"]
            if "maxLength" in prop:
                field["attrs"]["maxlength"] = prop["maxLength"]
        out.append(field)
    return out


def parse(schema: dict, form, *, prefix: str = "data") -> dict:
    """The posted fields ``<prefix>.<name>`` as JSON data typed by the schema; empty fields are left out
    (so "is required" comes from the schema, not a type error)."""
    data = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        key = f"{prefix}.{name}"
        if kind == "boolean":
            if key in form:
                data[name] = form.get(key) in ("on", "true", "1", "yes")
            continue
        raw = form.get(key)
        if raw is None or not raw.strip():
            continue
        raw = raw.strip()
        if kind == "integer":
            data[name] = int(raw) if raw.lstrip("-").isdigit() and len(raw) <= 18 else raw
        elif kind == "number":
            try:
                data[name] = float(raw)
            except ValueError:
                data[name] = raw
        else:
            data[name] = raw
    return data


def describe(schema: dict, data: dict) -> list[tuple[str, str]]:
    """``(label, shown value)`` pairs of filled fields, for review and detail pages."""
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        if name not in data or not isinstance(prop, dict):
            continue
        value = data[name]
        if "enum" in prop:
            shown = enum_title(prop, value)
        elif prop.get("format") == "date" and isinstance(value, str):
            shown = _human_date(value)
        elif prop.get("type") in ("integer", "number"):
            shown = digits(value)
        else:
            shown = str(value)
        rows.append((title(prop) or name, shown))
    return rows


def _human_date(value: str) -> str:
    """``1990-04-12`` → ``12 Apr 1990`` (Bengali month and digits on Bengali pages)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return when(day.isoformat() + "T12:00:00+00:00", False)
