"""``PATCH /api/v1/services/<key>``; the published SLA follows the escalation matrix; the full diff."""
import json

from .conftest import ANALYST
from .test_bundle import download, post_zip

KEY = "income"


def published(api, key=KEY):
    items = api.get("/api/v1/services?per_page=100").get_json()["items"]
    return next(s for s in items if s["key"] == key)


def test_analyst_changes_names_documents_fee_and_flags(api):
    docs = [{"type": "income_proof", "name": "Salary slip or employer's letter", "name_bn": "বেতনের স্লিপ", "required": True}]
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={
        "name": {"en": "Income Certificate (new)", "bn": "আয় শংসাপত্র (নতুন)"}, "documents": docs, "fee": 20,
        "tatkal_available": True, "fifo_enforced": False})
    assert r.status_code == 200, r.get_json()
    shown = published(api)
    assert shown["name"] == {"en": "Income Certificate (new)", "bn": "আয় শংসাপত্র (নতুন)"}
    assert shown["fee"] == 20 and shown["tatkal_available"] is True and shown["fifo_enforced"] is False
    assert shown["documents"] == [{"type": "income_proof", "name": "Salary slip or employer's letter", "required": True}]


def test_bad_fields_are_422_with_field_errors(api):
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={"fee": "free", "documents": [{"type": "X"}]})
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert fields["body.fee"] == "must be a whole number" and "body.documents.0.name" in fields
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={"key": "other", "service_code": "999"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"body.key", "body.service_code"}
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={"colour": "red"})
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"body.colour": "is not a field of this form"}
    assert published(api)["fee"] == 0


def test_only_analysts_and_admins(api):
    assert api.patch(f"/api/v1/services/{KEY}", user="bdo.domkal", json={"fee": 5}).status_code == 403
    assert api.patch(f"/api/v1/services/{KEY}", json={"fee": 5}).status_code == 401
    assert api.patch("/api/v1/services/nope", user="admin.state", json={"fee": 5}).status_code == 404


def test_published_sla_must_equal_the_matrix(api):
    sla = published(api)["sla"]
    assert sla["total_days"] == 7 and sla["steps"][0]["days"] == 7
    wrong = json.loads(json.dumps(sla))
    wrong["steps"][0]["days"] = 3
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={"sla": wrong})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"body.sla.steps.0.days": "the escalation matrix says 7"}
    renamed = json.loads(json.dumps(sla))
    renamed["steps"][0]["name"] = "Pradhan checks and signs"
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={"sla": renamed})
    assert r.status_code == 200, r.get_json()
    assert published(api)["sla"]["steps"][0]["name"] == "Pradhan checks and signs"


def faster_matrix(files):
    name = "dmn/escalation_matrix.dmn"
    text = files[name].decode()
    old = '<outputEntry id="rule_a_sla_days"><text>7</text>'
    assert old in text
    return {**files, name: text.replace(old, '<outputEntry id="rule_a_sla_days"><text>5</text>').encode()}


def test_activation_publishes_the_matrix_sla_and_the_diff_shows_it_first(api):
    files = faster_matrix(download(api, 1, service=KEY))
    r = post_zip(api, files, service=KEY)
    assert r.status_code == 201, r.get_json()
    number = r.get_json()["version"]
    diff = api.get(f"/api/v1/process-models/{KEY}/versions/{number}/diff?against=1", user=ANALYST).get_json()
    [dmn] = diff["dmn"]
    assert dmn["file"] == "dmn/escalation_matrix.dmn" and dmn["status"] == "changed"
    assert any(line.startswith("+") and "<text>5</text>" in line for line in dmn["diff"])
    assert diff["forms"] == [] and diff["templates"] == [] and diff["added"] == [] and diff["removed"] == []
    [change] = diff["catalogue"]
    assert change["field"] == "sla" and change["from"]["total_days"] == 7 and change["to"]["total_days"] == 5
    assert published(api)["sla"]["total_days"] == 7           # nothing changes before activation
    assert api.post(f"/api/v1/process-models/{KEY}/versions/{number}/activate", user=ANALYST).status_code == 200
    sla = published(api)["sla"]
    assert sla["total_days"] == 5 and sla["steps"][0]["days"] == 5
    assert sla["steps"][0]["name"] == "Scrutiny and approval by the Pradhan"   # the wording is kept


def test_diff_names_form_and_template_changes(api):
    files = download(api, 1, service=KEY)
    form = json.loads(files[f"forms/{KEY}.json"])
    props = form["properties"]
    first = next(iter(props))
    form["properties"] = {**{k: v for k, v in props.items() if k != first}, first: props[first], "note": {
        "type": "string", "maxLength": 50, "title": "Note", "title_bn": "মন্তব্য"}}
    files[f"forms/{KEY}.json"] = json.dumps(form, ensure_ascii=False).encode()
    template = next(n for n in files if n.startswith("certificate_templates/") and KEY in n)
    files[template] = files[template] + b"\n\n"   # format-neutral (HTML or Typst)
    r = post_zip(api, files, service=KEY)
    assert r.status_code == 201, r.get_json()
    diff = api.get(f"/api/v1/process-models/{KEY}/versions/{r.get_json()['version']}/diff", user=ANALYST).get_json()
    [f] = diff["forms"]
    assert f["fields_added"] == ["note"] and f["fields_removed"] == [] and f["reordered"] is True
    [t] = diff["templates"]
    assert t["file"] == template and t["status"] == "changed" and t["diff"][0].startswith("---")


def test_a_catalogue_change_is_audited_with_old_and_new_values(api, app):
    from sqlalchemy import select

    from app.audit.operations import verify_chain
    from app.extensions import db
    from app.models import AuditEvent
    old_name = published(api)["name"]
    r = api.patch(f"/api/v1/services/{KEY}", user=ANALYST, json={
        "fee": 30, "name": {"en": "Income Certificate (renamed)", "bn": old_name["bn"]}, "fifo_enforced": True})
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "service", AuditEvent.object_key == KEY, AuditEvent.action == "updated")
            .order_by(AuditEvent.id.desc())).first()
        assert event.actor == ANALYST
        assert event.data["fields"] == ["fee", "fifo_enforced", "name"]
        # fifo_enforced was already true: sent, but not a change, so not in before/after
        assert event.data["before"] == {"name": {"en": old_name["en"], "bn": old_name["bn"]}, "fee": 0}
        assert event.data["after"] == {"name": {"en": "Income Certificate (renamed)", "bn": old_name["bn"]}, "fee": 30}
        assert verify_chain("service", KEY) is True
