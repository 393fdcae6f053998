"""API: list process models, upload a version (a draft), activate it; running applications keep theirs."""
from sqlalchemy import select

from app.extensions import db
from app.models import Application, AuditEvent, WorkItem
from tests.helpers import submit_residential

from .conftest import ANALYST
from .studio_helpers import BPMN, FORMS, KEY, SCRUTINY_FORM, with_scrutiny


def models(api, user=ANALYST):
    r = api.get("/api/v1/process-models", user=user)
    assert r.status_code == 200, r.get_json()
    return {m["service"]: m for m in r.get_json()["items"]}


def test_list_shows_the_active_version_and_history(api):
    m = models(api)[KEY]
    assert m["active_version"] == 1
    assert [v["status"] for v in m["versions"]] == ["active"]


def test_only_analysts_and_admins_list_and_only_analysts_deploy(api, upload):
    assert api.get("/api/v1/process-models", user="bdo.domkal").status_code == 403
    assert api.get("/api/v1/process-models").status_code == 401
    assert upload.post(user="admin.state").status_code == 403
    assert upload.post(user="bdo.domkal").status_code == 403
    assert upload.activate(1, user="bdo.domkal").status_code == 403


def test_upload_makes_a_draft_and_activation_switches_new_applications_only(app, api, upload):
    old_ain = submit_residential(api)
    r = upload.post(bpmn=with_scrutiny(), forms={**FORMS, "scrutiny": SCRUTINY_FORM})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["version"] == 2 and r.get_json()["status"] == "draft"
    assert models(api)[KEY]["active_version"] == 1
    draft_ain = submit_residential(api)            # a draft changes nothing for new applications

    r = upload.activate(2)
    assert r.status_code == 200 and r.get_json()["status"] == "active"
    assert [v["status"] for v in models(api)[KEY]["versions"]] == ["active", "retired"]
    new_ain = submit_residential(api)

    with app.app_context():
        def first_task(ain):
            app_id = db.session.scalar(select(Application.id).where(Application.ain == ain))
            return db.session.scalar(select(WorkItem.task_key).where(WorkItem.application_id == app_id,
                                                                      WorkItem.closed_at.is_(None)))
        assert first_task(old_ain) == "verify_documents"
        assert first_task(draft_ain) == "verify_documents"
        assert first_task(new_ain) == "scrutiny"
        actions = [a for (a,) in db.session.execute(select(AuditEvent.action).where(
            AuditEvent.object_type == "process_version", AuditEvent.object_key == f"{KEY}:2"))]
        assert actions == ["deployed", "activated"]


def test_same_files_again_give_back_the_same_version(upload):
    first = upload.post(bpmn=BPMN.replace('name="Decision"', 'name="Final decision"'))
    again = upload.post(bpmn=BPMN.replace('name="Decision"', 'name="Final decision"'))
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["version"] == again.get_json()["version"] == 2
    assert again.get_json()["created"] is False


def test_activating_a_missing_version_is_404(upload):
    r = upload.activate(9)
    assert r.status_code == 404
    assert upload.post(service="no_such_service").status_code == 404


def test_diff_between_versions(api, upload):
    upload.post(bpmn=with_scrutiny(), forms={**FORMS, "scrutiny": SCRUTINY_FORM})
    r = api.get(f"/api/v1/process-models/{KEY}/versions/2/diff?against=1", user=ANALYST)
    assert r.status_code == 200
    body = r.get_json()
    assert {"id": "scrutiny", "type": "userTask", "name": "Scrutiny"} in body["added"]
    assert "flow_assigned" in {c["id"] for c in body["changed"]}
