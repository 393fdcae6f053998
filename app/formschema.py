"""JSON-Schema forms: validation with per-field messages, and the extensions our forms use.

Extensions (all optional): ``title_bn`` (Bengali title), ``x-actions`` on a task form (the actions the
officer may take, each ``{"key", "title", "title_bn", "requires": ["remarks" | "reason" | "data.<field>"]}``),
``x-officer-role`` on a field (the value must be the username of an officer with that role in the
task's office), ``x-enum-titles`` / ``x-enum-titles-bn`` (labels of enum values), ``x-attachment`` on a task form
(``{"type", "title", "title_bn"}``: the officer may attach a file of that document type, e.g. the
enquiry officer's report).
"""
from jsonschema import Draft202012Validator, FormatChecker

from .inputs import text_problems

_FORMATS = FormatChecker()


def field_errors(schema: dict, data, *, prefix: str = "data") -> dict[str, str]:
    """Validate ``data`` against ``schema``; return ``{field path: message}`` (empty when valid)."""
    if not isinstance(data, dict):
        return {prefix: "must be an object"}
    errors = {}
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            known = set(schema.get("properties", {}))
            for name in sorted(set(error.instance) - known):
                errors[f"{prefix}.{name}"] = "is not a field of this form"
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            errors[f"{prefix}.{path + '.' if path else ''}{missing}".rstrip(".")] = "is required"
            continue
        key = f"{prefix}.{path}" if path else prefix
        errors.setdefault(key, _plain(error))
    for key, problem in text_problems(data, prefix=f"{prefix}.").items():
        errors.setdefault(key, problem)
    return errors


#: JSON Schema type names in plain words (the API's field messages; the web app translates them).
TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "text", "boolean": "yes or no",
              "array": "a list", "object": "a group of fields", "null": "empty"}


def _plain(error) -> str:
    kind = error.validator
    if kind == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return "must be " + " or ".join(TYPE_WORDS.get(k, k) for k in kinds)
    if kind == "enum":
        return "must be one of: " + ", ".join(str(v) for v in error.validator_value)
    if kind == "minLength":
        return f"must be at least {error.validator_value} characters"
    if kind == "maxLength":
        return f"must be at most {error.validator_value} characters"
    if kind == "pattern":
        return "is not in the expected format"
    if kind == "format":
        return f"must be a valid {error.validator_value}"
    if kind in ("minItems", "maxItems"):
        return f"must have {'at least' if kind == 'minItems' else 'at most'} {error.validator_value} entries"
    if kind in ("minimum", "maximum"):
        return f"must be {'at least' if kind == 'minimum' else 'at most'} {error.validator_value}"
    return error.message


def actions(schema: dict) -> dict[str, dict]:
    return {a["key"]: a for a in schema.get("x-actions", [])}


def officer_fields(schema: dict) -> dict[str, str]:
    """``{field: role}`` for fields that name an officer."""
    return {name: prop["x-officer-role"] for name, prop in schema.get("properties", {}).items()
            if isinstance(prop, dict) and prop.get("x-officer-role")}
