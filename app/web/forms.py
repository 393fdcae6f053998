"""Turning a JSON-Schema form into HTML fields and a posted HTML form back into typed JSON data.

Client hints come from the schema (required, pattern, min/max, lengths); the server check is always
``app.formschema.field_errors`` through the operations.
"""
from datetime import date

from .i18n import digits, enum_title, title, when


#: Stands for the row number in the blank row a script copies (``<template>``).
ROW_MARK = "__row__"
#: Row numbers above this in a posted form are ignored (the schema's ``maxItems`` is the real limit).
MAX_ROW_INDEX = 500


def is_rows(prop: dict) -> bool:
    """An array of objects (e.g. legal-heir's ``heirs``): drawn as rows of fields, one row per item."""
    items = prop.get("items")
    return prop.get("type") == "array" and isinstance(items, dict) and (
        items.get("type") == "object" or "properties" in items)


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
        if is_rows(prop):
            out.append(_rows_field(field, prop, errors))
            continue
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


def _rows_field(field: dict, prop: dict, errors: dict) -> dict:
    """An array of objects: its rows (``<prefix>.<name>.<i>.<property>``), a blank row for the script
    to copy, whether rows may be added or removed, and errors per row and for the whole list."""
    items, base = prop["items"], field["input_name"]
    given = field["value"] if isinstance(field["value"], list) else []
    least = int(prop.get("minItems") or 0)
    count = max(len(given), least, 1 if field["required"] else 0)
    rows = [fields(items, given[i] if i < len(given) and isinstance(given[i], dict) else {}, errors,
                   prefix=f"{base}.{i}") for i in range(count)]
    field.update(widget="rows", rows=rows, blank=fields(items, {}, {}, prefix=f"{base}.{ROW_MARK}"),
                 row_label=title(items) or field["label"], row_errors=[errors.get(f"{base}.{i}") for i in range(count)],
                 min_rows=least, max_rows=prop.get("maxItems"))
    return field


def _row_numbers(form, base: str) -> list[int]:
    numbers = set()
    for key in form.keys():
        if key.startswith(base + "."):
            head = key[len(base) + 1:].split(".", 1)[0]
            if head.isdigit() and len(head) <= 3 and int(head) <= MAX_ROW_INDEX:
                numbers.add(int(head))
    return sorted(numbers)


def parse_rows(items: dict, form, base: str, *, keep_empty: bool = False) -> list[dict]:
    """The rows posted as ``<base>.<i>.<property>``, in row-number order (numbers may have gaps: a
    script removes rows without renumbering); wholly empty rows are dropped unless ``keep_empty``."""
    rows = [parse(items, form, prefix=f"{base}.{i}") for i in _row_numbers(form, base)]
    return rows if keep_empty else [row for row in rows if row]


def change_rows(schema: dict, form, step: str, *, prefix: str = "data") -> dict:
    """The posted data after the no-script buttons ``add:<field>`` / ``remove:<field>:<row>``
    (rows as drawn, empty ones kept so a new blank row stays on the page)."""
    data = parse(schema, form, prefix=prefix, keep_empty_rows=True)
    action, _, rest = step.partition(":")
    name, _, row = rest.partition(":")
    prop = (schema.get("properties") or {}).get(name)
    if not isinstance(prop, dict) or not is_rows(prop):
        return data
    rows = list(data.get(name) or [])
    if action == "add" and len(rows) < int(prop.get("maxItems") or MAX_ROW_INDEX):
        rows.append({})
    elif action == "remove" and row.isdigit() and int(row) < len(rows):
        del rows[int(row)]
    data[name] = rows
    return data


def hidden(values: dict, prefix: str = "data") -> list[tuple[str, str]]:
    """``(input name, value)`` pairs that post ``values`` again (review page), rows flattened."""
    out = []
    for name, value in values.items():
        key = f"{prefix}.{name}"
        if isinstance(value, list):
            for i, row in enumerate(value):
                out.extend(hidden(row, f"{key}.{i}") if isinstance(row, dict) else [(f"{key}.{i}", str(row))])
        elif isinstance(value, bool):
            if value:
                out.append((key, "on"))
        elif value is not None:
            out.append((key, str(value)))
    return out


def parse(schema: dict, form, *, prefix: str = "data", keep_empty_rows: bool = False) -> dict:
    """The posted fields ``<prefix>.<name>`` as JSON data typed by the schema; empty fields are left out
    (so "is required" comes from the schema, not a type error)."""
    data = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        key = f"{prefix}.{name}"
        if is_rows(prop):
            rows = parse_rows(prop["items"], form, key, keep_empty=keep_empty_rows)
            if rows or (keep_empty_rows and _row_numbers(form, key)):
                data[name] = rows
            continue
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
        if is_rows(prop) and isinstance(value, list):
            label = title(prop["items"]) or title(prop) or name
            for i, row in enumerate(value, 1):
                if isinstance(row, dict):
                    rows.append((f"{label} {digits(i)}", "; ".join(f"{k}: {v}" for k, v in describe(prop["items"], row))))
            continue
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
