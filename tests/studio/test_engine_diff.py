"""Diff between two versions of a model: added, removed, changed elements (layout ignored)."""
import pytest

from app import engine

from .studio_helpers import BPMN


def test_identical_models_have_no_differences():
    assert engine.diff_models(BPMN, BPMN) == {"added": [], "removed": [], "changed": []}


def test_added_removed_and_changed_elements():
    new = (BPMN.replace('action == "verify"', 'action == "verified"')
               .replace('<bpmn:endEvent id="end_rejected" name="Rejected">',
                        '<bpmn:task id="t_new" name="New step" /><bpmn:endEvent id="end_rejected" name="Rejected">')
               .replace('name="Verification of documents"', 'name="Scrutiny"'))
    new = new.replace('<bpmn:sequenceFlow id="flow_to_end_rejected" sourceRef="record_rejection" targetRef="end_rejected" />', '')
    d = engine.diff_models(BPMN, new)
    assert d["added"] == [{"id": "t_new", "type": "task", "name": "New step"}]
    assert [r["id"] for r in d["removed"]] == ["flow_to_end_rejected"]
    changed = {c["id"]: c["changes"] for c in d["changed"]}
    assert changed["flow_verified"] == ["changed: conditionExpression"]
    assert changed["verify_documents"] == ["name: 'Verification of documents' → 'Scrutiny'"]


def test_layout_moves_are_not_changes():
    moved = BPMN.replace('<dc:Bounds x="', '<dc:Bounds x="1', 1)
    assert moved != BPMN
    assert engine.diff_models(BPMN, moved)["changed"] == []


def test_unsafe_xml_is_refused():
    with pytest.raises(ValueError):
        engine.diff_models(BPMN, '<!DOCTYPE x [<!ENTITY a "b">]><x/>')
