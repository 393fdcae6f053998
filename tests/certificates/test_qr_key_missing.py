"""Without the QR signing key an approval issues nothing (409 cannot_sign, nothing half-written)."""
import pytest

from tests.certificates.flow_helpers import approve, submit_any, submitter


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config.QR_SIGNING_KEY = str(tmp_path / "missing" / "qr.pem")
    return app_config


def test_without_a_qr_key_nothing_is_issued(api):
    ain = submit_any(api, "income")
    body = approve(api, "income", ain, expect=409)
    assert body["error"]["code"] == "cannot_sign"
    detail = api.get(f"/api/v1/applications/{ain}", user=submitter("income")).get_json()
    assert detail["certificate"] is None and detail["status"] != "DELIVERED"
