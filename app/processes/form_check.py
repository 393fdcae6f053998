"""Checking uploaded forms before anything is stored: a form that passes here can be drawn, filled and
validated; one that does not is refused naming the form file and the field.

A form must be valid JSON Schema 2020-12 (``check_schema``), use only the keywords the form renderer
(``app/web/forms.py`` and the ``schema_field`` macro) and the validator (``app/formschema.py``)
understand, give every field a ``title`` and a ``title_bn``, and accept a sample generated from itself
(the dry run submits that sample, so a form no value can satisfy would strand every path).
"""
import re

from jsonschema import Draft202012Validator

from .. import engine
from ..formschema import field_errors

#: Keywords of the form itself.
FORM_KEYWORDS = {"$schema", "$id", "title", "title_bn", "type", "additionalProperties", "properties",
                 "required", "x-actions", "x-attachment"}
#: Keywords of a field: what ``app.web.forms.fields`` draws and ``formschema`` interprets.
FIELD_KEYWORDS = {"type", "title", "title_bn", "enum", "x-enum-titles", "x-enum-titles-bn", "minimum",
                  "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
                  "format", "x-officer-role", "default", "examples", "items", "minItems", "maxItems"}
#: Keywords of the object inside an ``array`` field (a list of rows, e.g. legal heirs).
ITEM_KEYWORDS = {"type", "title", "title_bn", "additionalProperties", "required", "properties"}
FIELD_TYPES = ("string", "integer", "number", "boolean", "array")
FORMATS = ("date", "email")
ACTION_KEYWORDS = {"key", "title", "title_bn", "requires"}

_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def check_forms(forms: dict) -> list[dict]:
    """Every problem of every form, as ``{"file", "element_id" (the field), "line": None, "message"}``."""
    problems = []
    for key, schema in forms.items():
        problems += check_form(key, schema)
    return problems


def check_form(key: str, schema) -> list[dict]:
    file = f"forms/{key}.json"
    out = []

    def add(field, message):
        out.append({"file": file, "element_id": field, "line": None,
                    "message": f"field '{field}': {message}" if field else message})

    if not isinstance(schema, dict):
        add(None, "a form must be a JSON object (a JSON Schema)")
        return out
    for error in sorted(_META.iter_errors(schema), key=lambda e: [str(p) for p in e.path]):
        add(_field_of(error.path), f"not valid JSON Schema 2020-12 at {_where(error.path)}: {_schema_message(error)}")
    if out:
        return out
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        add(None, 'a form is an object: "type": "object" with its fields under "properties"')
        return out
    for word in sorted(set(schema) - FORM_KEYWORDS):
        add(None, f"the form renderer does not support the keyword '{word}' on a form")
    attachment = schema.get("x-attachment")
    if attachment is not None and not (isinstance(attachment, dict) and isinstance(attachment.get("type"), str)
                                       and attachment["type"] and set(attachment) <= {"type", "title", "title_bn"}):
        add(None, 'x-attachment is {"type": <document type>, "title", "title_bn"} (the file an officer may attach)')
    for problem in _missing_titles(schema):
        add(None, problem)
    for name, prop in schema["properties"].items():
        for field, message in _field_problems(name, prop):
            add(field, message)
    for message in _action_problems(schema.get("x-actions")):
        add(None, message)
    if out:
        return out
    sample = engine.sample_from_schema(schema)
    for path, message in field_errors(schema, sample, prefix="").items():
        field = path.lstrip(".") or None
        add(field, f"a sample generated from the form does not pass it ({message}); give the field "
                   'an example value that does, e.g. "examples": ["…"]')
    return out


def _field_problems(name: str, prop, *, inside: str = "") -> list[tuple[str, str]]:
    field = f"{inside}{name}"
    if not isinstance(prop, dict):
        return [(field, "a field must be an object")]
    out = [(field, f"the form renderer does not support the keyword '{w}' on a field")
           for w in sorted(set(prop) - FIELD_KEYWORDS)]
    out += [(field, p) for p in _missing_titles(prop)]
    kind = prop.get("type")
    if kind not in FIELD_TYPES:
        out.append((field, f"'type' must be one of {', '.join(FIELD_TYPES)}"))
    if "format" in prop and prop["format"] not in FORMATS:
        out.append((field, f"'format' must be one of {', '.join(FORMATS)}"))
    if isinstance(prop.get("pattern"), str):
        try:
            re.compile(prop["pattern"])
        except re.error as exc:
            out.append((field, f"'pattern' is not a regular expression: {exc}"))
    if kind == "array":
        items = prop.get("items")
        if not isinstance(items, dict) or items.get("type") != "object" or not isinstance(items.get("properties"), dict):
            return out + [(field, 'an array field holds rows: "items": {"type": "object", "properties": {…}}')]
        out += [(field, f"the form renderer does not support the keyword '{w}' on the rows of a list")
                for w in sorted(set(items) - ITEM_KEYWORDS)]
        for sub, sub_prop in items["properties"].items():
            if isinstance(sub_prop, dict) and sub_prop.get("type") == "array":
                out.append((f"{field}.{sub}", "a list inside a list is not supported"))
                continue
            out += _field_problems(sub, sub_prop, inside=f"{field}.")
    return out


def _missing_titles(node: dict) -> list[str]:
    return [f"'{word}' is missing (every field needs a title in English and in Bengali)"
            for word in ("title", "title_bn") if not (isinstance(node.get(word), str) and node[word].strip())]


def _action_problems(actions) -> list[str]:
    if actions is None:
        return []
    if not isinstance(actions, list):
        return ["'x-actions' must be a list of actions"]
    out, seen = [], set()
    for n, action in enumerate(actions, 1):
        if not isinstance(action, dict) or not isinstance(action.get("key"), str):
            out.append(f"action {n} in 'x-actions' needs a 'key'")
            continue
        name = action["key"]
        if name in seen:
            out.append(f"action '{name}' appears twice in 'x-actions'")
        seen.add(name)
        out += [f"action '{name}': unknown keyword '{w}'" for w in sorted(set(action) - ACTION_KEYWORDS)]
        out += [f"action '{name}': {p.replace('every field', 'every action')}" for p in _missing_titles(action)]
        requires = action.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            out.append(f"action '{name}': 'requires' must be a list of names")
    return out


def _field_of(path) -> str | None:
    parts = [str(p) for p in path]
    names = [parts[i + 1] for i, p in enumerate(parts[:-1]) if p == "properties"]
    return ".".join(names) or None


def _where(path) -> str:
    return "/".join(str(p) for p in path) or "the top"


def _schema_message(error) -> str:
    if error.validator in ("anyOf", "oneOf") and error.path and error.path[-1] == "type":
        return f"{error.instance!r} is not a JSON Schema type (string, integer, number, boolean, array, object)"
    if error.validator == "type":
        expected = error.validator_value
        words = {"integer": "a whole number", "number": "a number", "string": "text", "boolean": "true or false",
                 "object": "an object", "array": "a list"}
        shown = words.get(expected, expected) if isinstance(expected, str) else " or ".join(expected)
        return f"{error.instance!r} must be {shown}"
    return error.message
