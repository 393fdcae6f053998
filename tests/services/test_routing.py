"""Routing by the applicant's LGD location and the service level — never by who entered the application."""
from tests.services.samples import inbox_ains, submit

PRADHANS = ["pradhan.raipur", "pradhan.garaimari", "pradhan.sadikhardiar", "pradhan.ghoshpara",
            "pradhan.kadambagachhi", "pradhan.chhotajagulia"]
BDOS = ["bdo.domkal", "bdo.jalangi", "bdo.barasat1"]


def test_csc_in_north_24_parganas_routes_to_the_applicants_murshidabad_gp(api):
    ain = submit(api, "income", user="operator.csc-barasat", lgd_code="131001")
    body = api.get(f"/api/v1/applications/{ain}", user="operator.csc-barasat").get_json()
    assert body["processing_office"]["code"] == "GP-RAIPUR"
    assert body["channel"] == "CSC"
    for officer in PRADHANS + BDOS + ["sdo.domkal", "dm.murshidabad", "dm.north24parganas"]:
        expected = officer == "pradhan.raipur"
        assert (ain in inbox_ains(api, officer)) is expected, officer
    # The CSC's own district cannot see it; the GP that processes it can.
    assert api.get(f"/api/v1/applications/{ain}", user="pradhan.kadambagachhi").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}", user="pradhan.raipur").status_code == 200


def test_same_service_same_operator_different_gp_goes_to_that_gp(api):
    ain = submit(api, "income", user="operator.csc-barasat", lgd_code="131012")
    assert ain in inbox_ains(api, "pradhan.ghoshpara")
    assert ain not in inbox_ains(api, "pradhan.raipur")


def test_block_service_routes_to_the_bdo_of_the_applicants_block(api):
    ain = submit(api, "completion_block", user="operator.csc-barasat", lgd_code="131011")
    assert ain in inbox_ains(api, "bdo.jalangi")
    for officer in ["bdo.domkal", "bdo.barasat1", "pradhan.sadikhardiar"]:
        assert ain not in inbox_ains(api, officer), officer


def test_channel_is_recorded_as_given_or_from_the_api_key(api, app):
    ain = submit(api, "age", user="operator.raipur", channel="GP")
    assert api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["channel"] == "GP"
    result = app.test_cli_runner().invoke(args=["apikeys", "create", "--name", "BSK", "--channel", "BSK"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    api.tokens["apikey.bsk"] = key
    ain = submit(api, "age", user="apikey.bsk", lgd_code="131002")
    body = api.get(f"/api/v1/applications/{ain}", user="apikey.bsk").get_json()
    assert body["channel"] == "BSK"
    assert ain in inbox_ains(api, "pradhan.garaimari")
    history = api.get(f"/api/v1/applications/{ain}/history", user="apikey.bsk").get_json()["items"]
    assert history[0]["action"] == "submitted"
