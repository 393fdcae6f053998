"""``flask deploy``: idempotent; a broken model is refused with the element id and line, nothing written."""
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessVersion

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "bpmn" / "residential_edistrict.bpmn").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.fixture
def model_dir(tmp_path, app_config):
    """A copy of the shipped model directories that a test may break."""
    dirs = {}
    for kind in ("bpmn", "dmn", "forms", "certificate_templates"):
        shutil.copytree(ROOT / kind, tmp_path / kind)
        dirs[kind] = tmp_path / kind
    app_config.MODEL_DIRS = dirs
    return dirs


def versions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessVersion).where(
            ProcessVersion.process_key == "residential_edistrict"))


def test_deploy_twice_changes_nothing(app, runner):
    before = versions(app)
    result = runner.invoke(args=["deploy"])
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert versions(app) == before


def statuses(app, key="residential_edistrict"):
    with app.app_context():
        return dict(db.session.execute(select(ProcessVersion.version, ProcessVersion.status).where(
            ProcessVersion.process_key == key)).all())


def test_changed_shipped_model_is_a_draft_until_activated(model_dir, app, runner):
    path = model_dir["bpmn"] / "residential_edistrict.bpmn"
    path.write_text(GOOD.replace('name="Verification of documents"', 'name="Scrutiny of documents"'), encoding="utf-8")
    result = runner.invoke(args=["deploy", "residential_edistrict"])
    assert result.exit_code == 0, result.output
    assert "shipped files differ from active version 1 (activated by system" in result.output
    assert "stored as draft version 2" in result.output
    assert statuses(app) == {1: "active", 2: "draft"}
    result = runner.invoke(args=["deploy", "--activate", "residential_edistrict"])
    assert result.exit_code == 0, result.output
    assert "version 2 of the shipped files activated (was version 1)" in result.output
    assert statuses(app) == {1: "retired", 2: "active"}


BREAKAGES = {
    "bad XML": (lambda t: t.replace("</bpmn:startEvent>", "</bpmn:startEvnt>", 1), None, "start"),
    "dangling flow": (lambda t: t.replace('targetRef="decide_office_level" />', 'targetRef="no_such_task" />'),
                      "flow_start", 'id="flow_start"'),
    "bad condition": (lambda t: t.replace('action == "verify"', 'action == = "verify"'),
                      "flow_verified", 'action == = "verify"'),
    "script task": (lambda t: t.replace(
        '<bpmn:serviceTask id="record_approval" name="Record approval" camunda:type="external" camunda:topic="record_decision">',
        '<bpmn:scriptTask id="record_approval" name="Record approval" scriptFormat="python"><bpmn:script>x = 1</bpmn:script>'
    ).replace('</bpmn:serviceTask>\n    <bpmn:serviceTask id="record_rejection"',
              '</bpmn:scriptTask>\n    <bpmn:serviceTask id="record_rejection"'), "record_approval", 'id="record_approval"'),
    "dunder walk": (lambda t: t.replace('action == "reject"</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n    <bpmn:sequenceFlow id="flow_approval_sent_back"',
                                        '().__class__.__base__.__subclasses__()</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n    <bpmn:sequenceFlow id="flow_approval_sent_back"'),
                    "flow_approval_rejected", "().__class__"),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_model_is_refused_with_element_and_line(case, model_dir, app, runner):
    breaker, element_id, needle = BREAKAGES[case]
    broken = breaker(GOOD)
    assert broken != GOOD, "the breakage did not apply"
    (model_dir["bpmn"] / "residential_edistrict.bpmn").write_text(broken, encoding="utf-8")
    before = versions(app)
    result = runner.invoke(args=["deploy", "residential_edistrict"])
    assert result.exit_code != 0
    output = result.output
    assert "NOT deployed" in output
    if element_id:
        assert f"[{element_id}]" in output, output
    lines = [int(n) for n in re.findall(r"residential_edistrict\.bpmn:(\d+)", output)]
    expected = _line_of(broken, needle) if needle.startswith(("id=", "action", "()")) else None
    assert lines, output
    if expected:
        assert expected in lines or any(abs(n - expected) <= 2 for n in lines), (expected, output)
    assert versions(app) == before
