"""The 21 OMG BPMN MIWG reference models: each is accepted or refused with element-level reasons.

None is written for this engine (no camunda:formKey/topic, lanes that are not role codes, FEEL or
JUEL conditions, non-executable processes), so each is refused — with every problem naming its
element or line — and nothing crashes: neither the engine nor the upload API (422, never 500).
"""
from pathlib import Path

import pytest
from lxml import etree

from app import engine
from app.models.people import ROLES

from .studio_helpers import KEY

MIWG = sorted((Path(__file__).parent / "miwg").glob("*.bpmn"))


def test_all_21_reference_models_are_here():
    assert len(MIWG) == 21
    assert (MIWG[0].parent / "LICENSE.txt").exists()


def _first_process(data: bytes) -> str:
    root = etree.fromstring(data)
    return root.xpath('//*[local-name()="process"]/@id')[0]


@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_engine_validates_or_refuses_with_element_level_reasons(path):
    data = path.read_bytes()
    try:
        built = engine.build({path.name: data}, {}, {}, process_id=_first_process(data),
                             known_roles=set(ROLES), known_topics=engine.registered_topics())
    except engine.InvalidModel as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file == path.name
            assert p.element_id or p.line, p
            assert p.message.strip()
        return
    result = engine.dry_run(built.spec_json, {}, {})   # accepted: the dry run must not crash either
    assert isinstance(result.problems, list)


def test_upload_api_answers_422_for_each_never_500(app, upload):
    for path in MIWG:
        r = upload.post(bpmn=path.read_text(encoding="utf-8"))   # with the service's forms and DMN
        assert r.status_code in (200, 201, 422), (path.name, r.status_code)
        if r.status_code == 422:
            problems = r.get_json()["error"]["problems"]
            assert problems and all(p["message"] for p in problems), path.name
            assert any(p["file"] == f"{KEY}.bpmn" and (p["element_id"] or p["line"]) for p in problems)
