"""The deploy dry run walks every path with services stubbed and timers fired."""
from app import engine

from .studio_helpers import BPMN, DMN, DMN_NAME, FORMS, ROLES, SEED, STUBS, TOPICS, line_of, with_timer


def built(bpmn=BPMN, forms=FORMS, topics=TOPICS):
    return engine.build({"m.bpmn": bpmn.encode()}, {DMN_NAME: DMN.encode()}, forms,
                        process_id="residential_edistrict", known_roles=ROLES, known_topics=topics)


def run(bpmn=BPMN, forms=FORMS, seed=SEED, stubs=STUBS):
    return engine.dry_run(built(bpmn, forms).spec_json, forms, seed, stubs=stubs,
                          locate=engine.build_locator({"m.bpmn": bpmn.encode()}))


def test_every_path_of_the_shipped_model_runs():
    result = run()
    assert result.problems == []
    assert result.ends == {"end_approved", "end_rejected"}
    assert {"verify_documents", "field_enquiry", "approve_certificate", "resubmit"} <= result.reached
    assert result.unreached == []


def test_an_action_no_gateway_condition_takes_is_refused_on_the_gateway():
    forms = dict(FORMS)
    forms["approval"] = dict(FORMS["approval"], **{"x-actions": FORMS["approval"]["x-actions"] + [{"key": "hold"}]})
    [p] = run(forms=forms).problems
    assert p.element_id == "gw_approval"
    assert p.line == line_of(BPMN, 'id="gw_approval"')
    assert "approve_certificate:hold" in p.message


def test_timers_are_fired_and_their_branch_runs():
    seed = dict(SEED, sla_due="2030-01-01T00:00:00+00:00")
    result = run(bpmn=with_timer(), seed=seed)
    assert result.problems == []
    assert "escalate" in result.reached and "end_escalated" in result.reached


def test_a_timer_naming_a_missing_variable_is_refused_on_the_timer():
    [p] = run(bpmn=with_timer()).problems
    assert p.element_id == "verify_sla"
    assert "sla_due" in p.message


def test_failure_after_a_service_without_stub_is_only_a_warning():
    stubs = {"record_decision": STUBS["record_decision"]}   # assign_processing_office has none
    result = run(bpmn=with_timer(), stubs=stubs)
    assert result.problems == []
    assert any("could not be checked" in w.message and "assign_processing_office" in w.message
               for w in result.warnings)


def test_services_are_never_called_for_real():
    called = []
    engine.register_service("record_decision", lambda call: called.append(call) or {})
    try:
        run()
    finally:
        from app.processes.services import register_all
        register_all()
    assert called == []


def test_sample_from_schema_follows_the_form():
    schema = {"type": "object", "properties": {
        "a": {"type": "string", "enum": ["x", "y"]}, "b": {"type": "integer", "minimum": 5},
        "c": {"type": "string", "format": "date"}, "d": {"type": "string", "x-officer-role": "EO"},
        "e": {"type": "boolean"}, "f": {"type": "array"}, "g": {"type": "string", "examples": ["ex"]}}}
    assert engine.sample_from_schema(schema) == {"a": "x", "b": 5, "c": "2000-01-01", "d": "dryrun.officer",
                                                 "e": False, "f": [], "g": "ex"}
