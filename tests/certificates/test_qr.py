"""The QR printed on the certificate decodes from a 300 dpi raster to the signed verify URL, at 3 cm."""
import pytest

from app.certificates import qrkeys
from app.certificates.qr import qr_matrix, qr_svg, qr_version_setting
from app.certificates.qrpayload import Claims, qr_url, verify_fragment
from tests.certificates.conftest import ISSUED_AT


def _decode(png_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    return [r for r in zxingcpp.read_barcodes(Image.open(png_path)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_in_pdf_decodes_to_the_signed_verify_url(income_png, settings):
    codes = _decode(income_png)
    assert len(codes) == 1
    url, _, fragment = codes[0].text.partition("#")
    assert url == "https://pravah.example.gov.in/verify/PRD0012026000042"
    assert verify_fragment(fragment, qrkeys.public_keys(settings)) == {
        "uin": "PRD0012026000042", "name": "Rahima Khatun", "svc": "001", "dept": "PRD",
        "office": "Domkal Gram Panchayat", "iat": int(ISSUED_AT.timestamp())}


def test_qr_is_three_centimetres(income_png):
    code = _decode(income_png)[0]
    pos = code.position
    width_px = ((pos.top_right.x - pos.top_left.x) + (pos.bottom_right.x - pos.bottom_left.x)) / 2
    assert abs(width_px / 300 * 25.4 - 30.0) < 0.6  # mm, at 300 dpi


def test_version_is_a_setting(monkeypatch):
    monkeypatch.delenv("PRAVAH_QR_VERSION", raising=False)
    assert qr_version_setting({}) is None
    assert qr_version_setting({"QR_VERSION": "auto"}) is None
    monkeypatch.setenv("PRAVAH_QR_VERSION", "40")
    assert qr_version_setting({}) == 40
    assert len(qr_matrix("PRD0012026000001", qr_version_setting({}))) == 177
    with pytest.raises(ValueError):
        qr_version_setting({"QR_VERSION": "41"})


def test_auto_version_is_small_for_the_signed_url(settings):
    claims = Claims("PRD0012026000001", "রহিমা খাতুন বিবি", "001", "PRD", "Raipur Gram Panchayat", ISSUED_AT,
                    status_list="308", status_index=123456)
    text = qr_url("https://pravah.example.gov.in/verify/PRD0012026000001", claims,
                  qrkeys.load_signing_key(settings))
    assert len(text) < 400
    size = len(qr_matrix(text))
    assert size <= 17 + 4 * 15  # version 15 or lower even with a Bengali name


def test_svg_is_inline_vector_with_quiet_zone():
    svg = qr_svg("PRD0012026000001")
    assert svg.startswith("<svg") and "<image" not in svg and "data:" not in svg
    n = len(qr_matrix("PRD0012026000001"))
    assert f'viewBox="0 0 {n + 8} {n + 8}"' in svg


def test_public_url_defaults_to_where_make_run_listens(monkeypatch):
    from app.config import Config
    monkeypatch.delenv("PRAVAH_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "8123")
    assert Config().PUBLIC_BASE_URL == "http://127.0.0.1:8123"
    monkeypatch.setenv("PRAVAH_PUBLIC_URL", "https://pravah.wb.gov.in")
    assert Config().PUBLIC_BASE_URL == "https://pravah.wb.gov.in"
