"""docs/openapi.yaml stays in step with the API routes (API.md asks for it)."""
import re
from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_api_route_is_documented(bare_app):
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    documented = {(_normalise(p), m.upper()) for p, ops in spec["paths"].items() for m in ops if m != "parameters"}
    missing = []
    for rule in bare_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _normalise(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):]))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method) not in documented:
                missing.append(f"{method} {rule.rule}")
    assert missing == [], "add these to docs/openapi.yaml"
