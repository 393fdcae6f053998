"""Exceptions and problem records of the engine's public API."""
from __future__ import annotations

from typing import NamedTuple


class ModelProblem(NamedTuple):
    file: str
    element_id: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.element_id:
            where += f" [{self.element_id}]"
        return f"{where}: {self.message}"


class InvalidModel(Exception):
    """A process model was refused; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ModelProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TaskNotReady(Exception):
    """The guid names no READY user task of this workflow."""


class ScriptsDisabled(Exception):
    """Script tasks and scripts are refused by Pravah's script engine."""
