"""Studio pages through the session login: modeller page, JSON actions, form preview, export, heatmap."""
import io
import json
import zipfile

from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import WorkItem

from tests.conftest import DEMO_PASSWORD
from tests.helpers import submit_residential

from .conftest import login  # noqa: F401  (other test modules import the fixture from here)
from .studio_helpers import BPMN, DMN, DMN_NAME, FORMS, KEY, SCRUTINY_FORM, with_scrutiny


def payload(bpmn=BPMN, forms=None):
    return {"bpmn": bpmn, "dmn": {DMN_NAME: DMN}, "forms": forms or FORMS, "samples": {}}


def test_modeller_page_carries_the_current_files_and_vendored_bundles(login):
    r = login("analyst.state").get(f"/studio/{KEY}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "vendor/bpmn-js/bpmn-modeler.production.min.js" in html
    assert "vendor/dmn-js/dmn-modeler.production.min.js" in html   # loaded when the tables are opened
    data = json.loads(html.split('id="studio-data">', 1)[1].split("</script>", 1)[0])
    assert data["base_version"] == 1 and "<bpmn:process" in data["files"]["bpmn"]
    assert "assign_processing_office" in data["topics"]
    assert "'unsafe-inline'" in r.headers["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_only_analysts_open_the_modeller(login, app):
    assert login("bdo.domkal").get(f"/studio/{KEY}").status_code == 403
    assert app.test_client().get(f"/studio/{KEY}").status_code == 302   # to the login page


def test_validate_save_activate_from_the_page(login):
    client = login("analyst.state")
    bad = client.post(f"/studio/{KEY}/validate", json=payload(BPMN.replace('name="EO"', 'name="WIZARD"')))
    assert bad.status_code == 200 and bad.get_json()["ok"] is False   # a report; saving it is refused
    assert any(p["element_id"] == "lane_eo" for p in bad.get_json()["problems"])
    refused = client.post(f"/studio/{KEY}/drafts", json=payload(BPMN.replace('name="EO"', 'name="WIZARD"')))
    assert refused.status_code == 422
    assert any(p["element_id"] == "lane_eo" for p in refused.get_json()["error"]["problems"])
    body = payload(with_scrutiny(), {**FORMS, "scrutiny": SCRUTINY_FORM})
    ok = client.post(f"/studio/{KEY}/validate", json=body)
    assert ok.status_code == 200 and ok.get_json()["ok"] is True
    saved = client.post(f"/studio/{KEY}/drafts", json=body)
    assert saved.status_code == 201 and saved.get_json()["status"] == "draft"
    n = saved.get_json()["version"]
    diff = client.get(f"/studio/{KEY}/versions/{n}/diff")
    assert any(a["id"] == "scrutiny" for a in diff.get_json()["added"])
    activated = client.post(f"/studio/{KEY}/versions/{n}/activate")
    assert activated.status_code == 200 and activated.get_json()["status"] == "active"


def test_form_preview_renders_both_languages_with_the_citizens_macro(login):
    schema = {"type": "object", "title": "Scrutiny", "title_bn": "যাচাই", "properties": {
        "note": {"type": "string", "title": "Note", "title_bn": "মন্তব্য"}}}
    r = login("analyst.state").post(f"/studio/{KEY}/form-preview", json=schema)
    assert r.status_code == 200
    assert "Note" in r.get_json()["en"] and 'name="data.note"' in r.get_json()["en"]
    assert "মন্তব্য" in r.get_json()["bn"] and "যাচাই" in r.get_json()["bn"]
    assert login("analyst.state").post(f"/studio/{KEY}/form-preview", json=[1]).status_code == 422


def test_export_zip_holds_the_files(login):
    r = login("analyst.state").get(f"/studio/{KEY}/export.zip")
    assert r.status_code == 200
    names = set(zipfile.ZipFile(io.BytesIO(r.data)).namelist())
    assert {f"bpmn/{KEY}.bpmn", f"forms/{KEY}.json", "certificate_templates/_layout.typ"} <= names
    assert any(n.startswith("dmn/") and n.endswith(".dmn") for n in names)


def test_heatmap_counts_open_tasks_within_jurisdiction(app, api, login):
    submit_residential(api)
    submit_residential(api, name="Second Applicant")
    analyst = login("analyst.state").get(f"/studio/{KEY}/heatmap.json").get_json()
    assert analyst["tasks"]["verify_documents"]["open"] == 2
    assert analyst["tasks"]["verify_documents"]["overdue"] == 0
    bdo = login("bdo.domkal").get(f"/studio/{KEY}/heatmap.json").get_json()
    assert bdo["tasks"]["verify_documents"]["open"] == 2
    dm = login("dm.murshidabad").get(f"/studio/{KEY}/heatmap.json")
    assert dm.get_json()["tasks"]["verify_documents"]["open"] == 2
    assert login("sdo.domkal").get(f"/studio/{KEY}/heatmap.json").get_json()["total"] == 2
    for user in ("bdo.jalangi", "bdo.barasat1", "sdo.barasat", "dm.north24parganas"):   # elsewhere
        assert login(user).get(f"/studio/{KEY}/heatmap.json").get_json()["tasks"] == {}, user
    assert login("operator.csc-domkal").get(f"/studio/{KEY}/heatmap.json").status_code == 403
    page = login("bdo.domkal").get(f"/studio/{KEY}/heatmap")
    assert page.status_code == 200 and 'data-task="verify_documents"' in page.get_data(as_text=True)


def test_heatmap_age_and_overdue_follow_the_app_clock(app, api, login):
    submit_residential(api)
    submit_residential(api, name="Second Applicant")
    with app.app_context():   # one item due in 10 days, the other with no due date
        items = db.session.scalars(select(WorkItem).where(WorkItem.closed_at.is_(None))).all()
        items[0].due_at = clock.now() + timedelta(days=10)
        items[1].due_at = None
        db.session.commit()
    client = login("analyst.state")
    assert client.get(f"/studio/{KEY}/heatmap.json").get_json()["tasks"]["verify_documents"]["overdue"] == 0
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=11), tick=False):
        client = app.test_client()  # the session of 11 days ago has timed out (docs/security.md)
        assert client.post("/login", data={"username": "analyst.state", "password": DEMO_PASSWORD}).status_code == 302
        row = client.get(f"/studio/{KEY}/heatmap.json").get_json()["tasks"]["verify_documents"]
    assert row["overdue"] == 1 and row["open"] == 2
    assert row["oldest_seconds"] >= 11 * 86400 - 60
