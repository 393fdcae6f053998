"""The QR printed on the certificate decodes from a 300 dpi raster to the SoP fields, at 3 cm."""
import pytest

from app.certificates.qr import decode_payload, qr_matrix, qr_svg, qr_version_setting
from tests.certificates.conftest import ISSUED_AT


def _decode(png_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    return [r for r in zxingcpp.read_barcodes(Image.open(png_path)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_in_pdf_decodes_to_the_listed_fields(income_png):
    codes = _decode(income_png)
    assert len(codes) == 1
    fields = decode_payload(codes[0].text)
    assert fields == {
        "UIN": "PRD0012026000042",
        "NAME": "Rahima Khatun",
        "SVC": "Income Certificate (001)",
        "DEPT": "Panchayats & Rural Development Department",
        "ISSUED": "2026-05-04T16:00+05:30",
        "VERIFY": "https://pravah.example.gov.in/verify/PRD0012026000042",
    }


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


def test_auto_version_is_small_for_sop_payload():
    from app.certificates.qr import QrPayload
    payload = QrPayload("PRD0012026000001", "রহিমা খাতুন", "Income Certificate", "001",
                        "Panchayats & Rural Development Department", ISSUED_AT,
                        "https://pravah.example.gov.in/verify/PRD0012026000001").encode()
    size = len(qr_matrix(payload))
    assert size <= 17 + 4 * 13  # version 13 or lower even with a Bengali name


def test_svg_is_inline_vector_with_quiet_zone():
    svg = qr_svg("PRD0012026000001")
    assert svg.startswith("<svg") and "<image" not in svg and "data:" not in svg
    n = len(qr_matrix("PRD0012026000001"))
    assert f'viewBox="0 0 {n + 8} {n + 8}"' in svg
