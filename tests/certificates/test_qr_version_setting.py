"""A forced QR version is a floor: too small for the signed URL → the smallest that fits, logged;
a malformed setting stops the app at startup instead of failing approvals later."""
import logging

import pytest

from app import create_app
from app.certificates import qr
from app.certificates.context import qr_image
from app import config as config_module
from tests.certificates.flow_helpers import download, issue, qr_texts, rasterise

URL = "https://pravah.example.gov.in/verify/PRD0012026000042#1:" + "eNq71OK7iFGNxaPun4jb" * 14  # 336 chars


def _modules(svg: str) -> int:
    return int(svg.split('viewBox="0 0 ')[1].split()[0]) - 2 * qr.QUIET_ZONE_MODULES


def test_too_small_a_version_draws_the_smallest_that_fits(caplog):
    with caplog.at_level(logging.WARNING, logger="app.certificates.qr"):
        svg = qr_image(URL, {"QR_VERSION": "10"})
    assert _modules(svg) == 17 + 4 * 14  # version 14: the smallest holding 336 bytes at EC M
    assert "QR_VERSION 10 cannot hold this 336-character payload" in caplog.text


def test_a_version_that_fits_is_kept(caplog):
    with caplog.at_level(logging.WARNING, logger="app.certificates.qr"):
        assert _modules(qr_image(URL, {"QR_VERSION": "40"})) == 177
        assert _modules(qr_image(URL, {"QR_VERSION": "auto"})) == 17 + 4 * 14
    assert caplog.text == ""


@pytest.mark.parametrize("bad", ["abc", "0", "41", "13.5", "-1"])
def test_malformed_setting_is_refused_at_startup(bad):
    config = config_module.TestingConfig()
    config.QR_VERSION = bad
    with pytest.raises(ValueError, match=r"must be auto or a whole number 1\.\.40, not " + repr(bad).replace(".", r"\.")):
        create_app(config)


def test_small_setting_is_reported_at_startup(caplog):
    with caplog.at_level(logging.WARNING, logger="app.certificates.qr"):
        assert qr.check_version_setting({"QR_VERSION": "10"}) == 10
    assert "PRAVAH_QR_VERSION=10 cannot hold the signed verify URL" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.certificates.qr"):
        assert qr.check_version_setting({"QR_VERSION": "15"}) == 15
    assert caplog.text == ""


@pytest.fixture
def app_config(app_config):
    app_config.QR_VERSION = "10"
    return app_config


def test_approval_with_a_too_small_version_issues_a_readable_certificate(app, api, tmp_path):
    ain, uin = issue(api, "income")  # was a 500 (segno.DataOverflowError) before
    codes = qr_texts(rasterise(download(api, "income", uin), tmp_path))
    assert len(codes) == 1 and codes[0].split("#")[0].endswith(f"/verify/{uin}")
