"""Submit and approve any shipped service through the HTTP API; fetch, rasterise and decode its PDF."""
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.certificates.qrkeys import b64url_decode
from tests.helpers import act, submit_residential
from tests.services.samples import FLOW_A, submit

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = {s["key"]: s for s in json.loads((ROOT / "app/catalogue/services.json").read_text("utf-8"))["services"]}
#: Every catalogue service whose process model is shipped in bpmn/.
SERVICES_WITH_BPMN = sorted(k for k in CATALOGUE if (ROOT / "bpmn" / f"{k}.bpmn").exists())
#: The applicant's side for each service in the samples (who submits, who may download).
SUBMITTER = {"residential_edistrict": "operator.csc-domkal"}


def approver(service: str) -> str:
    if service == "residential_edistrict":
        return "bdo.domkal"
    return "pradhan.raipur" if service in FLOW_A else "bdo.domkal"


def submit_any(api, service: str) -> str:
    if service == "residential_edistrict":
        return submit_residential(api, user=SUBMITTER[service])
    return submit(api, service, user=submitter(service))


def submitter(service: str) -> str:
    return SUBMITTER.get(service, "operator.raipur")


def approve(api, service: str, ain: str, expect: int = 200) -> dict:
    """Walk the application to the approval step and approve it."""
    if service == "residential_edistrict":
        act(api, "bdo.domkal", ain, "verify")
    return act(api, approver(service), ain, "approve", expect=expect)


def issue(api, service: str) -> tuple[str, str]:
    """Submit and approve; returns ``(ain, uin)``."""
    ain = submit_any(api, service)
    body = approve(api, service, ain)
    assert body["status"] == "DELIVERED", body
    detail = api.get(f"/api/v1/applications/{ain}", user=submitter(service)).get_json()
    return ain, detail["certificate"]["uin"]


def download(api, service: str, uin: str) -> bytes:
    r = api.get(f"/api/v1/certificates/{uin}.pdf", user=submitter(service))
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/pdf"
    return r.data


def rasterise(pdf: bytes, directory: Path, dpi: int = 300) -> Path:
    from tests.certificates.conftest import need
    need("pdftoppm")
    (directory / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(directory / "c.pdf"),
                    str(directory / "page")], check=True)
    return directory / "page.png"


def qr_texts(png: Path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def published_keys(api) -> list:
    """The public keys of ``/.well-known/pravah-keys.json`` as ``cryptography`` objects."""
    keys = api.get("/.well-known/pravah-keys.json").get_json()["keys"]
    return [ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(k["x"]), "big"),
                                          int.from_bytes(b64url_decode(k["y"]), "big"), ec.SECP256R1()).public_key()
            for k in keys]
