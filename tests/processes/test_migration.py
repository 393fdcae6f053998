"""Moving a running flow-C application to another version: dry run, migration, refusal of unsafe moves."""
from flask import current_app

from app.extensions import db
from app.processes import deploy
from tests.helpers import act, submit_residential, task_for

KEY = "residential_edistrict"
MIGRATE = "/api/v1/applications/{}/migrate"


def _deploy(app, change) -> int:
    """A new active version of the shipped model with ``change(bpmn text)`` applied."""
    with app.app_context():
        files = deploy.collect_files(KEY, current_app.config["MODEL_DIRS"])
        name = next(iter(files.bpmn))
        files.bpmn[name] = change(files.bpmn[name].decode("utf-8")).encode("utf-8")
        version, created = deploy.deploy(KEY, files)
        assert created
        db.session.commit()
        return version.version


def _renamed(text):
    return text.replace('name="Verification of documents"', 'name="Scrutiny of documents"')


def _verification_to_eo(text):
    text = text.replace("<bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef>", "", 1)
    return text.replace('<bpmn:lane id="lane_eo" name="EO">',
                        '<bpmn:lane id="lane_eo" name="EO"><bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef>', 1)


def test_dry_run_then_migration_continues_to_a_certificate(api, app):
    ain = submit_residential(api)
    before = task_for(api, "bdo.domkal", ain)
    assert before["task"]["name"] == "Verification of documents"
    v2 = _deploy(app, _renamed)

    assert api.post(MIGRATE.format(ain), json={"version": v2}, user="bdo.domkal").status_code == 403
    r = api.post(MIGRATE.format(ain), json={"version": v2, "dry_run": True}, user="analyst.state")
    assert r.status_code == 200, r.get_json()
    plan = r.get_json()
    assert plan["movable"] is True and plan["reasons"] == [] and plan["to_version"] == v2
    assert plan["task_map"]["verify_documents"] == "verify_documents"
    assert task_for(api, "bdo.domkal", ain)["task"]["name"] == "Verification of documents"   # dry run: unchanged

    r = api.post(MIGRATE.format(ain), json={"version": v2, "dry_run": False}, user="analyst.state")
    assert r.status_code == 200, r.get_json()
    after = task_for(api, "bdo.domkal", ain)
    assert after["id"] == before["id"] and after["task"]["name"] == "Scrutiny of documents"
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-domkal").get_json()["items"]
    assert "migrated" in [h["action"] for h in history]

    act(api, "bdo.domkal", ain, "verify")
    body = act(api, "bdo.domkal", ain, "approve")
    assert body["status"] == "DELIVERED"
    detail = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()
    assert len(detail["certificate"]["uin"]) == 16


def test_a_move_to_another_inbox_is_refused_and_changes_nothing(api, app):
    ain = submit_residential(api)
    v_next = _deploy(app, _verification_to_eo)
    plan = api.post(MIGRATE.format(ain), json={"version": v_next, "dry_run": True}, user="analyst.state").get_json()
    assert plan["movable"] is False
    assert plan["reasons"] == ["the waiting task 'Verification of documents' (verify_documents) would move "
                               "from the BDO inbox to the EO inbox"]
    r = api.post(MIGRATE.format(ain), json={"version": v_next, "dry_run": False}, user="analyst.state")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "not_movable"
    assert r.get_json()["error"]["reasons"] == plan["reasons"]
    assert task_for(api, "bdo.domkal", ain)["task"]["key"] == "verify_documents"
    act(api, "bdo.domkal", ain, "verify")   # still runs on its own version


def test_bad_requests(api, app):
    ain = submit_residential(api)
    for body, field in (({"version": "two"}, "version"), ({"version": 2, "dry_run": "no"}, "dry_run"),
                        ({"version": 2, "colour": 1}, "colour")):
        r = api.post(MIGRATE.format(ain), json=body, user="analyst.state")
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], body
    assert api.post(MIGRATE.format(ain), json={"version": 999}, user="analyst.state").status_code == 404
    assert api.post(MIGRATE.format("HHA012-2026-9999999-X"), json={"version": 1},
                    user="analyst.state").status_code == 404


def test_cli_moves_every_movable_application(api, app):
    ains = [submit_residential(api) for _ in range(3)]
    act(api, "bdo.domkal", ains[0], "verify")          # at another step: still movable (same ids)
    v2 = _deploy(app, _renamed)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["processes", "migrate", KEY, "--to", str(v2), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 can move" in dry.output and "Checking 3 applications" in dry.output   # with its progress bar
    moved = runner.invoke(args=["processes", "migrate", KEY, "--to", str(v2)])
    assert moved.exit_code == 0, moved.output
    assert "3 moved" in moved.output
    again = runner.invoke(args=["processes", "migrate", KEY, "--to", str(v2)])
    assert "0 moved" in again.output
