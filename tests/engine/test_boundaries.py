"""The engine imports nothing of Flask or our other packages."""
from __future__ import annotations

import ast
import pathlib

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "app" / "engine"
ALLOWED_ROOTS = {"SpiffWorkflow", "lxml", "__future__", "ast", "multiprocessing", "resource", "os", "traceback", "copy", "dataclasses", "functools",
                 "hashlib", "json", "logging", "re", "threading", "collections", "datetime",
                 "typing", "uuid"}


def test_engine_imports_only_spiff_lxml_and_stdlib():
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert roots <= ALLOWED_ROOTS, (path.name, roots)
