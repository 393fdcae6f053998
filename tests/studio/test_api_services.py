"""API: a new catalogue entry is closed until a version with its form and certificate template is active."""
import copy

from .studio_helpers import BPMN, FORMS, KEY, ROOT

NEW = {"key": "domicile_test", "name": {"en": "Domicile Certificate (test)", "bn": "ডোমিসাইল শংসাপত্র"},
       "department": {"code": "HHA"}, "service_code": "099", "level": "BLOCK", "bilingual": True,
       "tatkal_available": False, "fifo_enforced": False, "fee": 0,
       "documents": [{"type": "photograph", "name": "Photograph", "required": True}]}


def create(api, body=NEW, user="analyst.state"):
    return api.post("/api/v1/services", json=body, user=user)


def public_keys(api):
    return {s["key"] for s in api.get("/api/v1/services?per_page=200").get_json()["items"]}


def test_new_service_is_created_closed(api):
    r = create(api)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["key"] == "domicile_test" and body["active"] is False
    assert body["name"] == NEW["name"] and body["department"]["code"] == "HHA"
    assert "domicile_test" not in public_keys(api)
    assert create(api, user="admin.state").status_code == 409   # admins may create too; this key is taken


def test_duplicate_key_or_code_is_409(api):
    assert create(api).status_code == 201
    again = create(api)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_key"
    same_code = dict(NEW, key="other_test")
    r = create(api, same_code)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "duplicate_code"


def test_bad_fields_are_422_and_officers_403(api):
    r = create(api, dict(NEW, colour="blue", service_code="12"))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"body.colour", "body.service_code"}
    r = create(api, dict(NEW, department={"code": "ZZZ"}))
    assert r.status_code == 422 and "body.department.code" in r.get_json()["error"]["fields"]
    assert create(api, user="bdo.domkal").status_code == 403


def test_service_opens_when_a_version_with_form_and_template_is_activated(api, upload):
    assert create(api).status_code == 201
    key = NEW["key"]
    bpmn = BPMN.replace(f'id="{KEY}"', f'id="{key}"').replace(f'processRef="{KEY}"', f'processRef="{key}"')
    forms = copy.deepcopy(FORMS)
    forms[key] = forms.pop(KEY)
    bpmn = bpmn.replace(f'camunda:formKey="{KEY}"', f'camunda:formKey="{key}"')
    without_template = upload.post(service=key, bpmn=bpmn, forms=forms, templates={})
    assert without_template.status_code == 201, without_template.get_json()
    assert upload.activate(1, service=key).status_code == 200
    assert key not in public_keys(api)          # no certificate template yet: still closed

    template = (ROOT / "certificate_templates" / f"{KEY}.typ").read_text(encoding="utf-8")
    layout = (ROOT / "certificate_templates" / "_layout.typ").read_text(encoding="utf-8")
    r = upload.post(service=key, bpmn=bpmn, forms=forms, templates={f"{key}.typ": template, "_layout.typ": layout})
    assert r.status_code == 201 and r.get_json()["version"] == 2
    assert upload.activate(2, service=key).status_code == 200
    assert key in public_keys(api)
    assert api.get(f"/api/v1/services/{key}/form").status_code == 200
