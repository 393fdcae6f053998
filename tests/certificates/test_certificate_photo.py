"""The applicant's photograph on the certificate (issue 14): a service whose catalogue asks for a
photograph prints the uploaded one — read from storage, passed to Typst as an image input — and a
service that asks for none prints no picture at all."""
import io

import pikepdf
from PIL import Image

from app.certificates.photo import MAX_SIDE, SAMPLE_PHOTO_SVG, photo_svg
from app.certificates.sample import sample_certificate
from tests.helpers import RESIDENTIAL_DOCS, residential_payload, upload

from .flow_helpers import approve, download, issue


def _jpeg(size, colour=(180, 120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image XObject the pages draw, nested form XObjects included."""
    found, seen = [], set()

    def walk(resources):
        for xobject in ((resources or {}).get("/XObject") or {}).values():
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if xobject.get("/Subtype") == "/Image":
                found.append((int(xobject.Width), int(xobject.Height)))
            elif xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            walk(page.get("/Resources"))
    return found


def test_the_uploaded_photograph_is_printed_at_its_own_size(api):
    user = "operator.csc-domkal"
    payload = residential_payload(api, user, doc_types=[d for d in RESIDENTIAL_DOCS if d != "photograph"])
    r = upload(api, user, "photograph", _jpeg((123, 157)), "face.jpg")
    assert r.status_code == 201, r.get_json()
    payload["documents"].append({"type": "photograph", "id": r.get_json()["id"]})
    r = api.post("/api/v1/applications", json=payload, user=user)
    assert r.status_code == 201, r.get_json()
    ain = r.get_json()["ain"]
    approve(api, "residential_edistrict", ain)
    uin = api.get(f"/api/v1/applications/{ain}", user=user).get_json()["certificate"]["uin"]
    assert image_sizes(download(api, "residential_edistrict", uin)) == [(123, 157)]


def test_a_service_without_a_photograph_prints_no_picture(api):
    _, uin = issue(api, "age")
    assert image_sizes(download(api, "age", uin)) == []


def test_a_photograph_uploaded_as_pdf_is_not_printed(api):
    """The catalogue accepts a PDF scan as the photograph document; only an image can be printed."""
    _, uin = issue(api, "residential_edistrict")          # the helper uploads every document as a PDF
    assert image_sizes(download(api, "residential_edistrict", uin)) == []


def test_a_large_phone_picture_is_scaled_down_before_it_is_embedded():
    svg = photo_svg(_jpeg((3000, 4000)))
    assert f'width="{MAX_SIDE * 3 // 4}" height="{MAX_SIDE}"' in svg
    assert len(svg) < 200_000


def test_the_sample_for_the_upload_check_carries_a_photo_for_services_that_ask():
    from types import SimpleNamespace as NS
    asks = NS(documents=[{"type": "photograph", "name": "Photograph", "required": True}])
    context, images = sample_certificate("residential_edistrict", {}, asks)
    assert context["applicant"]["photo"]["sample"] is True and images["photo"] == SAMPLE_PHOTO_SVG
    context, images = sample_certificate("age", {}, NS(documents=[]))
    assert context["applicant"]["photo"] is None and "photo" not in images
