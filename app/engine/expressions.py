"""Restricted expression language for gateway conditions, timer and DMN expressions.

Pure Python (no SpiffWorkflow): an AST whitelist checked before every ``eval``.
Allowed: names (no leading underscore), constants, comparisons, boolean/arithmetic/unary
operators, ``x if c else y``, subscripts and slices, list/tuple/dict/set displays, calls to
SAFE_FUNCTIONS by name and to a few pure str/dict methods (SAFE_METHODS).
Refused: dunder or ``_``-prefixed names and attributes, lambda, comprehensions, walrus,
f-strings with format specs are allowed only as plain constants, imports (not expressions anyway),
``await``/``yield``/starred calls.

Evaluation is bounded: an expression is at most ``MAX_EXPRESSION_CHARS`` long, and ``**``, ``*`` and
``%`` are replaced by functions that refuse results larger than ``MAX_INT_BITS`` bits or
``MAX_SEQUENCE_LEN`` items before computing them (``9**9**9``, ``"a"*10**10`` and ``"%099999999d" % 1``
fail at once instead of holding a worker). Nothing else in the whitelist can grow a value faster
than the expression's own length. Every expression SpiffWorkflow evaluates reaches this module through
:class:`app.engine.script_engine.RestrictedEnvironment` — the library's own ``eval`` never runs.
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


#: Longest expression accepted (conditions and DMN cells are short; this also bounds parser depth).
MAX_EXPRESSION_CHARS = 2000
#: Largest integer a power or product may produce (a 1,233-digit decimal number).
MAX_INT_BITS = 4096
#: Longest string, list or tuple a repetition may produce.
MAX_SEQUENCE_LEN = 100_000


class UnsafeExpression(ValueError):
    """The expression uses a construct outside the whitelist."""


class ExpressionTooCostly(ArithmeticError):
    """Evaluating the expression would build a value past the bounds above."""


def _bits(value) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _bounded_pow(base, exponent):
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if exponent > MAX_INT_BITS or _bits(base) * exponent > MAX_INT_BITS * 2:
            raise ExpressionTooCostly(f"a power with a result over {MAX_INT_BITS} bits is refused")
        result = base ** exponent
        if _bits(result) > MAX_INT_BITS:
            raise ExpressionTooCostly(f"a power with a result over {MAX_INT_BITS} bits is refused")
        return result
    return base ** exponent


def _bounded_mul(left, right):
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            if times > 0 and len(seq) * times > MAX_SEQUENCE_LEN:
                raise ExpressionTooCostly(f"a repetition longer than {MAX_SEQUENCE_LEN} is refused")
            return seq * times
    if isinstance(left, int) and isinstance(right, int) and _bits(left) + _bits(right) > MAX_INT_BITS:
        raise ExpressionTooCostly(f"a product over {MAX_INT_BITS} bits is refused")
    return left * right


def _bounded_mod(left, right):
    if isinstance(left, (str, bytes)):
        raise ExpressionTooCostly("'%' formatting of strings is not allowed in expressions")
    return left % right


_BOUNDED = {ast.Pow: "__pravah_pow", ast.Mult: "__pravah_mul", ast.Mod: "__pravah_mod"}
_BOUNDED_FUNCTIONS = {"__pravah_pow": _bounded_pow, "__pravah_mul": _bounded_mul,
                      "__pravah_mod": _bounded_mod}


class _Bound(ast.NodeTransformer):
    """``a ** b`` → ``__pravah_pow(a, b)`` (same for ``*`` and ``%``): checked before computing."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        name = _BOUNDED.get(type(node.op))
        if name is None:
            return node
        return ast.copy_location(ast.Call(func=ast.Name(id=name, ctx=ast.Load()),
                                          args=[node.left, node.right], keywords=[]), node)


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
    if len(str(expression)) > MAX_EXPRESSION_CHARS:
        return [f"longer than {MAX_EXPRESSION_CHARS} characters"]
    try:
        tree = ast.parse(str(expression).strip(), mode="eval")
    except SyntaxError as err:
        return [f"syntax error: {err.msg}"]
    except (RecursionError, MemoryError, ValueError):
        return ["too deeply nested"]
    return _problems_in(tree) or _costly_constants(tree)


def _costly_constants(tree: ast.AST) -> list[str]:
    """Refuse at upload what would be refused at run time anyway: ``9**9**9``, ``"a"*10**10``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in _BOUNDED and not any(
                isinstance(n, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)) for n in ast.walk(node)):
            expr = ast.fix_missing_locations(_Bound().visit(ast.Expression(body=node)))
            try:
                eval(compile(expr, "<constant>", "eval"), {"__builtins__": {}, **_BOUNDED_FUNCTIONS})  # noqa: S307
            except ExpressionTooCostly as exc:
                return [str(exc)]
            except Exception:  # noqa: BLE001 - 1/0 and the like fail where the value is used
                continue
    return []


@lru_cache(maxsize=2048)
def _compile(expression: str):
    problems = check(expression)
    if problems:
        raise UnsafeExpression(f"refused expression {expression[:200]!r}: {'; '.join(problems)}")
    tree = ast.fix_missing_locations(_Bound().visit(ast.parse(expression.strip(), mode="eval")))
    return compile(tree, "<expression>", "eval")


def evaluate(expression: str, data: dict, extra: dict | None = None):
    """Evaluate a checked expression against ``data`` (plus ``extra`` names)."""
    code = _compile(str(expression))
    scope = {"__builtins__": {}}
    scope.update(SAFE_FUNCTIONS)
    scope.update({k: v for k, v in (extra or {}).items() if isinstance(k, str) and not k.startswith("_")})
    scope.update({k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")})
    scope.update(_BOUNDED_FUNCTIONS)
    return eval(code, scope)  # noqa: S307 - AST-whitelisted above
