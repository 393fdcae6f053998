"""A sample value for a JSON Schema form: what the dry run submits and what the upload check validates.

Strings honour ``minLength``/``maxLength`` and, for a ``pattern``, the shortest string the regular
expression accepts (literals, classes, groups, alternation and repeats); arrays get ``minItems``
items. A form whose sample still fails its own schema needs ``examples`` on the field.
"""
import copy
import re

from re import _parser as sre_parse  # the parser the re module itself uses (Python 3.11)

_FORMATS = {"date": "2000-01-01", "date-time": "2000-01-01T00:00:00+00:00", "email": "dry.run@example.org"}


def sample_from_schema(schema: dict, _depth: int = 0):
    """A plausible value for a JSON Schema (examples/default/const/enum first, then by type)."""
    if not isinstance(schema, dict) or _depth > 6:
        return None
    for key in ("const", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return copy.deepcopy(schema["examples"][0])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        return {k: sample_from_schema(v, _depth + 1) for k, v in props.items()}
    if kind == "array":
        count = schema.get("minItems") if isinstance(schema.get("minItems"), int) else 0
        return [sample_from_schema(schema.get("items") or {}, _depth + 1) for _ in range(min(count, 5))]
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return False
    if schema.get("x-officer-role"):
        return "dryrun.officer"
    return _string(schema)


def _number(schema: dict, kind: str):
    value = schema.get("minimum", 1)
    if "exclusiveMinimum" in schema:
        value = schema["exclusiveMinimum"] + 1
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        value = 1
    return int(value) if kind == "integer" else float(value)


def _string(schema: dict) -> str:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    pattern = schema.get("pattern")
    text = "dry run"
    if isinstance(pattern, str):
        text = shortest_match(pattern) or text
    low = schema.get("minLength") if isinstance(schema.get("minLength"), int) else 0
    high = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None
    if len(text) < low and not isinstance(pattern, str):
        text = (text + " " + "x" * low)[:max(low, len(text))]
    if high is not None and len(text) > high and not isinstance(pattern, str):
        text = text[:high]
    return text


def shortest_match(pattern: str) -> str | None:
    """The shortest string ``pattern`` accepts (anchors ignored), or None if it is beyond this sketch."""
    try:
        parsed = sre_parse.parse(pattern)
        text = _emit(parsed)
    except (re.error, _Unsupported, RecursionError, OverflowError):
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


class _Unsupported(Exception):
    pass


def _emit(items) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "IN":
            out.append(_from_class(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, sub = arg
            if low > 1000:
                raise _Unsupported
            out.append(_emit(sub) * low)
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1]))
        elif name == "BRANCH":
            out.append(min((_emit(b) for b in arg[1]), key=len))
        elif name == "ANY":
            out.append("a")
        elif name == "AT":
            continue
        else:
            raise _Unsupported(name)
    return "".join(out)


def _from_class(items) -> str:
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif negate:
            raise _Unsupported
        elif name == "LITERAL":
            return chr(arg)
        elif name == "RANGE":
            return chr(arg[0])
        elif name == "CATEGORY":
            return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    raise _Unsupported
