"""Tests build a new app for almost every test; most of ``create_app`` is Werkzeug compiling, for each
of the ~120 URL rules, two URL-builder functions from a generated syntax tree (``Rule._compile_builder``:
``ast`` + ``compile``) — the same code every time for the same rule.

Here the compiled builder is kept per rule text and parse trace, and handed to the next app's rule
with the same text. A builder takes its rule as its first argument (it is bound with ``__get__``)
and reads only its arguments, so sharing it between apps changes nothing. Rules with ``defaults``
fold the defaults into the code through their converters: those are compiled as before.
"""
from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_builders: dict = {}


def _compile_builder(self, append_unknown: bool = True):
    if self.defaults:
        return _original(self, append_unknown)
    key = (self.rule, tuple(self._trace), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _compile_builder
