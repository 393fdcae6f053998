"""Every expression SpiffWorkflow evaluates goes through our whitelist, with bounded cost."""
import pytest

from app.engine import expressions
from app.engine.script_engine import RestrictedEnvironment, RestrictedScriptEngine


def test_the_engine_environment_is_ours():
    # 3.2.0 calls script_engine.environment.evaluate directly for completion, loop and correlation
    # expressions; the library's TaskDataEnvironment would eval them with full builtins.
    assert type(RestrictedScriptEngine().environment) is RestrictedEnvironment


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd')",
    "[x for x in (1, 2)]",
    "(lambda: 1)()",
])
def test_environment_refuses_escapes(expression):
    with pytest.raises(expressions.UnsafeExpression):
        RestrictedEnvironment().evaluate(expression, {})


@pytest.mark.parametrize("expression", ["n**n**n", "2**n", "x**x", "s*n", "[0]*n*n", "f % 1", "big*big"])
def test_costly_values_are_refused_before_they_are_built(expression):
    data = {"x": 10**6, "s": "abc", "n": 10**9, "f": "%0999999999d", "big": 2**4000}
    with pytest.raises(expressions.ExpressionTooCostly):
        expressions.evaluate(expression, data)


def test_costly_constants_are_refused_by_the_checker():
    assert expressions.check("9**9**9 > 0")
    assert expressions.check('"a"*10**10')
    assert expressions.check("x" * (expressions.MAX_EXPRESSION_CHARS + 1))


@pytest.mark.parametrize("expression, value", [
    ("2**10", 1024), ("3*4", 12), ('"ab"*2', "abab"), ("10 % 3", 1), ("2**-1", 0.5), ("(-2)**3", -8),
    ("income * 12 <= 100000", True),
])
def test_ordinary_arithmetic_is_unchanged(expression, value):
    assert expressions.evaluate(expression, {"income": 8000}) == value
