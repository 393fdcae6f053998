"""POST /api/v1/applications: validation, documents, idempotency, AIN and tracking."""
from sqlalchemy import func, select

from app.extensions import db
from app.intake import ain as ain_codes
from app.models import Application, ProcessInstance, WorkItem
from tests.helpers import RESIDENTIAL_FORM, residential_payload, submit_residential


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Application, ProcessInstance, WorkItem))


def test_submission_answers_with_ain_and_acknowledgement(api):
    r = api.post("/api/v1/applications", json=residential_payload(api, "operator.csc-domkal"), user="operator.csc-domkal")
    assert r.status_code == 201
    body = r.get_json()
    assert ain_codes.normalise(body["ain"]) == body["ain"]
    assert body["ain"].startswith("HHA012-")
    assert body["status"] == "SUBMITTED"
    assert body["stage"] == "Verification of documents"
    assert body["acknowledgement_url"].endswith(f"/api/v1/applications/{body['ain']}/acknowledgement.pdf")


def test_unknown_fields_are_refused_and_nothing_is_written(api, app):
    before = counts(app)
    payload = residential_payload(api, "operator.csc-domkal")
    payload["data"]["sla_days"] = 3650
    payload["priority"] = "high"
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert fields["data.sla_days"] == "is not a field of this form"
    assert fields["priority"] == "unknown field"
    assert counts(app) == before


def test_field_errors_name_each_field(api):
    payload = residential_payload(api, "operator.csc-domkal", data={**RESIDENTIAL_FORM, "pin_code": "12", "date_of_birth": "soon"})
    del payload["data"]["purpose"]
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    fields = r.get_json()["error"]["fields"]
    assert r.status_code == 422
    assert set(fields) >= {"data.pin_code", "data.date_of_birth", "data.purpose"}


def test_missing_documents_are_listed(api, app):
    before = counts(app)
    payload = residential_payload(api, "operator.csc-domkal", doc_types=("photograph",))
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 422
    missing = {d["type"] for d in r.get_json()["error"]["missing_documents"]}
    assert missing == {"identity_proof", "age_proof", "residence_certificate"}
    assert counts(app) == before


def test_someone_elses_document_cannot_be_attached(api):
    payload = residential_payload(api, "operator.csc-domkal")
    theirs = residential_payload(api, "operator.csc-barasat")
    payload["documents"][0]["id"] = theirs["documents"][0]["id"]
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["documents.0.id"] == "no such document in your uploads"


def test_idempotency_key_gives_the_same_application(api, app):
    payload = residential_payload(api, "operator.csc-domkal")
    headers = {"Idempotency-Key": "bsk-7781"}
    first = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal", headers=headers)
    second = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal", headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert counts(app)[0] == 1


def test_officers_and_anonymous_cannot_submit(api):
    payload = residential_payload(api, "operator.csc-domkal")
    assert api.post("/api/v1/applications", json=payload, user="bdo.domkal").status_code == 403
    assert api.post("/api/v1/applications", json=payload).status_code == 401


def test_invalid_aadhaar_is_refused_and_valid_one_is_masked(api):
    payload = residential_payload(api, "operator.csc-domkal")
    payload["applicant"]["aadhaar"] = "2345 6789 0123"
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 422 and "applicant.aadhaar" in r.get_json()["error"]["fields"]
    payload["applicant"]["aadhaar"] = "2345 6789 0124"  # Verhoeff-valid
    r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 201, r.get_json()
    detail = api.get(f"/api/v1/applications/{r.get_json()['ain']}", user="operator.csc-domkal").get_json()
    assert detail["applicant"]["aadhaar"] == "XXXX-XXXX-0124"


def test_track_shows_no_personal_data_and_forgives_case_and_hyphens(api):
    ain = submit_residential(api)
    r = api.get(f"/api/v1/track/{ain.replace('-', '').lower()}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ain"] == ain and body["status"] == "SUBMITTED" and body["certificate"] is None
    assert "Rahima" not in r.get_data(as_text=True) and "9876543210" not in r.get_data(as_text=True)
    typo = ain[:-3] + ("1" if ain[-3] != "1" else "2") + ain[-2:]
    r = api.get(f"/api/v1/track/{typo}")
    assert r.status_code == 404
    assert "last character does not match" in r.get_json()["error"]["hint"]


def test_ain_check_character_catches_every_single_typo_and_neighbour_swap():
    for serial in range(1, 400):
        ain = ain_codes.make("HHA", "012", 2026, serial)
        if ain is None:
            continue
        compact = ain.replace("-", "")
        for i in range(len(compact)):
            for ch in ain_codes.ALPHABET:
                if ch != compact[i]:
                    assert ain_codes.normalise(compact[:i] + ch + compact[i + 1:]) is None
            if i + 1 < len(compact) and compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
                assert ain_codes.normalise(swapped) is None


def test_a_look_alike_check_character_is_accepted_and_corrected():
    """Issue 14: an AIN whose check character is the letter O, typed with a zero, and the reverse."""
    found = {}
    for serial in range(1, 2000):
        ain = ain_codes.make("HHA", "012", 2026, serial)
        if ain and ain[-1] in "O0I1" and ain[-1] not in found:
            found[ain[-1]] = ain
    assert set(found) == set("O0I1")
    for check, ain in found.items():
        typed = ain[:-1] + {"O": "0", "0": "O", "I": "1", "1": "I"}[check]
        assert ain_codes.normalise(typed) is None  # the pure check still refuses it…
        assert ain_codes.look_alike(typed.lower().replace("-", " ")) == ain  # …the look-up corrects it
    assert ain_codes.look_alike(found["O"].replace("-2026-", "-2O26-")) == found["O"]


def test_tracking_corrects_a_look_alike_check_character_of_an_existing_ain(api, app):
    ain = submit_residential(api)
    prefix = ain[:12]  # HHA012-2026- style: keep the service and year, choose a serial ending in "O"
    crafted = next(a for a in (ain_codes.make(prefix[:3], prefix[3:6], int(prefix[7:11]), n) for n in range(1, 5000))
                   if a and a.endswith("O"))
    with app.app_context():
        db.session.scalar(select(Application).where(Application.ain == ain)).ain = crafted
        db.session.commit()
    r = api.get(f"/api/v1/track/{crafted[:-1]}0")
    assert r.status_code == 200 and r.get_json()["ain"] == crafted
    assert api.get(f"/api/v1/track/{crafted[:-1]}Q").status_code == 404


def test_expected_date_counts_working_days_not_calendar_days(api, app):
    """Submitted on a Friday: the 5-day SLA runs over a Sunday and a fourth Saturday off, so the
    expected date is later than five calendar days (it is the SLA area's last step deadline)."""
    import time_machine
    from datetime import datetime, timedelta, timezone
    with time_machine.travel(datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc), tick=False):
        ain = submit_residential(api)
    body = api.get(f"/api/v1/track/{ain}").get_json()
    expected = datetime.fromisoformat(body["expected_by"])
    submitted = datetime.fromisoformat(body["submitted_at"])
    assert expected - submitted > timedelta(days=5)
    with app.app_context():
        from app.sla.clock import clock_of, parse
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        last_due = max(parse(step["due"]) for step in clock_of(application).deadlines.values())
    assert expected == last_due
