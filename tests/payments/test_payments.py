"""A fee step in BPMN blocks the application until the gateway's signed callback; refunds on rejection."""
import shutil
from pathlib import Path

import pytest

from app.catalogue.operations import load_catalogue
from app.extensions import db
from app.processes.deploy import collect_files, deploy
from tests.helpers import act, upload
from tests.services.samples import inbox_ains

from .fake_gateway import FakeGateway

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
SECRET = "gateway-shared-secret-for-tests"
CALLBACK = "/api/v1/payments/callback"


@pytest.fixture
def gateway(app):
    fake = FakeGateway(SECRET)
    app.config.update(PAYMENT_GATEWAY_URL=fake.url, PAYMENT_GATEWAY_SECRET=SECRET)
    yield fake
    fake.close()


@pytest.fixture
def fee_service(app, tmp_path):
    dirs = {kind: tmp_path / kind for kind in ("bpmn", "dmn", "forms", "certificate_templates")}
    for path in dirs.values():
        path.mkdir()
    shutil.copy(FIXTURES / "trade_noc_fee.bpmn", dirs["bpmn"])
    shutil.copy(FIXTURES / "trade_noc_fee.json", dirs["forms"])
    for form in ("approval.json", "payment.json"):
        shutil.copy(ROOT / "forms" / form, dirs["forms"])
    shutil.copy(ROOT / "dmn" / "processing_office_level.dmn", dirs["dmn"])
    with app.app_context():
        assert load_catalogue(FIXTURES / "catalogue.json") == ["trade_noc_fee"]
        deploy("trade_noc_fee", collect_files("trade_noc_fee", dirs))
        db.session.commit()
    return "trade_noc_fee"


def _apply(api):
    doc = upload(api, "operator.raipur", "ownership_proof").get_json()["id"]
    r = api.post("/api/v1/applications", user="operator.raipur", json={
        "service": "trade_noc_fee", "applicant": {"name": "Jamal Sheikh", "mobile": "9876543211"},
        "location": {"lgd_code": "131001"}, "documents": [{"type": "ownership_proof", "id": doc}],
        "data": {"trade_name": "Sheikh Grocery", "premises_address": "Raipur bazar, shop 4"}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


def _pay(api, gateway, ain, **kw):
    started = api.post(f"/api/v1/applications/{ain}/payment", user="operator.raipur")
    assert started.status_code == 200, started.get_json()
    order = started.get_json()["order_id"]
    assert started.get_json()["payment_url"] == f"{gateway.url}/pay/{order}"
    body, headers = gateway.callback(order, **kw)
    return order, api.client.post(CALLBACK, data=body, headers=headers)


def test_the_fee_step_waits_for_the_signed_callback(api, gateway, fee_service):
    ain = _apply(api)
    status = api.get(f"/api/v1/applications/{ain}/payment", user="operator.raipur").get_json()
    assert (status["amount"], status["status"], status["receipt_no"]) == (5000, "pending", None)
    assert ain not in inbox_ains(api, "pradhan.raipur")                # blocked at the fee
    assert api.get(f"/api/v1/track/{ain}").get_json()["stage"] == "Payment of the fee"

    order, forged = None, None
    started = api.post(f"/api/v1/applications/{ain}/payment", user="operator.raipur").get_json()
    order = started["order_id"]
    body, headers = gateway.callback(order, secret="not-the-gateway")
    forged = api.client.post(CALLBACK, data=body, headers=headers)
    assert forged.status_code == 401
    body, headers = gateway.callback(order, amount=100)
    assert api.client.post(CALLBACK, data=body, headers=headers).status_code == 422
    assert ain not in inbox_ains(api, "pradhan.raipur")

    body, headers = gateway.callback(order)
    paid = api.client.post(CALLBACK, data=body, headers=headers)
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid", paid.get_json()
    again = api.client.post(CALLBACK, data=body, headers=headers)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert ain in inbox_ains(api, "pradhan.raipur")                    # the process went on, once
    receipt = api.get(f"/api/v1/applications/{ain}/payment", user="operator.raipur").get_json()
    assert (receipt["status"], receipt["receipt_no"]) == ("paid", f"RCPT-{order}")
    history = [h["action"] for h in api.get(f"/api/v1/applications/{ain}/history", user="operator.raipur")
               .get_json()["items"]]
    assert history.count("payment_received") == 1
    assert act(api, "pradhan.raipur", ain, "approve")["status"] == "APPROVED"


def test_a_failed_payment_can_be_paid_again_and_a_rejection_marks_the_refund(api, gateway, fee_service):
    ain = _apply(api)
    _, failed = _pay(api, gateway, ain, status="FAILURE")
    assert failed.get_json()["status"] == "failed"
    assert ain not in inbox_ains(api, "pradhan.raipur")
    _, paid = _pay(api, gateway, ain)
    assert paid.get_json()["status"] == "paid"
    act(api, "pradhan.raipur", ain, "reject", reason="The premises are in a residential zone.")
    due = api.get("/api/v1/payments/refunds", user="admin.state").get_json()["items"]
    assert [(p["ain"], p["status"]) for p in due] == [(ain, "refund_due")]
    assert api.get("/api/v1/payments/refunds", user="pradhan.raipur").status_code == 403
    done = api.post(f"/api/v1/payments/{due[0]['id']}/refunded", user="admin.state")
    assert done.status_code == 200 and done.get_json()["status"] == "refunded"
    assert api.post(f"/api/v1/payments/{due[0]['id']}/refunded", user="admin.state").status_code == 409
    assert api.get("/api/v1/payments/refunds", user="admin.state").get_json()["items"] == []


def test_without_a_gateway_the_applicant_is_told_plainly(api, app, fee_service):
    ain = _apply(api)
    r = api.post(f"/api/v1/applications/{ain}/payment", user="operator.raipur")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "payment_gateway_unavailable"
    assert api.post(CALLBACK, data=b"{}", headers={"X-Signature": "sha256=00"}).status_code == 401


def test_a_payment_step_without_a_fee_is_refused_at_deploy(app, tmp_path):
    import json
    from app.processes.deploy import InvalidModel
    catalogue = json.loads((FIXTURES / "catalogue.json").read_text(encoding="utf-8"))
    catalogue["services"][0].update(key="trade_noc_free", service_code="015", fee=0)
    (tmp_path / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")
    dirs = {kind: tmp_path / kind for kind in ("bpmn", "dmn", "forms")}
    for path in dirs.values():
        path.mkdir()
    (dirs["bpmn"] / "trade_noc_free.bpmn").write_text(
        (FIXTURES / "trade_noc_fee.bpmn").read_text(encoding="utf-8").replace("trade_noc_fee", "trade_noc_free"))
    form = json.loads((FIXTURES / "trade_noc_fee.json").read_text(encoding="utf-8"))
    (dirs["forms"] / "trade_noc_free.json").write_text(json.dumps({**form, "$id": "trade_noc_free"}))
    for name in ("approval.json", "payment.json"):
        shutil.copy(ROOT / "forms" / name, dirs["forms"])
    shutil.copy(ROOT / "dmn" / "processing_office_level.dmn", dirs["dmn"])
    with app.app_context():
        load_catalogue(tmp_path / "catalogue.json")
        with pytest.raises(InvalidModel) as refused:
            deploy("trade_noc_free", collect_files("trade_noc_free", dirs))
        [problem] = refused.value.problems
        assert problem["element_id"] == "request_fee" and "no fee" in problem["message"]
        db.session.rollback()
