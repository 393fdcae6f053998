"""Restricted expression language for gateway conditions, timer and DMN expressions.

Pure Python (no SpiffWorkflow): an AST whitelist checked before every ``eval``.
Allowed: names (no leading underscore), constants, comparisons, boolean/arithmetic/unary
operators, ``x if c else y``, subscripts and slices, list/tuple/dict/set displays, calls to
SAFE_FUNCTIONS by name and to a few pure str/dict methods (SAFE_METHODS).
Refused: dunder or ``_``-prefixed names and attributes, lambda, comprehensions, walrus,
f-strings with format specs are allowed only as plain constants, imports (not expressions anyway),
``await``/``yield``/starred calls. It does NOT limit CPU or memory: authoring is a privileged role.
"""
from __future__ import annotations

import ast
from functools import lru_cache

SAFE_FUNCTIONS = {
    "len": len, "min": min, "max": max, "abs": abs, "int": int, "str": str, "float": float,
    "bool": bool, "round": round, "sorted": sorted, "any": any, "all": all, "sum": sum,
}
# pure methods of str / dict that cannot reach objects' internals (no str.format!)
SAFE_METHODS = frozenset({
    "get", "lower", "upper", "strip", "startswith", "endswith", "isdigit", "keys", "values",
})

_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp,
    ast.Call, ast.Name, ast.Constant, ast.Subscript, ast.Slice, ast.Attribute,
    ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Load,
    ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Invert,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.keyword,
)


class UnsafeExpression(ValueError):
    """The expression uses a construct outside the whitelist."""


def _problems_in(tree: ast.AST) -> list[str]:
    problems: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(f"{type(node).__name__} is not allowed in expressions")
            continue
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            problems.append(f"name '{node.id}' is not allowed (leading underscore)")
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                problems.append(f"attribute '.{node.attr}' is not allowed")
            elif node.attr not in SAFE_METHODS:
                problems.append(f"attribute '.{node.attr}' is not allowed "
                                f"(only {', '.join(sorted(SAFE_METHODS))})")
        elif isinstance(node, ast.Call):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords):
                problems.append("*args/**kwargs are not allowed")
            func = node.func
            if isinstance(func, ast.Name):
                if func.id not in SAFE_FUNCTIONS:
                    problems.append(f"call to '{func.id}' is not allowed "
                                    f"(only {', '.join(sorted(SAFE_FUNCTIONS))})")
            elif not isinstance(func, ast.Attribute):
                problems.append("only calls to named functions or safe methods are allowed")
        elif isinstance(node, ast.Constant) and isinstance(node.value, (bytes,)):
            problems.append("bytes literals are not allowed")
    return problems


def check(expression: str) -> list[str]:
    """Return the problems of an expression ([] when it compiles and is allowed)."""
    if expression is None or not str(expression).strip():
        return ["empty expression"]
    try:
        tree = ast.parse(str(expression).strip(), mode="eval")
    except SyntaxError as err:
        return [f"syntax error: {err.msg}"]
    return _problems_in(tree)


@lru_cache(maxsize=2048)
def _compile(expression: str):
    tree = ast.parse(expression.strip(), mode="eval")
    problems = _problems_in(tree)
    if problems:
        raise UnsafeExpression(f"refused expression {expression!r}: {'; '.join(problems)}")
    return compile(tree, "<expression>", "eval")


def evaluate(expression: str, data: dict, extra: dict | None = None):
    """Evaluate a checked expression against ``data`` (plus ``extra`` names)."""
    code = _compile(str(expression))
    scope = {"__builtins__": {}}
    scope.update(SAFE_FUNCTIONS)
    scope.update(extra or {})
    scope.update({k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")})
    return eval(code, scope)  # noqa: S307 - AST-whitelisted above
