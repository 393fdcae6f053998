"""Operators see what they or their centre created; a GP office's operator is no officer of it (issue 13)."""
from tests.helpers import submit_residential
from tests.services.samples import payload, submit

from .conftest import CITIZEN_A, citizen_pages, citizen_token, officer_pages


def _citizen_files_gp_application(api, app) -> str:
    token = citizen_token(api, app, CITIZEN_A)
    api.tokens["citizen.a"] = token
    r = api.post("/api/v1/applications", json=payload(api, "citizen.a", "residential_gp"), user="citizen.a")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


def test_gp_operator_gets_404_for_what_a_csc_operator_filed(api, app):
    ain = submit(api, "residential_gp", user="operator.csc-domkal")   # processed at the Raipur GP office
    assert api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").status_code == 200
    assert api.get(f"/api/v1/applications/{ain}", user="pradhan.raipur").status_code == 200
    for path in (f"/api/v1/applications/{ain}", f"/api/v1/applications/{ain}/history",
                 f"/api/v1/applications/{ain}/acknowledgement.pdf"):
        r = api.get(path, user="operator.raipur")
        assert r.status_code == 404, (path, r.status_code)
        assert r.get_json()["error"]["code"] == "not_found"
    assert officer_pages(app, "operator.raipur").get(f"/applications/{ain}").status_code == 404


def test_gp_operator_gets_404_for_what_a_citizen_filed_at_their_gp(api, app):
    ain = _citizen_files_gp_application(api, app)
    assert api.get(f"/api/v1/applications/{ain}", user="pradhan.raipur").status_code == 200
    r = api.get(f"/api/v1/applications/{ain}", user="operator.raipur")
    assert r.status_code == 404 and "Rahima" not in r.get_data(as_text=True)
    assert officer_pages(app, "operator.raipur").get(f"/applications/{ain}").status_code == 404
    assert citizen_pages(app, CITIZEN_A).get(f"/applications/{ain}").status_code == 200


def test_operator_sees_what_their_centre_created(api, app):
    from tests.policy.conftest import add_officer
    add_officer(app, "operator.raipur2", "OPERATOR", "GP-RAIPUR")
    ain = submit_residential(api, "operator.raipur")
    assert api.get(f"/api/v1/applications/{ain}", user="operator.raipur2").status_code == 200
    listed = officer_pages(app, "operator.raipur2").get("/my/applications").get_data(as_text=True)
    assert ain in listed
    assert api.get(f"/api/v1/applications/{ain}", user="operator.garaimari").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").status_code == 404


def test_another_citizen_gets_404(api, app):
    from .conftest import CITIZEN_B
    ain = _citizen_files_gp_application(api, app)
    api.tokens["citizen.b"] = citizen_token(api, app, CITIZEN_B)
    assert api.get(f"/api/v1/applications/{ain}", user="citizen.b").status_code == 404
    assert citizen_pages(app, CITIZEN_B).get(f"/applications/{ain}").status_code == 404
